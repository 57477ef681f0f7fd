"""What upper layers add to each stop of the delivery boy's route page.

deliveries sits below billing, so the route page cannot ask billing what each customer
owes. Billing registers a provider here instead (at AppConfig.ready):

    provider(customer_ids: Sequence[int]) -> Mapping[int, value]

called once per page for all its stops, in ONE query whatever their number. Names in
use: AMOUNT_DUE (a Decimal ₹ the customer owes now; absent or <= 0: nothing due).

A provider may also give its read as SQL, folded into the route page's own query
(deliveries.route_rows.route_window) so the page costs no query of its own per extra:

    sql_provider(customers_sql: str) -> (sql, params)

`sql` selects (customer_id, value), at most one row per customer, for the customers
whose ids `customers_sql` (an SQL subquery) selects; `params` are its named parameters
(%(name)s), named after the provider to stay apart from the page's.
"""

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager

Provider = Callable[[Sequence[int]], Mapping[int, object]]
SqlProvider = Callable[[str], tuple[str, dict]]

AMOUNT_DUE = "amount_due"

_providers: dict[str, Provider] = {}
_sql_providers: dict[str, SqlProvider] = {}


def register(name: str, provider: Provider, *, sql: SqlProvider | None = None) -> Provider:
    """Ask `provider` for `name` on every route page from now on (the last one wins);
    `sql`: the same read as SQL (see above), used where the page can fold it in."""
    _providers[name] = provider
    _sql_providers.pop(name, None)
    if sql is not None:
        _sql_providers[name] = sql
    return provider


def unregister(name: str) -> None:
    _providers.pop(name, None)
    _sql_providers.pop(name, None)


def sql_for(customers_sql: str) -> dict[str, tuple[str, dict]]:
    """{name: (sql, params)} of every provider that gives its read as SQL."""
    return {name: provider(customers_sql) for name, provider in _sql_providers.items()}


def values_for(
    customer_ids: Sequence[int], *, skip: Iterable[str] = ()
) -> dict[str, Mapping[int, object]]:
    """{name: {customer id: value}} from every provider (but those in `skip`: already
    read), for these customers."""
    ids = list(customer_ids)
    skip = set(skip)
    return {name: provider(ids) for name, provider in _providers.items() if name not in skip}


@contextmanager
def registered(**only: Provider) -> Iterator[None]:
    """Exactly these providers while the block runs (tests), the previous ones after."""
    saved, saved_sql = dict(_providers), dict(_sql_providers)
    _providers.clear()
    _sql_providers.clear()
    _providers.update(only)
    try:
        yield
    finally:
        _providers.clear()
        _providers.update(saved)
        _sql_providers.clear()
        _sql_providers.update(saved_sql)
