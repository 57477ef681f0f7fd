"""Confirming deliveries: one service for the delivery view, shared links, staff pages,
the admin, the API and the import. Every confirmation is validated and attributable."""

import math
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from deliveries.models import Delivery, DeliveryLink
from deliveries.services.summaries import queue_delivery_summary
from deliveries.signals import deliveries_changed
from earlybird.formats import day_text
from earlybird.locks import lock_one
from orders.models import Order


@dataclass(frozen=True)
class Confirmer:
    """Who confirms, through what, from where."""

    via: str  # Delivery.Via
    user: object | None = None
    name: str = ""  # the name typed on a shared link
    link: DeliveryLink | None = None
    ip: str | None = None
    user_agent: str = ""
    confirmed_at: object | None = None  # the import keeps the original time

    @classmethod
    def from_request(cls, request, *, via: str, **extra) -> "Confirmer":
        """Who, from where: the logged-in user (if any), client IP and user agent."""
        from earlybird.throttle import client_ip

        user = request.user if request.user.is_authenticated else None
        return cls(
            via=via,
            user=user,
            ip=client_ip(request),
            user_agent=request.headers.get("user-agent", ""),
            **extra,
        )

    @property
    def may_correct_the_past(self) -> bool:
        return self.via in (Delivery.Via.STAFF, Delivery.Via.IMPORT)


def _as_quantity(value) -> Decimal:
    try:
        quantity = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"delivered_qty": f"“{value}” is not a quantity."}) from exc
    if not quantity.is_finite():
        raise ValidationError({"delivered_qty": f"“{value}” is not a quantity."})
    return quantity


def status_for(*, ordered: Decimal, delivered: Decimal) -> str:
    if delivered == ordered:
        return Delivery.Status.DELIVERED
    if delivered == 0:
        return Delivery.Status.NOT_DELIVERED
    return Delivery.Status.PARTIAL


def _check_may_change(
    delivery: Delivery, by: Confirmer, today: date, *, billed: bool | None = None
) -> None:
    """`billed`: whether the delivery is on a bill, when the caller has read it already."""
    if delivery.status == Delivery.Status.CANCELLED:
        raise ValidationError(f"{delivery.code} was cancelled; there is nothing to confirm.")
    if billed is None:
        billed = Delivery.objects.filter(pk=delivery.pk, billing_line__isnull=False).exists()
    if billed:
        raise ValidationError(
            f"{delivery.code} is already billed; correct it with an adjustment on the next bill."
        )
    if (
        by.via == Delivery.Via.SHARED_LINK
        and delivery.is_confirmed
        and delivery.delivery_link_id != getattr(by.link, "pk", None)
    ):
        # A substitute changes only what is pending or was confirmed through his link.
        raise ValidationError(
            f"{delivery.code} was already confirmed by someone else; call the office to change it."
        )
    if by.may_correct_the_past:
        if delivery.date > today:
            raise ValidationError(
                f"{delivery.code} is for {day_text(delivery.date)}, a day still to come."
            )
    elif delivery.date != today:
        raise ValidationError(
            f"{delivery.code} is for {day_text(delivery.date)}; only today's deliveries "
            "can be confirmed here."
        )


def confirm_delivery(
    *,
    delivery: Delivery,
    delivered_qty,
    by: Confirmer,
    reason: str = "",
    reason_note: str = "",
    today: date | None = None,
) -> Delivery:
    """Record what was handed over: all (delivered), some (partial) or none (with a reason).

    0 <= delivered <= ordered, else a ValidationError and no write. Confirming again
    with the same values changes nothing; two devices at once are serialised by a row
    lock, so one consistent result remains. The customer's summary of the shift is
    written in the same transaction (deliveries.services.summaries).
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        current, changed = _confirm_delivery(
            delivery=delivery,
            delivered_qty=delivered_qty,
            by=by,
            reason=reason,
            reason_note=reason_note,
            today=today,
        )
        _changed([current] if changed else [], by)
    return current


def _confirm_delivery(
    *, delivery: Delivery, delivered_qty, by: Confirmer, reason: str, reason_note: str, today: date
) -> tuple[Delivery, bool]:
    """confirm_delivery without the summary; also says whether anything changed."""
    quantity = _as_quantity(delivered_qty)
    with transaction.atomic():
        # Lock order (earlybird/locks.py): the order, then the delivery.
        order = lock_one(Order.objects, pk=delivery.order_id)
        current = lock_one(Delivery.objects.select_related("product"), pk=delivery.pk)
        _check_may_change(current, by, today)
        if not _record(current, quantity=quantity, by=by, reason=reason, reason_note=reason_note):
            return current, False  # the same tap twice: harmless
        # Fields only: _record checked the rule, and the table's own constraints refuse
        # anything else at save — asking each CHECK constraint in a query first cost
        # more than the confirmation (issue 18).
        current.full_clean(validate_unique=False, validate_constraints=False)
        current.save()
        _settle_one_time_order(order)
    return current, True


def _record(
    current: Delivery,
    *,
    quantity: Decimal,
    by: Confirmer,
    reason: str,
    reason_note: str,
    at: datetime | None = None,
) -> bool:
    """The rule of a confirmation, on the locked row in memory: check the quantity and the
    reason and set what was handed over, by whom and when. False (the row untouched) when
    it says what the row already says."""
    if not 0 <= quantity <= current.ordered_qty:
        raise ValidationError(
            {
                "delivered_qty": f"Delivered quantity must be between 0 and the "
                f"{current.ordered_qty.normalize():f} ordered; {quantity.normalize():f} is not."
            }
        )
    status = status_for(ordered=current.ordered_qty, delivered=quantity)
    if status == Delivery.Status.NOT_DELIVERED:
        if reason not in Delivery.Reason.values:
            raise ValidationError({"reason": "Say why it was not delivered."})
    else:
        reason, reason_note = "", ""
    given = bottles_handed_over(current, quantity)
    if (
        current.status,
        current.delivered_qty,
        current.reason,
        current.reason_note,
        current.bottles_given,
    ) == (status, quantity, reason, reason_note, given):
        return False
    current.delivered_qty = quantity
    current.bottles_given = given
    current.status = status
    current.reason = reason
    current.reason_note = reason_note[:200]
    current.confirmed_by = by.user
    current.confirmed_by_name = by.name[:100]
    current.confirmed_via = by.via
    current.confirmed_at = at or by.confirmed_at or timezone.now()
    current.confirmed_ip = by.ip
    current.confirmed_user_agent = by.user_agent[:300]
    current.delivery_link = by.link
    return True


def bottles_handed_over(delivery: Delivery, quantity: Decimal) -> int:
    """The containers a returnable product goes out in: one per unit begun (1.5 litres of
    litre bottles fill two bottles); none for any other product. `delivery.product` is
    read, so load it with the row (select_related) where many are confirmed."""
    if not delivery.product.returnable:
        return 0
    return math.ceil(quantity)


def undo_confirmation(*, delivery: Delivery, by: Confirmer, today: date | None = None) -> Delivery:
    """Back to pending, for a stop confirmed by mistake (until the delivery is billed)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        current, changed = _undo_confirmation(delivery=delivery, by=by, today=today)
        _changed([current] if changed else [], by)
    return current


