"""`delivery_statuses` and `delivery_status` (and one-time orders' own statuses) →
confirmed Delivery rows, by the rule of confirm_rule.py.

staging.py  the rows in a temporary table; ids that repeat (rule 6); the period covered
plans.py    the lines a day's rows may deliver, from the orders the import made
settle.py   each (legacy customer, day) through the rule, reported with customer and day
write.py    deliveries created or updated, documents mapped, one-time orders delivered

After the settling, every one-time order is listed (rule 4): `one_time_delivered` with the
evidence used, or `one_time_not_delivered` with its old status; and every subscription
that is not active but had deliveries confirmed is reported (`delivered_while_not_active`)
with the first and last day, so that no service stops silently at cut-over.
"""

from __future__ import annotations

from legacy_import.importer.base import Context
from legacy_import.importer.confirmations.settle import import_confirmations
from legacy_import.importer.confirmations.staging import (
    Staging,
    confirmation_time,
    stage_confirmations,
)
from orders.models import Order

__all__ = [
    "Staging",
    "confirmation_time",
    "import_confirmations",
    "report_one_time_orders",
    "report_stopped_service",
    "stage_confirmations",
]


def report_one_time_orders(ctx: Context) -> None:
    """Rule 4: every one-time order, delivered with its evidence or not delivered."""
    report = ctx.collection("orders")
    for legacy_id, info in sorted(ctx.one_time.items(), key=lambda i: (i[1].day, i[0])):
        if info.raw_status == "cancelled":
            continue
        evidence = ctx.delivered_orders.get(legacy_id)
        if evidence:
            report.entry(
                legacy_id,
                "one_time_delivered",
                f"delivered on {info.day}, on the evidence of {'; '.join(sorted(evidence))}",
                customer=info.owner,
                day=info.day,
            )
        else:
            report.entry(
                legacy_id,
                "one_time_not_delivered",
                f"old status {info.raw_status or 'none'!r}, and no confirmation names it or its "
                f"products on {info.day}: imported as placed, not delivered, not billed",
                customer=info.owner,
                day=info.day,
            )


def report_stopped_service(ctx: Context) -> None:
    """Subscriptions delivered off the list whose status now delivers nothing."""
    active = set(
        Order.objects.filter(
            lines__pk__in=list(ctx.off_list_lines), status=Order.Status.ACTIVE
        ).values_list("lines__pk", flat=True)
    )
    report = ctx.collection("subscriptions_v2")
    for line, (source, label, owner, first, last, count) in sorted(ctx.off_list_lines.items()):
        if line in active:
            continue
        report.warn(
            source,
            "delivered_while_not_active",
            f"{label}: confirmed delivered on {count} day(s) off the old list, {first} to "
            f"{last}, but it delivers nothing after cut-over; activate it if the customer is "
            "still served",
            customer=owner,
            day=last,
        )
