"""The delivery summary: one message per customer, shift and day, whatever the taps.

Confirming (or undoing) a stop writes the summary in the same transaction: the first tap
queues it to go DELIVERY_SUMMARY_DELAY_MINUTES later; a later tap while it still waits
writes it again (delivered / partly / not delivered, with the reason) and moves its time
on; once it has gone, later taps change nothing (messaging.services.queue_or_refresh_message).
Undoing every delivery of the shift takes back a summary not yet sent.
"""

from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from deliveries.models import Delivery
from earlybird.units import quantity_text, unit_for
from messaging.models import Message
from messaging.rendering import localised, word
from messaging.services import queue_or_refresh_message, withdraw_message


def summary_key(*, customer_id: int, day: date, shift: str) -> str:
    return f"delivery:{customer_id}:{day:%Y-%m-%d}:{shift}"


def queue_delivery_summary(*, customer_id: int, day: date, shift: str) -> Message | None:
    """Write (or write again) the customer's summary of a shift from its confirmed
    deliveries; take it back if none is confirmed any more."""
    key = summary_key(customer_id=customer_id, day=day, shift=shift)
    deliveries = list(
        Delivery.objects.filter(
            customer_id=customer_id, date=day, shift=shift, status__in=Delivery.CONFIRMED_STATUSES
        )
        .select_related("product", "customer")
        .order_by("product__sort_order", "product__name", "pk")
    )
    if not deliveries:
        withdraw_message(dedupe_key=key)
        return None
    statuses = {delivery.status for delivery in deliveries}
    if statuses == {Delivery.Status.DELIVERED}:
        overall = Delivery.Status.DELIVERED
    elif statuses == {Delivery.Status.NOT_DELIVERED}:
        overall = Delivery.Status.NOT_DELIVERED
    else:
        overall = Delivery.Status.PARTIAL
    customer = deliveries[0].customer
    return queue_or_refresh_message(
        customer=customer,
        purpose=Message.Purpose.DELIVERY_SUMMARY,
        context={
            "name": customer.name,
            "date": day,
            "shift": localised(shift),
            "status": localised(overall),
            "items": lambda language: "; ".join(_item(d, language) for d in deliveries),
        },
        dedupe_key=key,
        send_after=timezone.now() + timedelta(minutes=settings.DELIVERY_SUMMARY_DELAY_MINUTES),
    )


def _qty(value) -> str:
    return f"{value.normalize():f}"


def _item(delivery: Delivery, language: str) -> str:
    """ "Cow milk 1 litre", "Curd 2 packets", "Curd 0.5/1 kg", "Paneer – not delivered
    (door locked)"."""
    product = delivery.product
    if delivery.status == Delivery.Status.DELIVERED:
        return f"{product.name} {quantity_text(delivery.delivered_qty, product.unit)}"
    if delivery.status == Delivery.Status.PARTIAL:
        shares = f"{_qty(delivery.delivered_qty)}/{_qty(delivery.ordered_qty)}"
        return f"{product.name} {shares} {unit_for(delivery.ordered_qty, product.unit)}"
    reason = f" ({word(delivery.reason, language)})" if delivery.reason else ""
    return f"{product.name} – {word('not_delivered', language)}{reason}"
