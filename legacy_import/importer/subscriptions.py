"""`subscriptions_v2` → subscription orders (via translate.py), and the old customer-app
`subscriptions` → subscription orders kept as history.

A `subscriptions_v2` document becomes an Order of kind subscription with one line, its
pauses and its day overrides, exactly as `translate_subscription` says: for every date
from LEGACY_START on, the new schedule gives the quantity the old delivery-boy list showed
(§5, §6.2). What translate rejects (the old engine crashed on it, an orphan, a quantity
the database cannot hold) is rejected with its reason; its warnings are reported.

An old customer-app subscription (`subscriptions`, §3.7) was never read by the delivery
lists or billing: it is imported as a stopped subscription (it delivers nothing) with its
pattern, dates, quantity, pauses and overrides, so its history is kept.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import DatabaseError, IntegrityError, transaction

from earlybird.codes import reserve_codes
from legacy_import.importer.base import (
    HISTORY_REASON,
    Context,
    IdGate,
    business_date,
    checksum_of,
    chunked,
    copy_insert,
    documents,
    existing_records,
    number,
    quantity,
    save_records,
    text,
    write_history,
)
from legacy_import.legacy_rule import compute_qty, customer_id_of
from legacy_import.translate import Rejected, TranslatedOrder, translate_subscription
from orders.models import DayOverride, Order, OrderLine, OrderPause
from orders.signals import schedule_changed


@dataclass
class Plan:
    """The plain data of one imported subscription order."""

    legacy_id: str
    checksum: str
    customer: int
    product: int
    order: dict[str, Any]
    quantity: Decimal
    pauses: list[tuple[date, date | None, str]] = field(default_factory=list)
    overrides: dict[date, Decimal] = field(default_factory=dict)


def _reason_code(reason: str) -> str:
    if reason.startswith("the old engine crashed"):
        return "old_engine_crashed"
    if "does not exist" in reason:
        return "orphan_product" if reason.startswith("product") else "orphan_customer"
    if reason.startswith("no customer id") or reason.startswith("no product id"):
        return "missing_reference"
    if "cannot be stored" in reason:
        return "unstorable_quantity"
    if "too long" in reason:
        return "range_too_long"
    return "rejected"


def import_subscriptions(ctx: Context) -> None:
    collection = "subscriptions_v2"
    report = ctx.collection(collection)
    gate = IdGate()
    product_ids = frozenset(ctx.product_ids)
    batch: list[Plan] = []
    done = 0
    for doc in documents(ctx, collection):
        legacy_id = gate.admit(report, doc)
        if legacy_id is None:
            continue
        done += 1
        customer_legacy = customer_id_of(doc)
        info = ctx.customers.get(customer_legacy) if isinstance(customer_legacy, str) else None
        if info is None and customer_legacy in ctx.customer_rejected:
            reason, detail = ctx.customer_missing(customer_legacy)
            report.reject(legacy_id, reason, detail)
            continue
        if ctx.billed_through is not None:
            _old_monthly_bill(ctx, doc)
        result = translate_subscription(
            doc,
            customer_status=info.raw_status if info else None,
            product_ids=product_ids,
        )
        if isinstance(result, Rejected):
            detail = result.reason + (
                f" (e.g. on {result.crash_date})" if result.crash_date else ""
            )
            report.reject(legacy_id, _reason_code(result.reason), detail)
            continue
        for warning in result.warnings:
            report.warn(legacy_id, "translation", warning)
        batch.append(_plan_of(ctx, doc, legacy_id, result))
        if len(batch) >= ctx.batch_size:
            write_plans(ctx, collection, batch)
            batch = []
            ctx.tick(collection, done)
    write_plans(ctx, collection, batch)
    ctx.tick(collection, done)


def _plan_of(ctx: Context, doc: dict[str, Any], legacy_id: str, t: TranslatedOrder) -> Plan:
    mode = doc.get("mode") or "no mode"
    return Plan(
        legacy_id=legacy_id,
        checksum=checksum_of(doc, ctx.customers[t.customer_legacy_id].raw_status),
        customer=ctx.customers[t.customer_legacy_id].pk,
        product=ctx.product_ids[t.product_legacy_id],
        order={
            "kind": t.kind,
            "pattern": t.pattern,
            "weekdays": sorted(t.weekdays),
            "shift": t.shift,
            "start_date": t.start_date,
            "end_date": t.end_date,
            "status": t.status,
            "notes": f"Legacy subscription {legacy_id} ({mode}, status {doc.get('status')!r}).",
        },
        quantity=t.quantity,
        pauses=[(start, end, "") for start, end in t.pauses],
        overrides=dict(t.overrides),
    )


def _old_monthly_bill(ctx: Context, doc: dict[str, Any]) -> None:
    """§7 steps 2–4 for the billed-through month: what the old monthly bill charged."""
    if doc.get("status") != "active" or doc.get("product_id") not in ctx.product_ids:
        return
    product = ctx.product_ids[doc["product_id"]]
    first = ctx.billed_through
    days = calendar.monthrange(first.year, first.month)[1]
    for customer in {doc.get("customerId"), doc.get("customer_id")} - {None, ""}:
        if not isinstance(customer, str) or customer not in ctx.customers:
            continue
        if ctx.customers[customer].raw_status not in ("active", "trial"):
            continue
        custom = ctx.raw_custom_prices.get(customer, {})
        rate = custom.get(doc["product_id"]) if doc["product_id"] in custom else None
        price = number(rate) if rate is not None else ctx.old_rates[product]
        try:
            total = sum(
                compute_qty((first + timedelta(days=n)).isoformat(), doc) for n in range(days)
            )
        except (KeyError, TypeError, ValueError, OverflowError):
            continue  # the old screen crashed; translate reports the subscription
        ctx.legacy_bill[customer] += (Decimal(str(total)) * (price or 0)).quantize(Decimal("0.01"))


def write_plans(ctx: Context, collection: str, plans: list[Plan]) -> None:
    """Create or update the orders of `plans` (one batch, one transaction)."""
    if not plans:
        return
    report = ctx.collection(collection)
    found = existing_records(collection, Order, [p.legacy_id for p in plans])
    alive = set(
        Order.objects.filter(pk__in=[f[0] for f in found.values()]).values_list("pk", flat=True)
    )
    new, changed = [], []
    for plan in plans:
        record = found.get(plan.legacy_id)
        if record and record[0] in alive:
            if record[1] == plan.checksum:
                report.unchanged += 1
                ctx.subscriptions[plan.legacy_id] = record[0]
            else:
                changed.append((plan, record[0]))
        else:
            new.append(plan)
    with transaction.atomic():
        try:
            with transaction.atomic():
                made = _create(ctx, collection, new)
        except (IntegrityError, DatabaseError):
            made = []
            for plan in new:
                try:
                    with transaction.atomic():
                        made += _create(ctx, collection, [plan])
                except (IntegrityError, DatabaseError) as exc:
                    report.reject(plan.legacy_id, "cannot_save", str(exc).splitlines()[0][:300])
        for plan, pk in changed:
            try:
                with transaction.atomic():
                    _update(ctx, collection, plan, pk)
            except (IntegrityError, DatabaseError, ValueError) as exc:
                report.reject(plan.legacy_id, "cannot_update", str(exc).splitlines()[0][:300])
                continue
            report.updated += 1
            ctx.subscriptions[plan.legacy_id] = pk
        for plan, pk in made:
            ctx.subscriptions[plan.legacy_id] = pk
        report.created += len(made)
        touched = [pk for _plan, pk in made] + [pk for _plan, pk in changed]
        if touched:
            schedule_changed.send(sender=Order, order_ids=touched, from_day=ctx.today)


def _create(ctx: Context, collection: str, plans: list[Plan]) -> list[tuple[Plan, int]]:
    if not plans:
        return []
    codes = reserve_codes("SU", on=ctx.today, count=len(plans))
    orders = [
        Order(customer_id=plan.customer, code=code, **plan.order)
        for plan, code in zip(plans, codes, strict=True)
    ]
    Order.objects.bulk_create(orders)
    write_history(Order, [o.pk for o in orders])
    lines = [
        OrderLine(order=order, product_id=plan.product, quantity=plan.quantity)
        for plan, order in zip(plans, orders, strict=True)
    ]
    OrderLine.objects.bulk_create(lines)
    write_history(OrderLine, [line.pk for line in lines])
    _children(plans, orders, lines)
    save_records(
        collection,
        Order,
        [(p.legacy_id, o.pk, p.checksum) for p, o in zip(plans, orders, strict=True)],
    )
    return [(plan, order.pk) for plan, order in zip(plans, orders, strict=True)]


def _children(plans: list[Plan], orders: list[Order], lines: list[OrderLine]) -> None:
    copy_insert(
        OrderPause,
        ["order_id", "start_date", "end_date", "reason"],
        (
            (order.pk, start, end, reason[:200])
            for plan, order in zip(plans, orders, strict=True)
            for start, end, reason in plan.pauses
        ),
    )
    write_history(OrderPause, [o.pk for o in orders], field="order_id")
    copy_insert(
        DayOverride,
        ["line_id", "date", "quantity"],
        (
            (line.pk, day, qty)
            for plan, line in zip(plans, lines, strict=True)
            for day, qty in plan.overrides.items()
        ),
    )
    write_history(DayOverride, [line.pk for line in lines], field="line_id")


def _update(ctx: Context, collection: str, plan: Plan, pk: int) -> None:
    order = Order.objects.get(pk=pk)
    if order.customer_id != plan.customer:
        raise ValueError("the subscription moved to another customer; not changed")
    for key, value in plan.order.items():
        setattr(order, key, value)
    order._change_reason = HISTORY_REASON
    order.save()
    line = order.lines.order_by("pk").first()
    if line.product_id != plan.product:
        if line.deliveries.exists():
            raise ValueError("the subscription's product changed after deliveries: not changed")
        line.product_id = plan.product
    line.quantity = plan.quantity
    line.save()
    DayOverride.objects.filter(line__order=order).delete()
    OrderPause.objects.filter(order=order).delete()
    _children([plan], [order], [line])
    save_records(collection, Order, [(plan.legacy_id, pk, plan.checksum)])


# --- the old customer-app subscriptions ---------------------------------------------------------

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
    gate = IdGate()
    plans: list[Plan] = []
    for doc in documents(ctx, collection):
        legacy_id = gate.admit(report, doc)
        if legacy_id is None:
            continue
        plan = _old_plan(ctx, doc, legacy_id)
        if isinstance(plan, Plan):
            plans.append(plan)
        else:
            report.reject(legacy_id, *plan)
    for batch in chunked(plans, ctx.batch_size):
        write_plans(ctx, collection, batch)
    ctx.tick(collection, report.read)


def _old_plan(ctx: Context, doc: dict[str, Any], legacy_id: str) -> Plan | tuple[str, str]:
    customer_legacy = None
    user_id = text(doc.get("user_id"))
    if user_id and user_id in ctx.customer_of_user:
        customer_legacy = ctx.customer_of_user[user_id]
    elif text(doc.get("customer_id")) in ctx.customers:
        customer_legacy = text(doc.get("customer_id"))
    if customer_legacy is None:
        missing = text(doc.get("customer_id")) or user_id
        return ctx.customer_missing(missing) if missing else ("orphan_customer", "no user_id")
    product = ctx.product_ids.get(text(doc.get("product_id")))
    if product is None:
        return "orphan_product", f"product {doc.get('product_id')!r} does not exist"
    qty = quantity(doc.get("quantity"))
    if qty is None or qty <= 0:
        return "bad_quantity", f"quantity {doc.get('quantity')!r}"
    start = business_date(doc.get("start_date"))
    if start is None:
        return "unparsable_date", f"start_date {doc.get('start_date')!r}"
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
        customer=ctx.customers[customer_legacy].pk,
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
    )
