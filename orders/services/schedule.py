"""Schedule edits: the customer's cut-off, pauses, day overrides, stopping a subscription,
cancelling a one-time order. Each tells the deliveries already generated (schedule_changed)."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from earlybird.locks import lock_one
from messaging.models import Message
from messaging.rendering import word
from messaging.services import queue_message
from orders.models import DayOverride, Order, OrderLine, OrderPause
from orders.signals import schedule_changed


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
        _check_no_clash(order, start_date, end_date)
        pause = OrderPause(order=order, start_date=start_date, end_date=end_date, reason=reason)
        pause.full_clean()
        pause.save()
        _schedule_changed(order, start_date)
        _confirm_to_customer(order, pause.start_date, pause.end_date, key=_pause_key(pause))
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


def set_day_override(*, line: OrderLine, day: date, quantity: Decimal | None) -> DayOverride | None:
    """One day's quantity of a line (0 skips the day); None goes back to the pattern
    (allowed on any day, also one the order's dates no longer cover)."""
    if quantity is not None and Decimal(quantity) < 0:
        raise ValidationError({"quantity": "A quantity cannot be negative."})
    order = line.order
    within = order.start_date <= day and (order.end_date is None or day <= order.end_date)
    if quantity is not None and not within:
        raise ValidationError(f"{day:%d %b %Y} is outside {order.code}'s dates.")
    override = None
    with transaction.atomic():
        lock_one(Order.objects, pk=order.pk)
        if quantity is None:
            DayOverride.objects.filter(line=line, date=day).delete()
        else:
            override, _ = DayOverride.objects.update_or_create(
                line=line, date=day, defaults={"quantity": Decimal(quantity)}
            )
        _schedule_changed(order, day)
    return override


def skip_day(*, order: Order, day: date) -> None:
    """No delivery of any of the order's products on this day."""
    with transaction.atomic():
        for line in order.lines.all():
            set_day_override(line=line, day=day, quantity=Decimal(0))
        _confirm_to_customer(order, day, day, key=f"skip:{order.pk}:{day:%Y-%m-%d}")


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


def _check_no_clash(
    order: Order, start_date: date, end_date: date | None, *, exclude: int | None = None
) -> None:
    overlapping = order.pauses.filter(Q(end_date__isnull=True) | Q(end_date__gte=start_date))
    if end_date is not None:
        overlapping = overlapping.filter(start_date__lte=end_date)
    clash = overlapping.exclude(pk=exclude).first()
    if clash is not None:
        raise ValidationError(f"It overlaps the pause already set ({clash}).")


def update_pause(
    *, pause: OrderPause, start_date: date, end_date: date | None = None, reason: str = ""
) -> OrderPause:
    """Move or resize a pause (an end date set = resumed the day after); generated days
    follow from the earlier of its old and new start."""
    if end_date is not None and end_date < start_date:
        raise ValidationError({"end_date": "The pause cannot end before it starts."})
    with transaction.atomic():
        order = lock_one(Order.objects, pk=pause.order_id)
        current = OrderPause.objects.get(pk=pause.pk)
        _check_no_clash(order, start_date, end_date, exclude=current.pk)
        from_day = min(current.start_date, start_date)
        current.start_date, current.end_date, current.reason = start_date, end_date, reason
        current.full_clean()
        current.save()
        _schedule_changed(order, from_day)
        _confirm_to_customer(order, start_date, end_date, key=_pause_key(current))
    return current


def remove_pause(*, pause: OrderPause) -> None:
    """Take back a pause that has not begun. One that has begun is ended (resume_order):
    the days it already paused stay paused."""
    if pause.start_date <= timezone.localdate():
        raise ValidationError(
            f"This pause began on {pause.start_date:%d %b %Y}: end it (set its end date) "
            "instead of removing it."
        )
    resume_order(pause=pause, first_day_back=pause.start_date)


def set_day_quantities(
    *, order: Order, day: date, quantities: dict[OrderLine, Decimal | None]
) -> None:
    """Several lines of one order on one day, all or nothing (see set_day_override)."""
    with transaction.atomic():
        for line in sorted(quantities, key=lambda line: line.pk):
            if line.order_id != order.pk:
                raise ValidationError(f"{line} is not a line of {order.code}.")
            set_day_override(line=line, day=day, quantity=quantities[line])


# --- telling the customer ------------------------------------------------------------------


def _pause_key(pause: OrderPause) -> str:
    """One confirmation per pause and dates (moving a pause confirms the new dates)."""
    end = f"{pause.end_date:%Y-%m-%d}" if pause.end_date else "open"
    return f"pause:{pause.pk}:{pause.start_date:%Y-%m-%d}:{end}"


def _confirm_to_customer(order: Order, first: date, last: date | None, *, key: str) -> None:
    """The customer's confirmation of a pause or a skipped day, queued in this transaction
    (sent once it commits; not at all if the customer or the business turned it off)."""
    lines = order.lines.select_related("product").order_by("pk")
    products = ", ".join(dict.fromkeys(line.product.name for line in lines))

    def days(language: str) -> str:
        if last == first:
            return f"{first:%d/%m/%Y}"
        end = f"{last:%d/%m/%Y}" if last else word("until_resumed", language)
        return f"{first:%d/%m/%Y} – {end}"

    customer = order.customer
    queue_message(
        customer=customer,
        purpose=Message.Purpose.PAUSE_CONFIRMED,
        context={"name": customer.name, "products": products, "days": days},
        dedupe_key=key,
    )
