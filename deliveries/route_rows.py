"""The delivery boy's route read for his pages: ONE statement, a window of the route's
stops (selectors.route_with_holds' stops and order, only the columns the pages show) with
the whole route's counts. A window is WINDOW stops: the page stays the same size and cost
whatever the length of the route (issue 18), and the stops' extras (the amount due, the
bottle balance) are read for the window's customers only."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from deliveries.models import Delivery, Hold
from deliveries.selectors import Stop
from earlybird import changes
from earlybird.prepared import prepared_cursor

WINDOW = 40  # stops per window of the route
# What a stop extra's SQL selects its customers from: the window's (stop_extras.sql_for).
WINDOW_CUSTOMERS = "SELECT customer_id FROM w"


class RouteCustomer(NamedTuple):
    """The columns of a customer the delivery boy's route page shows (no model instance),
    in the route query's order."""

    pk: int
    name: str
    address: str
    landmark: str
    phone: str
    map_link: str
    latitude: Decimal | None
    longitude: Decimal | None
    delivery_instructions: str


class RouteProduct(NamedTuple):
    pk: int
    name: str
    returnable: bool


@dataclass(slots=True)
class RouteDelivery:
    """A delivery's columns the route page and its state token (selectors_boy.stop_token)
    read, under the model's names, in the route query's order; `badge` is the page's."""

    pk: int
    status: str
    ordered_qty: Decimal
    delivered_qty: Decimal | None
    reason: str
    bottles_given: int
    bottles_collected: int
    confirmed_by_id: int | None
    confirmed_via: str
    confirmed_by_name: str
    delivery_link_id: int | None
    # Whole microseconds since 1970, not a datetime: only the token reads it, and making
    # a datetime per row was a tenth of the page's time.
    confirmed_at_us: int | None
    product: RouteProduct
    badge: str = ""

    @property
    def is_confirmed(self) -> bool:
        return self.status in Delivery.CONFIRMED_STATUSES


class RouteHold(NamedTuple):
    reason: str

    def get_reason_display(self) -> str:
        return str(dict(Hold.Reason.choices).get(self.reason, self.reason))


# a: the state of the route's deliveries; h: its holds; k: each stop's counts; o: every
# stop numbered in route_with_holds' order (a stop with deliveries before a held-only one
# at the same position); t: the route's counts and the window asked for (0-based: the one
# holding the customer `stop`, else window `part` (1-based), else the one with the first
# stop not done), kept within the route; w: the window's stops. Only the window's
# deliveries are read in full, each stop with its customer's bottle balance
# (selectors_bottles.BALANCES_SQL) and what upper layers add (stop_extras' SQL providers,
# {extra_joins}); t's columns lead every row, and a route with no stop in the window still
# gives t's row (the LEFT JOIN). confirmed_at comes as microseconds (RouteDelivery).
_SQL = """
WITH a AS (
    SELECT customer_id, status FROM deliveries_delivery
    WHERE delivery_boy_id = %(boy)s AND date = %(day)s AND shift = %(shift)s
      AND status <> %(cancelled)s {only_d}
), h AS (
    SELECT h.customer_id, h.reason FROM deliveries_hold h
    JOIN deliveries_routestop r ON r.customer_id = h.customer_id
         AND r.delivery_boy_id = %(boy)s
    WHERE h.date = %(day)s AND h.shifts @> ARRAY[%(shift)s]::varchar[] {only_h}
), k AS (
    SELECT customer_id, count(*) AS deliveries,
           count(*) FILTER (WHERE status = ANY(%(confirmed)s)) AS confirmed
    FROM a GROUP BY customer_id
), o AS (
    SELECT u.*, row_number() OVER (ORDER BY position, deliveries = 0, customer_id) AS n
    FROM (
        SELECT k.*, COALESCE(mine.position, (
            SELECT position FROM deliveries_routestop WHERE customer_id = k.customer_id
        )) AS position
        FROM (SELECT * FROM k UNION ALL SELECT customer_id, 0, 0 FROM h
              WHERE NOT EXISTS (SELECT FROM k WHERE k.customer_id = h.customer_id)) k
        LEFT JOIN deliveries_routestop mine
             ON mine.customer_id = k.customer_id AND mine.delivery_boy_id = %(boy)s
    ) u
), t AS (
    SELECT count(*) AS stops,
           count(*) FILTER (WHERE deliveries > 0) AS to_deliver,
           count(*) FILTER (WHERE deliveries > 0 AND confirmed = deliveries) AS done,
           LEAST(GREATEST(COALESCE(
               (SELECT n FROM o WHERE customer_id = %(stop)s::bigint),
               %(part)s::bigint * %(size)s::int - %(size)s::int + 1,
               min(n) FILTER (WHERE confirmed < deliveries),
               1) - 1, 0), GREATEST(count(*) - 1, 0)) / %(size)s::int AS part
    FROM o
), w AS (
    SELECT customer_id, position, n FROM o WHERE n > (SELECT part * %(size)s::int FROM t)
    ORDER BY n LIMIT %(size)s::int
)
SELECT t.stops, t.to_deliver, t.done, t.part,
       c.id, c.name, c.address, c.landmark, c.phone, c.map_link, c.latitude, c.longitude,
       c.delivery_instructions, w.position, h.reason, bb.balance{extra_columns},
       d.id, d.status, d.ordered_qty, d.delivered_qty, d.reason, d.bottles_given,
       d.bottles_collected, d.confirmed_by_id, d.confirmed_via, d.confirmed_by_name,
       d.delivery_link_id,
       (extract(epoch FROM d.confirmed_at) * 1000000)::bigint, p.id, p.name, p.returnable
FROM t LEFT JOIN (
    w JOIN customers_customer c ON c.id = w.customer_id
    LEFT JOIN h ON h.customer_id = c.id
    LEFT JOIN ({bottles}) bb ON bb.customer_id = c.id{extra_joins}
    LEFT JOIN deliveries_delivery d ON d.customer_id = c.id AND d.date = %(day)s
         AND d.shift = %(shift)s AND d.delivery_boy_id = %(boy)s AND d.status <> %(cancelled)s
    LEFT JOIN orders_product p ON p.id = d.product_id
) ON true
ORDER BY w.n, p.sort_order, d.id
"""
COUNT_COLUMNS = 4  # t's, in front of every row
CUSTOMER_COLUMNS = len(RouteCustomer._fields)


