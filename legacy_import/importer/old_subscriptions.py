"""The old customer-app `subscriptions` (§3.7) → subscription orders kept as history.

Nothing in the delivery lists or billing read them: each is imported as a stopped
subscription (it delivers nothing) with its pattern, dates, quantity, pauses and
overrides, so its history is kept.
"""

from __future__ import annotations

from typing import Any

from legacy_import.importer.base import (
    Context,
    business_date,
    checksum_of,
    chunked,
    documents,
    gate,
    quantity,
    text,
)
from legacy_import.importer.subscriptions import Plan, write_plans
from orders.models import Order

_PATTERNS = {
    "daily": Order.Pattern.DAILY,
    "alternate_days": Order.Pattern.ALTERNATE_DAYS,
    "weekly": Order.Pattern.WEEKDAYS,
    "custom_days": Order.Pattern.WEEKDAYS,
}
_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def import_old_subscriptions(ctx: Context) -> None:
    collection = "subscriptions"
    report = ctx.collection(collection)
    keys = gate(ctx, collection, owner=lambda doc: text(doc.get("user_id")) or None)
    plans: list[Plan] = []
    for doc in documents(ctx, collection):
        legacy_id = keys.admit(report, doc, what="old-app subscription")
        if legacy_id is None:
            continue
        plan = _old_plan(ctx, doc, legacy_id)
        if isinstance(plan, Plan):
            plans.append(plan)
        else:
            reason, detail, customer = plan
            report.reject(legacy_id, reason, detail, customer=customer)
    for batch in chunked(plans, ctx.batch_size):
        write_plans(ctx, collection, batch)
    ctx.tick(collection, report.read)


def _old_plan(ctx: Context, doc: dict[str, Any], legacy_id: str) -> Plan | tuple[str, str, str]:
    customer_legacy = None
    user_id = text(doc.get("user_id"))
    if user_id and user_id in ctx.customer_of_user:
        customer_legacy = ctx.customer_of_user[user_id]
    elif ctx.customer(text(doc.get("customer_id"))) is not None:
        customer_legacy = text(doc.get("customer_id"))
    if customer_legacy is None:
        missing = text(doc.get("customer_id")) or user_id
        if not missing:
            return "orphan_customer", "no user_id or customer_id: whose it was is not known", ""
        lost = ctx.lost_logins.get(missing, missing)
        return (*ctx.customer_missing(lost), lost)
    history = "history only: it never delivered, so nothing is lost"
    product = ctx.product_ids.get(text(doc.get("product_id")))
    if product is None:
        return (
            "orphan_product",
            f"product {doc.get('product_id')!r} does not exist ({history})",
            customer_legacy,
        )
    qty = quantity(doc.get("quantity"))
    if qty is None or qty <= 0:
        return "bad_quantity", f"quantity {doc.get('quantity')!r} ({history})", customer_legacy
    start = business_date(doc.get("start_date"))
    if start is None:
        return (
            "unparsable_date",
            f"start_date {doc.get('start_date')!r} ({history})",
            customer_legacy,
        )
    end = business_date(doc.get("end_date"))
    if end is not None and end < start:
        end = start
    raw_pattern = text(doc.get("pattern") or doc.get("frequency")).lower() or "daily"
    pattern = _PATTERNS.get(raw_pattern, Order.Pattern.DAILY)
    weekdays: list[int] = []
    if raw_pattern == "weekly":
        weekdays = [start.weekday()]
    elif raw_pattern == "custom_days":
        weekdays = sorted({d for d in doc.get("custom_days") or [] if d in range(7)})
    elif doc.get("delivery_days"):
        weekdays = sorted(
            _WEEKDAY_NAMES.index(d.lower())
            for d in doc["delivery_days"]
            if isinstance(d, str) and d.lower() in _WEEKDAY_NAMES
        )
        pattern = Order.Pattern.WEEKDAYS if weekdays else pattern
    if pattern == Order.Pattern.WEEKDAYS and not weekdays:
        pattern = Order.Pattern.DAILY
    pauses = []
    for entry in doc.get("pauses") or []:
        if not isinstance(entry, dict):
            continue
        p_start = business_date(entry.get("start_date") or entry.get("start"))
        p_end = business_date(entry.get("end_date") or entry.get("end"))
        if p_start is not None and (p_end is None or p_end >= p_start):
            pauses.append((p_start, p_end, text(entry.get("reason"), 200)))
    overrides = {}
    for entry in doc.get("overrides") or []:
        day = business_date(entry.get("date")) if isinstance(entry, dict) else None
        qty_day = quantity(entry.get("quantity")) if isinstance(entry, dict) else None
        if day is not None and qty_day is not None and qty_day >= 0:
            overrides.setdefault(day, qty_day)
    active = "active" if doc.get("is_active") or doc.get("status") == "active" else "inactive"
    return Plan(
        legacy_id=legacy_id,
        checksum=checksum_of(doc, customer_legacy),
        customer=ctx.customer(customer_legacy).pk,
        product=product,
        order={
            "kind": Order.Kind.SUBSCRIPTION,
            "pattern": pattern,
            "weekdays": weekdays if pattern == Order.Pattern.WEEKDAYS else [],
            "shift": Order.Shift.EVENING if doc.get("shift") == "evening" else Order.Shift.MORNING,
            "start_date": start,
            "end_date": end,
            "status": Order.Status.STOPPED,
            "notes": (
                f"Old customer-app subscription {legacy_id} ({raw_pattern}, {active} in the old "
                "app): history only — the old delivery lists and billing never read it."
            ),
        },
        quantity=qty,
        pauses=pauses,
        overrides=overrides,
        owner=customer_legacy,
    )
