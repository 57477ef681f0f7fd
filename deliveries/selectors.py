"""Reads on routes and deliveries shared by pages, the API and commands."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Sum

from customers.models import Customer
from deliveries.models import Delivery, DeliveryBoy


@dataclass
class Stop:
    """One customer on a route for one day and shift, with the deliveries to hand over."""

    position: int | None
    customer: Customer
    deliveries: list[Delivery] = field(default_factory=list)

    @property
    def is_done(self) -> bool:
        return all(d.is_confirmed for d in self.deliveries)


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


@dataclass(frozen=True)
class ProcurementRow:
    group: str
    product: str
    unit: str
    quantity: Decimal


def procurement_for(*, day: date, shift: str | None = None) -> dict[str, list[ProcurementRow]]:
    """Total quantity due per product: overall, per area and per delivery boy (3 queries)."""
    deliveries = Delivery.objects.filter(date=day).exclude(status=Delivery.Status.CANCELLED)
    if shift:
        deliveries = deliveries.filter(shift=shift)
    groupings = {
        "product": None,
        "area": "customer__area__name",
        "delivery boy": "delivery_boy__name",
    }
    result: dict[str, list[ProcurementRow]] = {}
    for title, group_field in groupings.items():
        fields = ["product__name", "product__unit", "product__sort_order"]
        if group_field:
            fields.insert(0, group_field)
        rows = deliveries.values(*fields).annotate(total=Sum("ordered_qty")).order_by(*fields)
        result[title] = [
            ProcurementRow(
                group=(row[group_field] or "—") if group_field else "All",
                product=row["product__name"],
                unit=row["product__unit"],
                quantity=row["total"],
            )
            for row in rows
        ]
    return result


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
