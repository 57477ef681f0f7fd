"""Reads on routes and deliveries shared by pages, the API and commands."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.db.models import Q, Sum

from customers.models import Customer
from deliveries.models import Delivery, DeliveryBoy, Hold
from earlybird.prepared import prepared_cursor
from earlybird.units import KG, LITRE, Size, product_size


def day_is_generated(*, day: date) -> bool:
    """Whether any delivery (or hold) exists for `day` (pages say so when not: they never
    generate)."""
    return Delivery.objects.filter(date=day).exists() or Hold.objects.filter(date=day).exists()


@dataclass
class Stop:
    """One customer on a route for one day and shift, with the deliveries to hand over."""

    position: int | None
    customer: Customer
    deliveries: list[Delivery] = field(default_factory=list)
    hold: Hold | None = None  # generation held the customer's day (deliveries.holds)

    @property
    def is_done(self) -> bool:
        return bool(self.deliveries) and all(d.is_confirmed for d in self.deliveries)


def route_for(*, delivery_boy: DeliveryBoy, day: date, shift: str) -> list[Stop]:
    """The day's deliveries of one route in stop order, grouped by customer: one query."""
    deliveries = (
        Delivery.objects.filter(delivery_boy=delivery_boy, date=day, shift=shift)
        .exclude(status=Delivery.Status.CANCELLED)
        .select_related("customer__area", "customer__route_stop", "product", "order")
        .order_by("customer__route_stop__position", "customer_id", "product__sort_order", "pk")
    )
    stops: list[Stop] = []
    for delivery in deliveries:
        if not stops or stops[-1].customer.pk != delivery.customer_id:
            route_stop = getattr(delivery.customer, "route_stop", None)
            stops.append(Stop(route_stop.position if route_stop else None, delivery.customer))
        stops[-1].deliveries.append(delivery)
    return stops


def route_with_holds(*, delivery_boy: DeliveryBoy, day: date, shift: str) -> list[Stop]:
    """route_for, plus a stop for each customer of the route held that day in that shift
    (usually with no deliveries), marked with its Hold, in stop order: two queries."""
    stops = route_for(delivery_boy=delivery_boy, day=day, shift=shift)
    held = (
        Hold.objects.filter(
            date=day, customer__route_stop__delivery_boy=delivery_boy, shifts__contains=[shift]
        )
        .select_related("customer__area", "customer__route_stop")
        .order_by()
    )
    by_customer = {stop.customer.pk: stop for stop in stops}
    for hold in held:
        stop = by_customer.get(hold.customer_id)
        if stop is None:
            stop = Stop(hold.customer.route_stop.position, hold.customer)
            stops.append(stop)
        stop.hold = hold
    # Python sorts are stable: route_for's order within a position stays.
    stops.sort(key=lambda stop: (stop.position is None, stop.position or 0))
    return stops


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
    confirmed_at: datetime | None
    product: RouteProduct
    badge: str = ""

    @property
    def is_confirmed(self) -> bool:
        return self.status in Delivery.CONFIRMED_STATUSES


class RouteHold(NamedTuple):
    reason: str

    def get_reason_display(self) -> str:
        return str(dict(Hold.Reason.choices).get(self.reason, self.reason))


