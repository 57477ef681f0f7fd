"""`subscriptions_v2` → subscription orders (via translate.py).

A `subscriptions_v2` document becomes an Order of kind subscription with one line, its
pauses and its day overrides, exactly as `translate_subscription` says: for every date
from LEGACY_START on, the new schedule gives the quantity the old delivery-boy list showed
(§5, §6.2), statuses read in any casing (rule 1). What translate rejects (the old engine
crashed on it, an orphan, a quantity the database cannot hold) is rejected with its
reason, its customer and, for a crash, the first day of the imported period the old engine
raised on and the field that made it (rule 8); its warnings are reported with the
customer. A rejected subscription is remembered with its customer, so the confirmations
that find no order because of it say so.

Ids that repeat (rule 6, keys.py): another customer's subscription, or a different one,
with the same id is imported too, keyed `<id>#<_id>`; a true duplicate is merged.
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
    RejectedSubscription,
    checksum_of,
    copy_insert,
    documents,
    existing_records,
    gate,
    number,
    save_records,
    timestamp,
    write_history,
)
from legacy_import.legacy_rule import compute_qty, customer_id_of, product_id_of
from legacy_import.translate import (
    Rejected,
    TranslatedOrder,
    business_date_of_bson,
    translate_subscription,
)
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
    owner: str = ""  # the legacy customer whose subscription it was
    stopped_on: date | None = None  # a stopped one: the day it was stopped (stopped_at)


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


def _reject_detail(rejected: Rejected) -> str:
    """What to tell ops: the field, the day, what to do."""
    if rejected.crash_date is None:
        return rejected.reason
    field = rejected.reason.removeprefix("the old engine crashed on this subscription: ")
    return (
        f"the old engine raised on it from {rejected.crash_date} (the first day of the "
        f"imported period it reached), which failed the whole delivery list: {field}; "
        "correct that field in the old data and run the import again"
    )


def _warning_code(text: str) -> str:
    if "never read" in text:
        return "never_read_by_old_engine"
    if "read as 'active'" in text:
        return "status_casing"
    if "missing or unknown" in text:
        return "no_status"
    return "translation"


def import_subscriptions(ctx: Context) -> None:
    collection = "subscriptions_v2"
    report = ctx.collection(collection)
    keys = gate(ctx, collection, owner=customer_id_of)
    product_ids = frozenset(ctx.product_ids)
    first_day = ctx.window[0] if ctx.window else ctx.today.replace(day=1)
    batch: list[Plan] = []
    done = 0
    for doc in documents(ctx, collection):
        legacy_id = keys.admit(report, doc, what="subscription")
        if legacy_id is None:
            continue
        done += 1
        customer_legacy = customer_id_of(doc)
        owner = customer_legacy if isinstance(customer_legacy, str) else ""
        info = ctx.customer(customer_legacy)
        if info is None and owner in ctx.customer_rejected:
            reason, detail = ctx.customer_missing(owner)
            report.reject(legacy_id, reason, detail, customer=owner)
            ctx.leave_out(owner, "subscriptions", legacy_id)
            continue
        if ctx.billed_through is not None:
            _old_monthly_bill(ctx, doc)
        result = translate_subscription(
            {**doc, "id": legacy_id},
            customer_status=ctx.raw_statuses.get(owner, "") if info else None,
            product_ids=product_ids,
            first_day=first_day,
        )
        if isinstance(result, Rejected):
            report.reject(
                legacy_id,
                _reason_code(result.reason),
                _reject_detail(result),
                customer=owner,
                day=result.crash_date,
            )
            product = product_id_of(doc)
            if info is not None and isinstance(product, str) and product in ctx.product_ids:
                ctx.rejected_subscriptions[owner].append(
                    RejectedSubscription(legacy_id, product, _reject_detail(result), doc)
                )
            continue
        for warning in result.warnings:
            report.warn(legacy_id, _warning_code(warning), warning, customer=owner)
        batch.append(_plan_of(ctx, doc, legacy_id, result))
        if len(batch) >= ctx.batch_size:
            write_plans(ctx, collection, batch)
            batch = []
            ctx.tick(collection, done)
    write_plans(ctx, collection, batch)
    ctx.tick(collection, done)


def _plan_of(ctx: Context, doc: dict[str, Any], legacy_id: str, t: TranslatedOrder) -> Plan:
    mode = doc.get("mode") or "no mode"
    info = ctx.customer(t.customer_legacy_id)
    return Plan(
        legacy_id=legacy_id,
        checksum=checksum_of(doc, ctx.raw_statuses.get(t.customer_legacy_id, "")),
        customer=info.pk,
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
        owner=t.customer_legacy_id,
        stopped_on=stopped_on(doc) if t.status == Order.Status.STOPPED else None,
    )


def stopped_on(doc: dict[str, Any]) -> date | None:
    """The day a stopped subscription was stopped: `stopped_at` (ISO-utc-naive, §3.6) in
    India; None when it does not say."""
    moment = timestamp(doc.get("stopped_at"), naive_is_utc=True)
    return business_date_of_bson(moment) if moment else None


def _old_monthly_bill(ctx: Context, doc: dict[str, Any]) -> None:
    """§7 steps 2–4 for the billed-through month: what the old monthly bill charged."""
    if doc.get("status") != "active" or doc.get("product_id") not in ctx.product_ids:
        return
    product = ctx.product_ids[doc["product_id"]]
    first = ctx.billed_through
    days = calendar.monthrange(first.year, first.month)[1]
    for customer in {doc.get("customerId"), doc.get("customer_id")} - {None, ""}:
        if not isinstance(customer, str) or ctx.customer(customer) is None:
            continue
        if ctx.raw_statuses.get(customer) not in ("active", "trial"):
            continue
        custom = ctx.raw_custom_prices.get(customer, {})
        rate = custom.get(doc["product_id"]) if doc["product_id"] in custom else None
        price = number(rate) if rate is not None else ctx.old_billing_rates[product]
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
                _remember(ctx, collection, plan, record[0])
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
                    report.reject(
                        plan.legacy_id,
                        "cannot_save",
                        str(exc).splitlines()[0][:300],
                        customer=plan.owner,
                    )
        for plan, pk in changed:
            try:
                with transaction.atomic():
                    _update(ctx, collection, plan, pk)
            except (IntegrityError, DatabaseError, ValueError) as exc:
                report.reject(
                    plan.legacy_id,
                    "cannot_update",
                    str(exc).splitlines()[0][:300],
                    customer=plan.owner,
                )
                continue
            report.updated += 1
            _remember(ctx, collection, plan, pk)
        for plan, pk in made:
            _remember(ctx, collection, plan, pk)
        report.created += len(made)
        touched = [pk for _plan, pk in made] + [pk for _plan, pk in changed]
        if touched:
            schedule_changed.send(sender=Order, order_ids=touched, from_day=ctx.today)


def _remember(ctx: Context, collection: str, plan: Plan, pk: int) -> None:
    ctx.order_owner[pk] = plan.owner
    if plan.stopped_on is not None:
        ctx.stopped_on[pk] = plan.stopped_on
    if collection == "subscriptions_v2":
        ctx.subscriptions[plan.legacy_id] = pk
    else:  # old-app subscriptions: history, never delivered
        ctx.history_orders.add(pk)


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
