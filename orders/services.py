"""Writes on orders and prices: subscriptions, one-time orders, effective-dated prices."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from customers.models import Customer
from earlybird.codes import next_code
from orders.models import CustomerPrice, Order, OrderLine, Product, ProductPrice


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
        return _save_order(order=order, lines=lines, code_prefix="SU")


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
        return _save_order(order=order, lines=lines, code_prefix="OR")


def set_price(
    *,
    product: Product,
    price: Decimal,
    effective_from: date,
    customer: Customer | None = None,
) -> ProductPrice | CustomerPrice:
    """Set the product's price (or one customer's own price) from a date on.

    Setting a price again for the same date replaces it; earlier days keep theirs.
    """
    price = Decimal(price)
    if price < 0:
        raise ValidationError({"price": "A price cannot be negative."})
    model, scope = (CustomerPrice, {"customer": customer}) if customer else (ProductPrice, {})
    with transaction.atomic():
        row, _ = model.objects.select_for_update().get_or_create(
            product=product, effective_from=effective_from, **scope, defaults={"price": price}
        )
        if row.price != price:
            row.price = price
            row.full_clean()
            row.save()
    return row
