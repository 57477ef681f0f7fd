"""Writes on orders and prices: subscriptions, one-time orders, schedule edits, prices."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from customers.models import Customer
from earlybird.codes import next_code
from earlybird.locks import lock_one
from orders.models import (
    CustomerPrice,
    DayOverride,
    Order,
    OrderLine,
    OrderPause,
    Product,
    ProductPrice,
)
from orders.signals import schedule_changed


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


# --- schedule edits: pauses, day overrides, stop, cancel -------------------------------


def _schedule_changed(order: Order, from_day: date) -> None:
    schedule_changed.send(sender=Order, order_ids=[order.pk], from_day=from_day)


def customer_cutoff_passed(*, day: date, now=None) -> bool:
    """Customers may change a day until the cut-off the evening before (default 21:00)."""
    now = timezone.localtime(now)
    cutoff = timezone.make_aware(
        datetime.combine(day - timedelta(days=1), settings.CUSTOMER_CHANGE_CUTOFF)
    )
    return now >= cutoff


def check_customer_cutoff(*, day: date, now=None) -> None:
    if customer_cutoff_passed(day=day, now=now):
        cutoff = settings.CUSTOMER_CHANGE_CUTOFF.strftime("%H:%M")
        raise ValidationError(
            f"Changes for {day:%d %b} closed at {cutoff} on {day - timedelta(days=1):%d %b}. "
            "Please call us instead."
        )


def pause_order(
    *, order: Order, start_date: date, end_date: date | None = None, reason: str = ""
) -> OrderPause:
    """Pause deliveries from start_date to end_date inclusive (no end = until resumed)."""
    if order.kind != Order.Kind.SUBSCRIPTION:
        raise ValidationError("Only a subscription can be paused; cancel a one-time order.")
    if end_date is not None and end_date < start_date:
        raise ValidationError({"end_date": "The pause cannot end before it starts."})
    with transaction.atomic():
        lock_one(Order.objects, pk=order.pk)
        overlapping = order.pauses.filter(Q(end_date__isnull=True) | Q(end_date__gte=start_date))
        if end_date is not None:
            overlapping = overlapping.filter(start_date__lte=end_date)
        clash = overlapping.first()
        if clash is not None:
            raise ValidationError(f"It overlaps the pause already set ({clash}).")
        pause = OrderPause(order=order, start_date=start_date, end_date=end_date, reason=reason)
        pause.full_clean()
        pause.save()
        _schedule_changed(order, start_date)
    return pause


def resume_order(*, pause: OrderPause, first_day_back: date) -> OrderPause | None:
    """End a pause so deliveries start again on first_day_back (removed if not begun)."""
    with transaction.atomic():
        lock_one(Order.objects, pk=pause.order_id)
        if first_day_back <= pause.start_date:
            pause.delete()
            _schedule_changed(pause.order, first_day_back)
            return None
        if pause.end_date is not None and pause.end_date < first_day_back:
            raise ValidationError("That pause has already ended.")
        pause.end_date = first_day_back - timedelta(days=1)
        pause.full_clean()
        pause.save()
        _schedule_changed(pause.order, first_day_back)
    return pause


def set_day_override(*, line: OrderLine, day: date, quantity: Decimal | None) -> None:
    """One day's quantity of a line (0 skips the day); None goes back to the pattern."""
    if quantity is not None and Decimal(quantity) < 0:
        raise ValidationError({"quantity": "A quantity cannot be negative."})
    order = line.order
    if not (order.start_date <= day and (order.end_date is None or day <= order.end_date)):
        raise ValidationError(f"{day:%d %b %Y} is outside {order.code}'s dates.")
    with transaction.atomic():
        lock_one(Order.objects, pk=order.pk)
        if quantity is None:
            DayOverride.objects.filter(line=line, date=day).delete()
        else:
            DayOverride.objects.update_or_create(
                line=line, date=day, defaults={"quantity": Decimal(quantity)}
            )
        _schedule_changed(order, day)


def skip_day(*, order: Order, day: date) -> None:
    """No delivery of any of the order's products on this day."""
    with transaction.atomic():
        for line in order.lines.all():
            set_day_override(line=line, day=day, quantity=Decimal(0))