@dataclass(frozen=True, slots=True)
class StopRows:
    """The route query's rows of one stop: everything its part of the page shows, so equal
    StopRows make equal markup (the route page keeps the markup of each by it). `names`:
    the extras' names, in the rows' column order."""

    rows: tuple[tuple, ...]
    names: tuple[str, ...]

    @property
    def has_deliveries(self) -> bool:
        return self.rows[0][self._first_delivery] is not None

    @property
    def is_done(self) -> bool:
        status = self._first_delivery + 1
        return self.has_deliveries and all(
            row[status] in Delivery.CONFIRMED_STATUSES for row in self.rows
        )

    @property
    def _first_delivery(self) -> int:
        return CUSTOMER_COLUMNS + 3 + len(self.names)

    def stop(self) -> Stop:
        """The Stop these rows describe (RouteCustomer, RouteDelivery, RouteHold; no query),
        with `bottle_balance` and each extra's value under its name."""
        first = self.rows[0]
        stop = Stop(first[CUSTOMER_COLUMNS], RouteCustomer._make(first[:CUSTOMER_COLUMNS]))
        hold = first[CUSTOMER_COLUMNS + 1]
        stop.hold = RouteHold(hold) if hold is not None else None
        stop.bottle_balance = first[CUSTOMER_COLUMNS + 2] or 0
        for n, name in enumerate(self.names):
            setattr(stop, name, first[CUSTOMER_COLUMNS + 3 + n])
        if self.has_deliveries:  # else a held stop with nothing to deliver
            begin = self._first_delivery
            for row in self.rows:
                product = RouteProduct(*row[-3:])
                stop.deliveries.append(RouteDelivery(*row[begin:-3], product))
        return stop


@dataclass(frozen=True)
class RouteWindow:
    """One window of a route: its stops' rows, and the whole route's counts."""

    stops: list[StopRows]
    route_stops: int  # stops on the whole route, held-only ones included
    to_deliver: int  # of them, stops with something to deliver
    done: int  # of those, stops with every delivery confirmed
    part: int  # the window's number, 0-based
    size: int  # stops per window

    @property
    def parts(self) -> int:
        return max(1, -(-self.route_stops // self.size))


def route_window(
    *,
    delivery_boy_id: int,
    day: date,
    shift: str,
    part: int | None = None,
    stop: int | None = None,
    size: int = WINDOW,
    customer_ids: Iterable[int] | None = None,
    extras: Mapping[str, tuple[str, dict]] | None = None,
) -> RouteWindow:
    """A window of `size` stops of the delivery boy's route (see _SQL for which), each stop
    with its bottle balance and, for each `extras` name, its value (or None). `extras`:
    {name: (SQL selecting (customer_id, value) for the customers whose ids WINDOW_CUSTOMERS
    gives, its named parameters)} (deliveries.stop_extras). `customer_ids`: those stops
    only (the route's counts then count those only). One query."""
    from deliveries.selectors_bottles import BALANCES_SQL

    extras = dict(extras or {})
    params = {
        "boy": delivery_boy_id,
        "day": day,
        "shift": shift,
        "cancelled": Delivery.Status.CANCELLED,
        "confirmed": list(Delivery.CONFIRMED_STATUSES),
        "part": part,
        "stop": stop,
        "size": size,
    }
    for _sql, extra_params in extras.values():
        params.update(extra_params)
    only = ""
    if customer_ids is not None:
        params["ids"] = list(customer_ids)
        only = "AND customer_id = ANY(%(ids)s)"
    names = tuple(extras)
    # The SQL is ours (and the extras' providers'); every value is a parameter.
    sql = _SQL.format(
        only_d=only,
        only_h=only.replace("customer_id", "h.customer_id"),
        bottles=BALANCES_SQL.format(customers_sql=WINDOW_CUSTOMERS),
        extra_columns="".join(f", x{n}.value" for n in range(len(names))),
        extra_joins="".join(
            f"\n    LEFT JOIN ({extras[name][0]}) x{n} (customer_id, value) ON x{n}.customer_id = c.id"
            for n, name in enumerate(names)
        ),
    )
    with prepared_cursor() as cursor:
        rows = changes.fetchall(cursor, sql, params)
    route_stops, to_deliver, done, window = rows[0][:COUNT_COLUMNS]
    rows = [row[COUNT_COLUMNS:] for row in rows] if rows[0][COUNT_COLUMNS] is not None else []
    stops: list[StopRows] = []
    begin = 0
    for end in range(1, len(rows) + 1):  # a stop's rows come together (the ORDER BY)
        if end == len(rows) or rows[end][0] != rows[begin][0]:
            stops.append(StopRows(tuple(rows[begin:end]), names))
            begin = end
    return RouteWindow(stops, route_stops, to_deliver, done, window, size)


def every_stop(**kwargs) -> list[Stop]:
    """The stops of the whole route as plain objects (tests; see route_window for the
    arguments)."""
    window = route_window(size=100_000, **kwargs)
    return [rows.stop() for rows in window.stops]
