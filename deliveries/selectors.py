"""Reads on routes and deliveries shared by pages, the API and commands."""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, Sum

from customers.models import Customer
from deliveries.models import Delivery, DeliveryBoy, Hold
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