# route_with_holds in one statement, only the columns the route page shows, with each
# customer's bottle balance (selectors_bottles.BALANCES_SQL) and what upper layers add
# (stop_extras' SQL providers, {extras}). Order: route_with_holds' (a stop with
# deliveries before a held-only one at the same position).
_LEAN_ROUTE_SQL = """
WITH d AS (
    SELECT id, customer_id, product_id, status, ordered_qty, delivered_qty, reason,
           bottles_given, bottles_collected, confirmed_by_id, confirmed_via,
           confirmed_by_name, delivery_link_id, confirmed_at
    FROM deliveries_delivery
    WHERE delivery_boy_id = %(boy)s AND date = %(day)s AND shift = %(shift)s
      AND status <> %(cancelled)s {only_d}
), h AS (
    SELECT h.customer_id, h.reason FROM deliveries_hold h
    JOIN deliveries_routestop r ON r.customer_id = h.customer_id
         AND r.delivery_boy_id = %(boy)s
    WHERE h.date = %(day)s AND h.shifts @> ARRAY[%(shift)s]::varchar[] {only_h}
), s AS (SELECT customer_id FROM d UNION SELECT customer_id FROM h)
SELECT c.id, c.name, c.address, c.landmark, c.phone, c.map_link, c.latitude, c.longitude,
       c.delivery_instructions, rs.position, h.reason, bb.balance{extra_columns},
       d.id, d.status, d.ordered_qty, d.delivered_qty, d.reason, d.bottles_given,
       d.bottles_collected, d.confirmed_by_id, d.confirmed_via, d.confirmed_by_name,
       d.delivery_link_id, d.confirmed_at, p.id, p.name, p.returnable
FROM s JOIN customers_customer c ON c.id = s.customer_id
LEFT JOIN deliveries_routestop rs ON rs.customer_id = c.id
LEFT JOIN h ON h.customer_id = c.id
LEFT JOIN ({bottles}) bb ON bb.customer_id = c.id{extra_joins}
LEFT JOIN d ON d.customer_id = c.id
LEFT JOIN orders_product p ON p.id = d.product_id
ORDER BY rs.position, d.id IS NULL, c.id, p.sort_order, d.id
"""
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


def lean_route_rows(
    *,
    delivery_boy_id: int,
    day: date,
    shift: str,
    customer_ids: Iterable[int] | None = None,
    extras: Mapping[str, tuple[str, dict]] | None = None,
) -> list[StopRows]:
    """route_with_holds for the delivery boy's own pages, lean: ONE query, each stop's rows
    with only what the page shows (StopRows.stop() makes the plain objects), each stop with
    its bottle balance and, for each `extras` name, its value (or None). `extras`: {name:
    (SQL selecting (customer_id, value) for the customers whose ids the SQL `SELECT
    customer_id FROM s` gives, its named parameters)} (deliveries.stop_extras).
    `customer_ids`: those stops only."""
    from deliveries.selectors_bottles import BALANCES_SQL

    extras = dict(extras or {})
    params = {
        "boy": delivery_boy_id,
        "day": day,
        "shift": shift,
        "cancelled": Delivery.Status.CANCELLED,
    }
    for _sql, extra_params in extras.values():
        params.update(extra_params)
    only = ""
    if customer_ids is not None:
        params["ids"] = list(customer_ids)
        only = "AND customer_id = ANY(%(ids)s)"
    names = tuple(extras)
    # The SQL is ours (and the extras' providers'); every value is a parameter.
    sql = _LEAN_ROUTE_SQL.format(
        only_d=only,
        only_h=only.replace("customer_id", "h.customer_id"),
        bottles=BALANCES_SQL.format(customers_sql="SELECT customer_id FROM s"),
        extra_columns="".join(f", x{n}.value" for n in range(len(names))),
        extra_joins="".join(
            f"\nLEFT JOIN ({extras[name][0]}) x{n} (customer_id, value) ON x{n}.customer_id = c.id"
            for n, name in enumerate(names)
        ),
    )
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    stops: list[StopRows] = []
    begin = 0
    for end in range(1, len(rows) + 1):  # a stop's rows come together (the ORDER BY)
        if end == len(rows) or rows[end][0] != rows[begin][0]:
            stops.append(StopRows(tuple(rows[begin:end]), names))
            begin = end
    return stops


def lean_route(**kwargs) -> list[Stop]:
    """lean_route_rows' stops as plain objects (see there for the arguments)."""
    return [rows.stop() for rows in lean_route_rows(**kwargs)]


def holds_on(*, day: date, customer_ids: list[int] | None = None) -> dict[int, Hold]:
    """Customer id → Hold for the customers held on `day` (of `customer_ids` if given),
    with the customer, in customer-name order: one query."""
    held = Hold.objects.filter(date=day).select_related("customer")
    if customer_ids is not None:
        held = held.filter(customer_id__in=customer_ids)
    return {hold.customer_id: hold for hold in held.order_by("customer__name", "customer_id")}


def holds_between(*, customer_id: int, start: date, end: date) -> dict[date, Hold]:
    """Date → Hold for the days from `start` to `end` (inclusive) one customer is held on:
    one query."""
    held = Hold.objects.filter(customer_id=customer_id, date__gte=start, date__lte=end)
    return {hold.date: hold for hold in held.order_by("date")}


