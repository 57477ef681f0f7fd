"""Editing an order: as a whole (update_subscription, update_order), or one line at a time
(the admin's forms and inlines)."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from earlybird.locks import lock_one
from orders.models import DayOverride, Order, OrderLine, Product
from orders.services.placing import LineSpec, _check_lines
from orders.services.schedule import _schedule_changed


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
            _write_line(
                existing.get(product.pk) or OrderLine(order=order, product=product), quantity
            )
        _schedule_changed(order, from_day or timezone.localdate())
    return order


def _write_line(line: OrderLine, quantity) -> OrderLine:
    """Save a line's quantity: every path that writes a line comes through here."""
    line.quantity = Decimal(quantity)
    line.full_clean()
    line.save()
    return line


def _edited_from(order: Order) -> date:
    """The first generated day an edit of the order may change: today, or a one-time
    order's own day if that is earlier (its pending delivery follows)."""
    today = timezone.localdate()
    return min(today, order.start_date) if order.kind == Order.Kind.ONE_TIME else today


def _check_not_delivered(order: Order) -> None:
    if order.kind == Order.Kind.ONE_TIME and order.status == Order.Status.DELIVERED:
        raise ValidationError(f"{order.code} was already delivered; it no longer changes.")


def _schedule_key(order: Order) -> tuple:
    """What decides an order's deliveries, of the fields update_order changes."""
    fields = (order.status, order.shift, order.start_date, order.end_date, order.pattern)
    return (*fields, list(order.weekdays))


def update_order(
    *,
    order: Order,
    status: str,
    shift: str,
    start_date: date,
    end_date: date | None = None,
    pattern: str = Order.Pattern.DAILY,
    weekdays: list[int] | None = None,
    notes: str = "",
) -> Order:
    """Change an order as a whole (status, shift, dates, pattern, notes); its customer,
    kind, code and lines stay.

    A one-time order keeps one day, its start date. Cancelling it is cancel_one_time_order's
    rule (not once delivered); it becomes delivered only when its deliveries are confirmed,
    and then it no longer changes. Generated days follow the edit (see _edited_from).
    """
    with transaction.atomic():
        current = lock_one(Order.objects, pk=order.pk)
        before, from_day = _schedule_key(current), _edited_from(current)
        if current.kind == Order.Kind.ONE_TIME:
            pattern, weekdays, end_date = Order.Pattern.DAILY, [], start_date
            if status not in Order.ONE_TIME_STATUSES:
                raise ValidationError({"status": f"“{status}” is not a one-time order status."})
            if status == Order.Status.DELIVERED and current.status != status:
                raise ValidationError(
                    {"status": "A one-time order is delivered when its delivery is confirmed."}
                )
            from_day = min(from_day, start_date)  # its old day and its new day follow
        else:
            if status not in Order.SUBSCRIPTION_STATUSES:
                raise ValidationError({"status": f"“{status}” is not a subscription status."})
            weekdays = sorted(set(weekdays or [])) if pattern == Order.Pattern.WEEKDAYS else []
            if pattern == Order.Pattern.WEEKDAYS and not weekdays:
                raise ValidationError({"weekdays": "Choose at least one weekday."})
        current.status, current.shift, current.notes = status, shift, notes
        current.start_date, current.end_date = start_date, end_date
        current.pattern, current.weekdays = pattern, weekdays
        rescheduled = _schedule_key(current) != before
        if rescheduled and before[0] == Order.Status.DELIVERED:  # a one-time order's status
            raise ValidationError(f"{current.code} was already delivered; it no longer changes.")
        current.full_clean()
        current.save()
        if rescheduled:
            _schedule_changed(current, from_day)
    return current


def add_order_line(*, order: Order, product: Product, quantity: Decimal) -> OrderLine:
    """A product added to an existing order, from today's generated days on."""
    _check_lines([LineSpec(product, quantity)])
    with transaction.atomic():
        order = lock_one(Order.objects, pk=order.pk)
        _check_not_delivered(order)
        if order.lines.filter(product=product).exists():
            raise ValidationError(
                {"product": f"{order.code} already has {product}; change its quantity."}
            )
        line = _write_line(OrderLine(order=order, product=product), quantity)
        _schedule_changed(order, _edited_from(order))
    return line


def set_line_quantity(*, line: OrderLine, quantity: Decimal) -> OrderLine:
    """A line's quantity on every due day (one day: set_day_override)."""
    if quantity is None or Decimal(quantity) <= 0:
        raise ValidationError(
            {"quantity": "The quantity must be above 0 (a day override of 0 skips a day)."}
        )
    with transaction.atomic():
        order = lock_one(Order.objects, pk=line.order_id)
        _check_not_delivered(order)
        line = _write_line(OrderLine.objects.get(pk=line.pk), quantity)
        _schedule_changed(order, _edited_from(order))
    return line


def remove_order_line(*, line: OrderLine) -> None:
    """Take a product off an order, with its day overrides, while it has no delivery yet.

    Once deliveries exist they point at the line: skip days (override 0) or stop instead.
    """
    with transaction.atomic():
        order = lock_one(Order.objects, pk=line.order_id)
        _check_not_delivered(order)
        if not order.lines.exclude(pk=line.pk).exists():
            raise ValidationError(
                "An order keeps at least one product; stop or cancel the order instead."
            )
        try:
            with transaction.atomic():
                DayOverride.objects.filter(line_id=line.pk).delete()
                OrderLine.objects.filter(pk=line.pk).delete()
        except ProtectedError as exc:
            raise ValidationError(
                f"{line.product} on {order.code} already has deliveries; skip its days "
                "with a day override of 0, or stop the order, instead of removing it."
            ) from exc
        _schedule_changed(order, _edited_from(order))
