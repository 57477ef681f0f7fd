"""Holds: upper layers tell generation which customers' deliveries to hold for a day.

deliveries sits below billing, so it cannot ask billing whether a prepaid customer can
pay for tomorrow's milk. Billing registers a provider here instead (at AppConfig.ready):

    provider(day: date, needs: Mapping[int, Decimal]) -> dict[int, str]

`needs` holds, per customer id, what the deliveries generation is about to make (or keep
pending) for `day` would cost: Σ round(ordered_qty × unit_price, 2) over the due lines
not yet confirmed (confirmed rows are history, already counted elsewhere). The provider
answers the customers to hold, each with a reason code of `Hold.Reason`. Providers are
called inside the generation's transaction, after its per-day advisory lock and before
it locks any Delivery row, so a provider may lock Customer-level rows (earlybird/locks.py).
Only days from today on are ever asked about: a past day is history.
"""

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from deliveries.models import Hold

Provider = Callable[[date, Mapping[int, Decimal]], Mapping[int, str]]

Reason = Hold.Reason

# What the customer reads next to a held day (the label is Hold.Reason's).
EXPLANATIONS: dict[str, str] = {
    Reason.LOW_BALANCE: "Your wallet balance is too low for this day's milk. Recharge to resume.",
}

_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Ask `provider` at every generation from now on (once, however often registered).
    Returns it, so it can decorate the provider function."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister(provider: Provider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def providers() -> tuple[Provider, ...]:
    return tuple(_providers)


@contextmanager
def registered(*only: Provider) -> Iterator[None]:
    """Exactly these providers while the block runs (tests), the previous ones after."""
    saved = list(_providers)
    _providers[:] = list(only)
    try:
        yield
    finally:
        _providers[:] = saved


def holds_for(day: date, needs: Mapping[int, Decimal]) -> dict[int, str]:
    """Customer id → reason code for every customer some provider holds on `day`.

    The first provider to hold a customer gives the reason. Only customers in `needs`
    can be held; an unknown reason code is a programming error and fails the generation.
    """
    held: dict[int, str] = {}
    view = MappingProxyType(dict(needs))
    for provider in providers():
        for customer_id, reason in provider(day, view).items():
            if reason not in Reason.values:
                raise ValueError(f"{provider!r} gave an unknown hold reason {reason!r}.")
            if customer_id in view:
                held.setdefault(customer_id, reason)
    return held


def label(reason: str) -> str:
    """ "Paused: low balance": what staff, the delivery boy and the customer see."""
    return Reason(reason).label


def explanation(reason: str) -> str:
    """What the customer is told about a held day, and what to do."""
    return EXPLANATIONS.get(reason, label(reason))
