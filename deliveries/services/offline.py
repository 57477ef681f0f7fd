"""The delivery boy's taps — from his phone's queue when he had no signal (boy:sync), or
from the route page's one form (boy:act) — applied through the one confirmation service.

An action names a stop (customer, day, shift), what to do (`kind`) and the state of the
stop the phone last knew (`seen`, selectors_boy.stop_token). Each runs in its own
transaction, exactly once per (user, key) through earlybird.idempotency.once(): a
repeated key writes nothing and gets the first answer.

Kinds are a registry: deliveries registers the confirmations (delivered, partial,
not_delivered, undo) and the bottles; billing registers "cash" at ready()
(billing/offline_cash.py). A guarded kind is refused as a "conflict", writing nothing,
when any delivery of the stop is billed, or when the stop changed since `seen` and the
latest change was not his (a substitute's shared link, the office).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from deliveries.models import Delivery, DeliveryBoy
from deliveries.selectors_boy import stop_token
from deliveries.services.confirmation import Confirmer, confirm_stop, undo_stop
from earlybird import bounds
from earlybird.idempotency import KEY_MAX_LENGTH, once
from orders.models import Order

OPERATION = "boy:sync"
NOT_HIS = "not_his"
MAX_ACTIONS = 500  # one phone's queue: a long round, tapped twice over
_KEY = re.compile(rf"[A-Za-z0-9_.:-]{{8,{KEY_MAX_LENGTH}}}")


class Malformed(ValueError):
    """A body that is not a list of actions as the contract writes them (400 and why)."""


@dataclass(frozen=True)
class Action:
    key: str
    kind: str
    day: date
    shift: str
    customer_id: int
    seen: str | None = None  # None: not checked (the page's form without a token)
    quantities: dict[int, str] = field(default_factory=dict)
    reason: str = ""
    bottles: dict[int, str] = field(default_factory=dict)
    amount: str = ""
    content: dict = field(default_factory=dict, compare=False)  # as sent, for the key


@dataclass
class Tap:
    """What a kind applies: the action, who taps, the stop (its deliveries: none for a
    held stop, which only a kind that is not guarded may use)."""

    action: Action
    boy: DeliveryBoy
    by: Confirmer
    customer: Customer
    deliveries: list[Delivery]


@dataclass(frozen=True)
class Kind:
    apply: Callable[[Tap], str]  # writes through a service, returns what to tell him
    guarded: bool = True  # needs the stop's deliveries, checked against `seen` and bills


@dataclass(frozen=True)
class Result:
    key: str
    customer_id: int
    result: str  # "done" | "replayed" | "conflict" | "refused"
    message: str
    code: str = ""  # NOT_HIS: not a stop of his route (the page answers 404)


_kinds: dict[str, Kind] = {}


def register(name: str, apply: Callable[[Tap], str], *, guarded: bool = True) -> None:
    """Accept actions of kind `name` from now on (the last registration wins)."""
    _kinds[name] = Kind(apply=apply, guarded=guarded)


def kinds() -> frozenset[str]:
    return frozenset(_kinds)


# --- parsing ------------------------------------------------------------------------------


def parse_actions(body: object) -> list[Action]:
    """The actions of a decoded JSON body `{"actions": [...]}`, or Malformed(reason)."""
    if not isinstance(body, dict) or not isinstance(body.get("actions"), list):
        raise Malformed('Send a JSON object {"actions": [...]}.')
    actions = body["actions"]
    if len(actions) > MAX_ACTIONS:
        raise Malformed(f"Send at most {MAX_ACTIONS} actions at a time.")
    parsed = [parse_action(action, index) for index, action in enumerate(actions)]
    if len({action.key for action in parsed}) != len(parsed):
        raise Malformed("Each action needs its own key.")
    return parsed


def _text(data: dict, name: str, where: str, *, required=True) -> str:
    value = data.get(name, "")
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise Malformed(f"{where}: {name} must be a string.")
    if required and value == "":
        raise Malformed(f"{where}: {name} is missing.")
    return str(value)


def _by_delivery(data: dict, name: str, where: str) -> dict[int, str]:
    value = data.get(name) or {}
    if not isinstance(value, dict):
        raise Malformed(f"{where}: {name} must be an object of delivery id to number.")
    out = {}
    for key, number in value.items():
        if not str(key).isdigit() or len(str(key)) > 18:
            raise Malformed(f"{where}: {name} has “{key}”, not a delivery id.")
        if isinstance(number, bool) or not isinstance(number, str | int | float):
            raise Malformed(f"{where}: {name}[{key}] must be a number.")
        out[int(key)] = str(number)
    return out


def parse_action(data: object, index: int = 0) -> Action:
    where = f"action {index + 1}"
    if not isinstance(data, dict):
        raise Malformed(f"{where} is not an object.")
    key = _text(data, "key", where)
    if not _KEY.fullmatch(key):
        raise Malformed(f"{where}: key must be 8 to {KEY_MAX_LENGTH} letters, digits or _.:-")
    kind = _text(data, "kind", where)
    if kind not in _kinds:
        raise Malformed(f"{where}: unknown kind “{kind[:40]}”.")
    try:
        day = date.fromisoformat(_text(data, "day", where))
    except ValueError:
        raise Malformed(f"{where}: day must be YYYY-MM-DD.") from None
    shift = _text(data, "shift", where)
    if shift not in Order.Shift.values:
        raise Malformed(f"{where}: shift must be morning or evening.")
    customer = data.get("customer")
    if isinstance(customer, str) and customer.isdigit() and len(customer) < 19:
        customer = int(customer)
    if isinstance(customer, bool) or not isinstance(customer, int) or not 0 < customer < 2**63:
        raise Malformed(f"{where}: customer must be a customer id.")
    seen = data.get("seen")
    if seen is not None and (not isinstance(seen, str) or len(seen) > 100):
        raise Malformed(f"{where}: seen must be the stop's data-seen string.")
    return Action(
        key=key,
        kind=kind,
        day=day,
        shift=shift,
        customer_id=customer,
        seen=seen,
        quantities=_by_delivery(data, "quantities", where),
        reason=_text(data, "reason", where, required=False),
        bottles=_by_delivery(data, "bottles", where),
        amount=_text(data, "amount", where, required=False),
        content=data,
    )


# --- applying -----------------------------------------------------------------------------


def apply_action(*, action: Action, boy: DeliveryBoy, by: Confirmer) -> Result:
    """Apply one action once per (his user, key); refusals and conflicts write nothing."""
    kind = _kinds.get(action.kind)
    if kind is None:
        return Result(action.key, action.customer_id, "refused", _("Unknown action."))

    def write():
        tap = _tap(action, boy, by, guarded=kind.guarded)
        conflict = _conflict(tap) if kind.guarded else None
        if conflict:
            return None, {"result": "conflict", "message": conflict}
        return None, {"result": "done", "message": kind.apply(tap)}

    try:
        outcome = once(
            user=by.user, key=action.key, operation=OPERATION, content=action.content, write=write
        )
    except (ValidationError, PermissionDenied) as exc:
        code = NOT_HIS if getattr(exc, "code", None) == NOT_HIS else ""
        return Result(action.key, action.customer_id, "refused", _messages_of(exc), code)
    if not outcome.replayed:
        return Result(action.key, action.customer_id, **outcome.result)
    if not outcome.same_request:
        return Result(
            action.key,
            action.customer_id,
            "refused",
            _("This key was used for another action; nothing was written."),
        )
    first = outcome.result.get("result")
    return Result(
        action.key,
        action.customer_id,
        "replayed" if first == "done" else first,
        outcome.result.get("message", ""),
    )


def _messages_of(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


def _tap(action: Action, boy: DeliveryBoy, by: Confirmer, *, guarded: bool) -> Tap:
    """The stop, on his route only; a guarded kind locks its deliveries (orders, then
    deliveries, by pk: earlybird/locks.py) so nothing changes between the check and the
    write."""
    customer = Customer.objects.filter(pk=action.customer_id, route_stop__delivery_boy=boy).first()
    deliveries = []
    if customer is not None or guarded:
        rows = Delivery.objects.filter(
            delivery_boy=boy, customer_id=action.customer_id, date=action.day, shift=action.shift
        ).exclude(status=Delivery.Status.CANCELLED)
        if guarded:
            orders = Order.objects.filter(pk__in=rows.values("order_id")).order_by("pk")
            list(orders.select_for_update(no_key=True, of=("self",)).values_list("pk", flat=True))
            rows = rows.select_for_update(no_key=True, of=("self",))
        on_bill = Delivery.objects.filter(pk=OuterRef("pk"), billing_line__isnull=False)
        deliveries = list(
            rows.annotate(billed=Exists(on_bill))
            .select_related("product", "customer")
            .order_by("product__sort_order", "pk")
        )
    if guarded and not deliveries:
        raise ValidationError(_("No such stop on your route that day and shift."), code=NOT_HIS)
    if customer is None:
        customer = deliveries[0].customer if deliveries else None
    if customer is None:
        raise ValidationError(_("No such customer on your route."), code=NOT_HIS)
    return Tap(action=action, boy=boy, by=by, customer=customer, deliveries=deliveries)


def _conflict(tap: Tap) -> str | None:
    """Why the action may not be applied to the stop as it is now, or None."""
    if any(d.billed for d in tap.deliveries):
        return _("%(name)s: already billed; call the office to correct it.") % {
            "name": tap.customer.name
        }
    seen = tap.action.seen
    if seen is None or seen == stop_token(tap.deliveries):
        return None
    # Changed since he saw it: fine if the latest change was his own (an earlier tap of
    # his queue), a conflict if someone else's.
    latest = (
        Delivery.history.filter(id__in=[d.pk for d in tap.deliveries])
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
        .first()
    )
    user_id = getattr(tap.by.user, "pk", None)
    if latest is None or latest.history_user_id == user_id:
        return None
    if latest.history_user_id is None and (
        latest.confirmed_by_id == user_id and latest.confirmed_via == Delivery.Via.DELIVERY_BOY
    ):
        return None
    return _changed_by(tap.customer, latest)


def _changed_by(customer: Customer, row) -> str:
    at = formats.time_format(timezone.localtime(row.history_date), "g:i A")
    values = {"customer": customer.name, "at": at}
    if row.confirmed_via == Delivery.Via.SHARED_LINK and row.status != Delivery.Status.PENDING:
        values["name"] = row.confirmed_by_name or _("a substitute")
        return (
            _("%(customer)s: already confirmed by %(name)s through a shared link at %(at)s.")
            % values
        )
    user = row.history_user
    if user is not None:
        values["name"] = user.get_full_name() or user.get_username()
        return _("%(customer)s: changed by %(name)s at %(at)s; check it before tapping.") % values
    return _("%(customer)s: changed by the office at %(at)s; check it before tapping.") % values


# --- the kinds of deliveries ---------------------------------------------------------------


def _confirm(tap: Tap, quantities: dict[Delivery, Decimal], reason: str = "") -> None:
    confirm_stop(quantities=quantities, by=tap.by, reason=reason)


def _delivered(tap: Tap) -> str:
    _confirm(tap, {d: d.ordered_qty for d in tap.deliveries})
    return _("%(name)s: delivered.") % {"name": tap.customer.name}


def _partial(tap: Tap) -> str:
    by_id = {d.pk: d for d in tap.deliveries}
    unknown = set(tap.action.quantities) - set(by_id)
    if unknown:
        raise ValidationError(_("Those products are not on this stop."))
    quantities = {}
    for delivery in tap.deliveries:
        text = tap.action.quantities.get(delivery.pk)
        if text is None:
            quantities[delivery] = delivery.ordered_qty
            continue
        quantity = bounds.parse_decimal(text)
        if not quantity.is_finite() or not 0 <= quantity <= delivery.ordered_qty:
            raise ValidationError(
                _("%(product)s: enter 0 to %(ordered)s.")
                % {"product": delivery.product.name, "ordered": f"{delivery.ordered_qty:f}"}
            )
        quantities[delivery] = bounds.check_quantity(quantity)
    if all(q == d.ordered_qty for d, q in quantities.items()):
        raise ValidationError(_("Those are the full quantities: tap Delivered instead."))
    if not any(quantities.values()):
        raise ValidationError(_("Nothing handed over: tap Not delivered and say why."))
    _confirm(tap, quantities)
    return _("%(name)s: partly delivered.") % {"name": tap.customer.name}


def _not_delivered(tap: Tap) -> str:
    if tap.action.reason not in Delivery.Reason.values:
        raise ValidationError(_("Choose why it was not delivered."))
    _confirm(tap, {d: Decimal(0) for d in tap.deliveries}, reason=tap.action.reason)
    return _("%(name)s: not delivered.") % {"name": tap.customer.name}


def _undo(tap: Tap) -> str:
    undo_stop(deliveries=tap.deliveries, by=tap.by)
    return _("%(name)s: back to not done.") % {"name": tap.customer.name}


def _bottles(tap: Tap) -> str:
    try:
        from deliveries.services.bottles import record_bottles_collected
    except ImportError:  # pragma: no cover - only before helper "bottles" lands
        raise ValidationError(_("Bottles cannot be recorded yet.")) from None
    by_id = {d.pk: d for d in tap.deliveries}
    collected = {}
    for pk, text in tap.action.bottles.items():
        if pk not in by_id:
            raise ValidationError(_("Those products are not on this stop."))
        if not text.strip().isdigit() or int(text) > 999:
            raise ValidationError(_("Bottles collected: enter a whole number from 0 to 999."))
        collected[pk] = int(text)
    if not collected:
        raise ValidationError(_("Enter the bottles collected."))
    record_bottles_collected(deliveries=tap.deliveries, collected=collected, by=tap.by)
    return _("%(name)s: %(count)s bottles collected.") % {
        "name": tap.customer.name,
        "count": sum(collected.values()),
    }


def _register_deliveries_kinds() -> None:
    register("delivered", _delivered)
    register("partial", _partial)
    register("not_delivered", _not_delivered)
    register("undo", _undo)
    register("bottles", _bottles)


_register_deliveries_kinds()