def stop_subscription(*, order: Order, last_day: date) -> Order:
    """No deliveries after last_day; before its start, the subscription simply stops."""
    if order.kind != Order.Kind.SUBSCRIPTION:
        raise ValidationError("Only a subscription can be stopped; cancel a one-time order.")
    with transaction.atomic():
        order = lock_one(Order.objects, pk=order.pk)
        if last_day < order.start_date:
            order.status = Order.Status.STOPPED
        else:
            order.end_date = min(last_day, order.end_date or last_day)
        order.full_clean()
        order.save()
        _schedule_changed(order, min(last_day + timedelta(days=1), order.start_date))
    return order


def cancel_one_time_order(*, order: Order) -> Order:
    """Cancel before delivery; a confirmed delivery cannot be cancelled."""
    if order.kind != Order.Kind.ONE_TIME:
        raise ValidationError("Only a one-time order can be cancelled; stop a subscription.")
    with transaction.atomic():
        order = lock_one(Order.objects, pk=order.pk)
        if order.status == Order.Status.CANCELLED:
            return order
        if order.status == Order.Status.DELIVERED:
            raise ValidationError(f"{order.code} was already delivered.")
        order.status = Order.Status.CANCELLED
        order.save(update_fields=["status", "updated_at"])
        _schedule_changed(order, order.start_date)
    return order


def update_subscription(
    *,
    order: Order,
    quantities: dict[Product, Decimal],
    pattern: str,
    weekdays: list[int] | None = None,
    shift: str,
    end_date: date | None = None,
    from_day: date | None = None,
) -> Order:
    """Change pattern, shift, end and quantities (a new product adds a line).

    Days already delivered keep what they were: confirmed deliveries are never touched.
    """
    weekdays = sorted(set(weekdays or [])) if pattern == Order.Pattern.WEEKDAYS else []
    if pattern == Order.Pattern.WEEKDAYS and not weekdays:
        raise ValidationError({"weekdays": "Choose at least one weekday."})
    _check_lines(LineSpec(product, quantity) for product, quantity in quantities.items())
    with transaction.atomic():
        order = lock_one(Order.objects, pk=order.pk)
        order.pattern, order.weekdays, order.shift = pattern, weekdays, shift
        order.end_date = end_date
        order.full_clean()
        order.save()
        existing = {line.product_id: line for line in order.lines.all()}
        for product, quantity in quantities.items():
            line = existing.get(product.pk) or OrderLine(order=order, product=product)
            line.quantity = Decimal(quantity)
            line.full_clean()
            line.save()
        _schedule_changed(order, from_day or timezone.localdate())
    return order


# --- staff pages: steps that span several writes, and products ---------------------------


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
        customer = create_customer(details=details, password=password)
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


def set_day_quantities(
    *, order: Order, day: date, quantities: dict[OrderLine, Decimal | None]
) -> None:
    """Several lines of one order on one day, all or nothing (see set_day_override)."""
    with transaction.atomic():
        for line in sorted(quantities, key=lambda line: line.pk):
            if line.order_id != order.pk:
                raise ValidationError(f"{line} is not a line of {order.code}.")
            set_day_override(line=line, day=day, quantity=quantities[line])


def create_product(
    *,
    name: str,
    unit: str,
    price: Decimal,
    effective_from: date,
    sort_order: int = 0,
) -> Product:
    """A new product with its first price, in one transaction."""
    with transaction.atomic():
        product = Product(name=name.strip(), unit=unit, sort_order=sort_order)
        product.full_clean()
        product.save()
        set_price(product=product, price=price, effective_from=effective_from)
    return product


def update_product(
    *, product: Product, name: str, unit: str, is_active: bool, sort_order: int = 0
) -> Product:
    """Rename, change the unit or the order on lists, or stop selling a product.

    A product no longer sold keeps its existing order lines; it cannot be ordered anew.
    """
    product.name, product.unit = name.strip(), unit
    product.is_active, product.sort_order = is_active, sort_order
    product.full_clean()
    with transaction.atomic():
        product.save()
    return product