def _undo_confirmation(*, delivery: Delivery, by: Confirmer, today: date) -> tuple[Delivery, bool]:
    with transaction.atomic():
        order = lock_one(Order.objects, pk=delivery.order_id)
        current = lock_one(Delivery.objects, pk=delivery.pk)
        _check_may_change(current, by, today)
        if current.status == Delivery.Status.PENDING:
            return current, False
        current.status = Delivery.Status.PENDING
        current.delivered_qty = Decimal(0)
        current.bottles_given = 0  # nothing handed over; empties taken back stay counted
        current.reason = current.reason_note = ""
        current.confirmed_by, current.confirmed_by_name = None, ""
        current.confirmed_via, current.confirmed_at = "", None
        current.confirmed_ip, current.confirmed_user_agent = None, ""
        current.delivery_link = None
        # History keeps who undid it: simple_history stores this with the change.
        current._change_reason = f"undone via {by.via} by {by.name or by.user or 'unknown'}"[:100]
        current.save()
        _settle_one_time_order(order)
    return current, True


def _changed(changed: list[Delivery], by: Confirmer) -> None:
    """After confirmations changed, still in their transaction with the rows locked: the
    upper layers settle what follows (the prepaid wallet, deliveries.signals), then the
    customer's summary is written."""
    if changed:
        deliveries_changed.send(sender=Delivery, deliveries=changed, user=by.user)
    _summarise(changed)


def _summarise(changed: list[Delivery]) -> None:
    """Write the summary of each customer's shift that a change of today's deliveries
    touched (today by the clock). Not for the import (history), nor for a correction of
    an earlier day, which the customer was told about then."""
    today = timezone.localdate()
    shifts = {
        (d.customer_id, d.shift)
        for d in changed
        if d.date == today and d.confirmed_via != Delivery.Via.IMPORT
    }
    for customer_id, shift in sorted(shifts):
        queue_delivery_summary(customer_id=customer_id, day=today, shift=shift)


def _settle_one_time_order(order: Order) -> None:
    """A one-time order is delivered once every one of its deliveries is confirmed."""
    if order.kind != Order.Kind.ONE_TIME or order.status == Order.Status.CANCELLED:
        return
    live = order.deliveries.exclude(status=Delivery.Status.CANCELLED)
    all_confirmed = live.exists() and not live.filter(status=Delivery.Status.PENDING).exists()
    status = Order.Status.DELIVERED if all_confirmed else Order.Status.PLACED
    if order.status != status:
        order.status = status
        order.save(update_fields=["status", "updated_at"])


def confirm_stop(
    *,
    quantities: dict[Delivery, Decimal],
    by: Confirmer,
    reason: str = "",
    today: date | None = None,
) -> list[Delivery]:
    """Confirm every product of one stop together: all of them or none; the customer's
    summary of the shift is written once for the stop."""
    today = today or timezone.localdate()
    with transaction.atomic():
        _lock_stop(list(quantities))
        results = [
            _confirm_delivery(
                delivery=d, delivered_qty=q, by=by, reason=reason, reason_note="", today=today
            )
            for d, q in sorted(quantities.items(), key=lambda item: item[0].pk)
        ]
        _changed([d for d, changed in results if changed], by)
    return [d for d, _ in results]


def undo_stop(*, deliveries: list[Delivery], by: Confirmer, today: date | None = None) -> None:
    today = today or timezone.localdate()
    with transaction.atomic():
        _lock_stop(deliveries)
        results = [
            _undo_confirmation(delivery=delivery, by=by, today=today)
            for delivery in sorted(deliveries, key=lambda d: d.pk)
        ]
        _changed([d for d, changed in results if changed], by)


def _lock_stop(deliveries: list[Delivery]) -> None:
    """All the stop's orders, then all its deliveries, each in pk order (earlybird/locks.py),
    before they are confirmed one by one: never an order after a delivery, which with a
    schedule edit and the evening generation could close a cycle of waits."""
    for model, pks in (
        (Order, {d.order_id for d in deliveries}),
        (Delivery, {d.pk for d in deliveries}),
    ):
        rows = model.objects.filter(pk__in=pks).order_by("pk")
        list(rows.select_for_update(no_key=True, of=("self",)).values_list("pk", flat=True))
