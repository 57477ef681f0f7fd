"""Placing orders: a subscription, a one-time order, a new customer with a first subscription."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from customers.models import Customer
from earlybird.codes import next_code
from orders.models import Order, OrderLine, Product
from orders.services.schedule import _schedule_changed


@dataclass(frozen=True)
class LineSpec:
    product: Product
    quantity: Decimal


def _check_lines(lines: Iterable[LineSpec]) -> list[LineSpec]:
    lines = list(lines)
    if not lines:
        raise ValidationError({"lines": "Add at least one product."})
    seen = set()
    for line in lines:
        if line.product.pk in seen:
            raise ValidationError({"lines": f"{line.product} is listed twice."})
        seen.add(line.product.pk)
        if not line.product.is_active:
            raise ValidationError({"lines": f"{line.product} is no longer sold."})
        if line.quantity is None or Decimal(line.quantity) <= 0:
            raise ValidationError({"lines": f"The quantity of {line.product} must be above 0."})
    return lines


def _save_order(*, order: Order, lines: list[LineSpec], code_prefix: str) -> Order:
    order.code = next_code(code_prefix, on=timezone.localdate())
    order.full_clean()
    order.save()
    for spec in lines:
        line = OrderLine(order=order, product=spec.product, quantity=Decimal(spec.quantity))
        line.full_clean()
        line.save()
    return order


def create_subscription(
    *,
    customer: Customer,
    lines: Iterable[LineSpec],
    start_date: date,
    pattern: str = Order.Pattern.DAILY,
    weekdays: list[int] | None = None,
    shift: str = Order.Shift.MORNING,
    end_date: date | None = None,
    status: str = Order.Status.ACTIVE,
    notes: str = "",
    created_by=None,
) -> Order:
    lines = _check_lines(lines)
    if status not in Order.SUBSCRIPTION_STATUSES:
        raise ValidationError({"status": f"“{status}” is not a subscription status."})
    weekdays = sorted(set(weekdays or []))
    if pattern == Order.Pattern.WEEKDAYS and not weekdays:
        raise ValidationError({"weekdays": "Choose at least one weekday."})
    if pattern != Order.Pattern.WEEKDAYS:
        weekdays = []
    order = Order(
        customer=customer,
        kind=Order.Kind.SUBSCRIPTION,
        pattern=pattern,
        weekdays=weekdays,
        shift=shift,
        start_date=start_date,
        end_date=end_date,
        status=status,
        notes=notes,
        created_by=created_by,
    )
    with transaction.atomic():
        order = _save_order(order=order, lines=lines, code_prefix="SU")
        _schedule_changed(order, start_date)
    return order


def create_one_time_order(
    *,
    customer: Customer,
    delivery_date: date,
    lines: Iterable[LineSpec],
    shift: str = Order.Shift.MORNING,
    notes: str = "",
    created_by=None,
) -> Order:
    lines = _check_lines(lines)
    if customer.status == Customer.Status.STOPPED:
        raise ValidationError({"customer": f"{customer.name} has stopped deliveries."})
    order = Order(
        customer=customer,
        kind=Order.Kind.ONE_TIME,
        pattern=Order.Pattern.DAILY,
        shift=shift,
        start_date=delivery_date,
        end_date=delivery_date,
        status=Order.Status.PLACED,
        notes=notes,
        created_by=created_by,
    )
    with transaction.atomic():
        order = _save_order(order=order, lines=lines, code_prefix="OR")
        # If that day's deliveries were already generated, the order joins them now.
        _schedule_changed(order, delivery_date)
    return order


def create_customer_with_subscription(
    *,
    details,
    password: str | None = None,
    lines: Iterable[LineSpec] = (),
    start_date: date | None = None,
    pattern: str = Order.Pattern.DAILY,
    weekdays: list[int] | None = None,
    shift: str = Order.Shift.MORNING,
    created_by=None,
) -> tuple[Customer, Order | None]:
    """A new customer with its login and, if lines are given, a first subscription.

    One transaction: if the subscription is refused, the customer is not created either.
    `details` is a customers.services.CustomerDetails.
    """
    from customers.services import create_customer

    lines = list(lines)
    if lines and start_date is None:
        raise ValidationError({"start_date": "Give the first day of the subscription."})
    with transaction.atomic():
        customer = create_customer(details=details, password=password, by=created_by)
        order = None
        if lines:
            order = create_subscription(
                customer=customer,
                lines=lines,
                start_date=start_date,
                pattern=pattern,
                weekdays=weekdays,
                shift=shift,
                created_by=created_by,
            )
    return customer, order
