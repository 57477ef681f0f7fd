"""Confirming a whole round at once (`confirm_round`): a route's day typed in from the
boy's paper list, or a history. The rules are confirmation.py's, applied to every
delivery of the round; the writing is set-based, a few statements whatever its size."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from deliveries.models import Delivery
from deliveries.services.confirmation import (
    Confirmer,
    _as_quantity,
    _changed,
    _check_may_change,
    _record,
    _settle_one_time_order,
)
from orders.models import Order


@dataclass(frozen=True)
class Handover:
    """What one delivery of a round came to (confirm_round), as confirm_delivery takes it;
    `at`: when it was handed over, if known (else the Confirmer's time, else now)."""

    delivery: Delivery
    delivered_qty: object
    reason: str = ""
    reason_note: str = ""
    at: datetime | None = None


# The history's columns: the row's own, as simple_history copies them on a save.
_HISTORY_COLUMNS = ", ".join(f.column for f in Delivery.history.model.tracked_fields)

# A round's rows and their history rows in one statement: what differs per row comes as
# arrays, who confirmed is the same for all (what _record set on each).
_WRITE_ROUND = f"""
    WITH changed AS (
        UPDATE deliveries_delivery d
           SET delivered_qty = v.qty, status = v.status, reason = v.reason,
               reason_note = v.note, bottles_given = v.given,
               confirmed_at = v.at, confirmed_by_id = %(user)s,
               confirmed_by_name = %(name)s, confirmed_via = %(via)s, confirmed_ip = %(ip)s,
               confirmed_user_agent = %(agent)s, delivery_link_id = %(link)s,
               updated_at = %(now)s
          FROM unnest(%(ids)s::bigint[], %(qty)s::numeric[], %(status)s::varchar[],
                      %(reason)s::varchar[], %(note)s::varchar[], %(at)s::timestamptz[],
                      %(given)s::integer[])
               AS v(id, qty, status, reason, note, at, given)
         WHERE d.id = v.id
        RETURNING d.*
    )
    INSERT INTO deliveries_historicaldelivery
           ({_HISTORY_COLUMNS}, history_date, history_type, history_user_id)
    SELECT {_HISTORY_COLUMNS}, %(now)s, '~', %(history_user)s FROM changed
"""  # noqa: S608 - constant SQL fragments only


def confirm_round(
    *, handovers: Iterable[Handover], by: Confirmer, today: date | None = None
) -> list[Delivery]:
    """Confirm a whole round at once (a route's day typed in from the boy's paper list, a
    history): every delivery checked by the rules of confirm_delivery, all of them or
    none, then written with a few statements whatever their number (the rows and their
    history in bulk, one-time orders settled); the wallet and the customers' summaries
    follow once, as for a stop. Returns the deliveries that changed."""
    today = today or timezone.localdate()
    now = timezone.now()
    handovers = sorted(handovers, key=lambda handover: handover.delivery.pk)
    ids = [handover.delivery.pk for handover in handovers]
    if len(set(ids)) != len(ids):
        raise ValidationError("A delivery appears twice in the round.")
    with transaction.atomic():
        # Lock order (earlybird/locks.py): the orders, then the deliveries, each by pk;
        # the deliveries read as locked, with whether a bill holds them.
        kinds = dict(
            _locked(
                Order.objects.filter(pk__in={h.delivery.order_id for h in handovers})
            ).values_list("pk", "kind")
        )
        on_bill = Delivery.objects.filter(pk=OuterRef("pk"), billing_line__isnull=False)
        rows = {
            row.pk: row
            for row in _locked(
                Delivery.objects.filter(pk__in=ids).select_related("product")
            ).annotate(billed=Exists(on_bill))
        }
        changed = []
        for handover in handovers:
            current = rows.get(handover.delivery.pk)
            if current is None:
                raise ValidationError(f"{handover.delivery.code} no longer exists.")
            if handover.at is not None and handover.at > now:
                raise ValidationError(f"{current.code} cannot be handed over in the future.")
            _check_may_change(current, by, today, billed=current.billed)
            quantity = _as_quantity(handover.delivered_qty)
            if _record(
                current,
                quantity=quantity,
                by=by,
                reason=handover.reason,
                reason_note=handover.reason_note,
                at=handover.at,
            ):
                current.updated_at = now
                changed.append(current)
        if changed:
            # Checked by _record; the database's constraints hold the rest (no full_clean,
            # whose queries per row would cost more than the round).
            _write_round(changed, by=by, now=now)
            one_time = {d.order_id for d in changed if kinds[d.order_id] == Order.Kind.ONE_TIME}
            for order in Order.objects.filter(pk__in=one_time).order_by("pk"):
                _settle_one_time_order(order)
        _changed(changed, by)
    return changed


def _locked(rows):
    return rows.order_by("pk").select_for_update(no_key=True, of=("self",))


def _write_round(changed: list[Delivery], *, by: Confirmer, now: datetime) -> None:
    """The changed rows (locked, checked, set by _record) and their history rows, dated
    by the application's clock as simple_history dates its own."""
    first = changed[0]
    with connection.cursor() as cursor:
        cursor.execute(
            _WRITE_ROUND,
            {
                "ids": [d.pk for d in changed],
                "qty": [d.delivered_qty for d in changed],
                "status": [d.status for d in changed],
                "reason": [d.reason for d in changed],
                "note": [d.reason_note for d in changed],
                "at": [d.confirmed_at for d in changed],
                "given": [d.bottles_given for d in changed],
                "user": first.confirmed_by_id,
                "name": first.confirmed_by_name,
                "via": first.confirmed_via,
                "ip": first.confirmed_ip,
                "agent": first.confirmed_user_agent,
                "link": first.delivery_link_id,
                "now": now,
                "history_user": getattr(by.user, "pk", None),
            },
        )
