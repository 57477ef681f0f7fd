"""Reads on orders and prices."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import OuterRef, Q, QuerySet, Subquery

from customers.models import Customer
from orders.models import (
    DayOverride,
    Order,
    OrderLine,
    OrderPause,
    Product,
    ProductPrice,
)
from orders.schedule import LineSchedule, OrderSchedule, due_on

# Customers and orders in these states get nothing; the rule says so too, this
# only keeps them out of the query.
LIVE_CUSTOMER_STATUSES = (Customer.Status.TRIAL, Customer.Status.ACTIVE)
NOT_DELIVERING_ORDER_STATUSES = (
    Order.Status.DRAFT,
    Order.Status.PAUSED,
    Order.Status.STOPPED,
    Order.Status.CANCELLED,
)


@dataclass(frozen=True)
class DueLine:
    """One order line due on a day: what generation turns into a Delivery row."""

    order_line_id: int
    order_id: int
    product_id: int
    customer_id: int
    shift: str
    quantity: Decimal


def due_lines_on(*, day: date, order_ids: list[int] | None = None) -> list[DueLine]:
    """Every order line due on `day`, subscriptions and one-time orders alike.

    Four queries whatever the number of orders: the candidate orders (live on the day,
    customer trial or active), their lines, the pauses covering the day and the day's
    overrides. The pure rule orders.schedule.due_on decides each quantity.
    """
    orders = (
        Order.objects.filter(start_date__lte=day, customer__status__in=LIVE_CUSTOMER_STATUSES)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .exclude(status__in=NOT_DELIVERING_ORDER_STATUSES)
    )
    if order_ids is not None:
        orders = orders.filter(pk__in=order_ids)
    order_rows = list(
        orders.values_list(
            "pk",
            "customer_id",
            "customer__status",
            "kind",
            "pattern",
            "weekdays",
            "start_date",
            "end_date",
            "status",
            "shift",
        )
    )
    lines_by_order: dict[int, list[tuple[int, int, Decimal]]] = defaultdict(list)
    for line_id, order_id, product_id, quantity in OrderLine.objects.filter(
        order__in=orders
    ).values_list("pk", "order_id", "product_id", "quantity"):
        lines_by_order[order_id].append((line_id, product_id, quantity))
    pauses_by_order: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for order_id, start, end in (
        OrderPause.objects.filter(order__in=orders, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .values_list("order_id", "start_date", "end_date")
    ):
        pauses_by_order[order_id].append((start, end))
    overrides_by_line: dict[int, dict[date, Decimal]] = defaultdict(dict)
    for line_id, quantity in DayOverride.objects.filter(
        line__order__in=orders, date=day
    ).values_list("line_id", "quantity"):
        overrides_by_line[line_id][day] = quantity

    due: list[DueLine] = []
    for (
        order_id,
        customer_id,
        customer_status,
        kind,
        pattern,
        weekdays,
        start,
        end,
        status,
        shift,
    ) in order_rows:
        lines = lines_by_order.get(order_id, ())
        schedule = OrderSchedule(
            kind=kind,
            pattern=pattern,
            weekdays=frozenset(weekdays),
            start_date=start,
            end_date=end,
            status=status,
            pauses=tuple(pauses_by_order.get(order_id, ())),
            lines=tuple(
                LineSchedule(
                    line_id=line_id, quantity=quantity, overrides=overrides_by_line.get(line_id, {})
                )
                for line_id, _product_id, quantity in lines
            ),
        )
        quantities = due_on(schedule, customer_status=customer_status, day=day)
        for line_id, product_id, _quantity in lines:
            if line_id in quantities:
                due.append(
                    DueLine(line_id, order_id, product_id, customer_id, shift, quantities[line_id])
                )
    return due


def with_prices(products: QuerySet[Product], *, on: date) -> QuerySet[Product]:
    """Products annotated with the price in force `on` a day (`price`) and the next one
    set for a later day (`next_price`, `next_from`), from their own price rows."""
    prices = ProductPrice.objects.filter(product=OuterRef("pk"))
    current = prices.filter(effective_from__lte=on).order_by("-effective_from")
    coming = prices.filter(effective_from__gt=on).order_by("effective_from")
    return products.annotate(
        price=Subquery(current.values("price")[:1]),
        next_price=Subquery(coming.values("price")[:1]),
        next_from=Subquery(coming.values("effective_from")[:1]),
    )