BULK_PLACES = Decimal("0.001")  # litres and kg to the ml and gram


@dataclass(frozen=True)
class ProcurementRow:
    group: str  # "All" for the product totals; "—" where a row has no area or route
    product: str
    unit: str
    quantity: Decimal
    size: Size | None = None  # one unit's litres or kg (earlybird.units.product_size)

    @property
    def bulk(self) -> Decimal | None:
        """The quantity in litres or kg (see `size.bulk`) to the ml or gram; None if the
        size is unknown."""
        if self.size is None:
            return None
        return (self.quantity * self.size.amount).quantize(BULK_PLACES, ROUND_HALF_UP)


@dataclass
class BulkTotal:
    """One group's litres and kilograms, and the products with no size to count them in."""

    group: str
    litres: Decimal = Decimal(0)
    kg: Decimal = Decimal(0)
    unsized: list[str] = field(default_factory=list)


def bulk_totals(rows: list[ProcurementRow]) -> list[BulkTotal]:
    """Litres and kg per group of one grouping's rows, groups in the rows' order (no
    query: the sizes came with the rows)."""
    totals: dict[str, BulkTotal] = {}
    for row in rows:
        total = totals.setdefault(row.group, BulkTotal(row.group))
        if row.size is None:
            total.unsized.append(row.product)
        elif row.size.bulk == LITRE:
            total.litres += row.bulk
        elif row.size.bulk == KG:
            total.kg += row.bulk
    return list(totals.values())


# How the totals can be grouped: title -> the field grouped on (None: per product only).
PROCUREMENT_GROUPINGS = {
    "product": None,
    "shift": "shift",
    "area": "customer__area__name",
    "delivery boy": "delivery_boy__name",
}
PROCUREMENT_PAGE = ("product", "area", "delivery boy")


def procurement(
    *,
    days: list[date],
    shift: str | None = None,
    scope: Q | None = None,
    groupings: tuple[str, ...] = PROCUREMENT_PAGE,
) -> dict[date, dict[str, list[ProcurementRow]]]:
    """Total quantity due per product on each day (cancelled rows left out): overall and
    per grouping (see PROCUREMENT_GROUPINGS), products in their sort order, each with the
    size of one unit so it adds up in litres or kg (see bulk_totals). One grouped
    query per grouping, all days at once. `scope` narrows the deliveries (a marketer's
    own customers on the dashboard)."""
    deliveries = Delivery.objects.filter(date__in=days).exclude(status=Delivery.Status.CANCELLED)
    if scope is not None:
        deliveries = deliveries.filter(scope)
    if shift:
        deliveries = deliveries.filter(shift=shift)
    shifts = dict(Delivery._meta.get_field("shift").choices)
    result = {day: {title: [] for title in groupings} for day in days}
    for title in groupings:
        group_field = PROCUREMENT_GROUPINGS[title]
        fields = ["date", "product__sort_order", "product__name", "product__unit"]
        if group_field:
            fields.insert(1, group_field)
        rows = deliveries.order_by().values(*fields).annotate(total=Sum("ordered_qty"))
        for row in rows.order_by(*fields):
            if group_field is None:
                group = "All"
            elif title == "shift":
                group = shifts.get(row[group_field], row[group_field])
            else:
                group = row[group_field] or "—"
            result[row["date"]][title].append(
                ProcurementRow(
                    group=group,
                    product=row["product__name"],
                    unit=row["product__unit"],
                    quantity=row["total"],
                    size=product_size(name=row["product__name"], unit=row["product__unit"]),
                )
            )
    return result


def procurement_for(*, day: date, shift: str | None = None) -> dict[str, list[ProcurementRow]]:
    """One day's procurement: per product, per area and per delivery boy (3 queries)."""
    return procurement(days=[day], shift=shift)[day]


def stop_deliveries(
    *, delivery_boy_id: int, customer_id: int, day: date, shift: str
) -> list[Delivery]:
    """One customer's deliveries on one route, day and shift (empty: no such stop)."""
    return list(
        Delivery.objects.filter(
            delivery_boy_id=delivery_boy_id, customer_id=customer_id, date=day, shift=shift
        )
        .exclude(status=Delivery.Status.CANCELLED)
        .select_related("product", "customer")
        .order_by("product__sort_order", "pk")
    )
