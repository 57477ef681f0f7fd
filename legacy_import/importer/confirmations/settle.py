"""Settling the staged rows, a batch of customers at a time (one transaction each): the
rows of each (legacy customer, day) with the day's lines (plans.py) go through the rule
(confirm_rule.py); what it says is written (write.py) and reported with the customer and
the day: rejects, warnings, deliveries off the old list, merges, prices of ₹0, the
subscriptions not imported that a day's 'delivered' would have covered, and the evidence
each one-time order was delivered on (rule 4)."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db import DatabaseError, IntegrityError, connection, transaction

from deliveries.models import RouteStop
from legacy_import.importer.base import Context, chunked
from legacy_import.importer.confirm_rule import (
    DELIVERED,
    Item,
    Problem,
    Row,
    normalise_status,
    settle_day,
)
from legacy_import.importer.confirmations import replay
from legacy_import.importer.confirmations.plans import lines_of_day, load_plans
from legacy_import.importer.confirmations.staging import FIELDS, ORDER_CLAIMS, STAGE, _column
from legacy_import.importer.confirmations.unchanged import fill_thin_rows, skip_unchanged_days
from legacy_import.importer.confirmations.write import (
    COMPARED,
    Wanted,
    record_rows,
    records_of,
    settle_one_time_orders,
    wanted_of,
    write,
)
from legacy_import.legacy_rule import compute_qty

PRIORITY = {"delivery_statuses": 2, "delivery_status": 1, ORDER_CLAIMS: 0}
CUSTOMERS_PER_BATCH = 500
CRASHES = (KeyError, TypeError, ValueError, OverflowError, AttributeError)
_I = {name: index for index, name in enumerate(FIELDS)}


def import_confirmations(ctx: Context) -> None:
    since = replay.marks(ctx)
    ctx.upstream_digest = replay.upstream_digest(ctx)
    skip_unchanged_days(ctx)  # a rerun: the days nothing can have changed, before merging
    fill_thin_rows(ctx)  # the rows of the other days, read in full
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT customer_id FROM {STAGE} ORDER BY 1")  # noqa: S608
        customers = [row[0] for row in cursor.fetchall()]
    legacy_order = {info.pk: legacy for legacy, info in ctx.one_time.items()}
    per_batch = max(1, min(CUSTOMERS_PER_BATCH, ctx.batch_size))
    done = 0
    for batch in chunked(customers, per_batch):
        with transaction.atomic():
            done += _settle_batch(ctx, batch, legacy_order)
        ctx.tick("delivery_statuses", done)
    replay.sort_settled(ctx, since)


def _row(collection: str, legacy_id: str, checksum: str, seq: int, values: list, owner: str) -> Row:
    items = None
    if values[_I["items"]]:
        items = tuple(
            Item(pid, name, Decimal(qty) if qty is not None else None)
            for pid, name, qty in json.loads(values[_I["items"]])
        )
    partial = frozenset()
    if values[_I["partial"]]:
        partial = frozenset(p.lower() for p in json.loads(values[_I["partial"]]))
    own = collection == ORDER_CLAIMS
    return Row(
        ref=(collection, legacy_id),
        status=normalise_status(values[_I["s"]]),
        items=items,
        order=values[_I["order"]] if own else None,
        partial_products=partial,
        rank=(PRIORITY[collection], seq),
        data=(checksum, values, owner),
        raw_status=values[_I["s"]],
        own=own,
        owner=owner,
    )


def _groups(ctx: Context, staged: list) -> dict[tuple[int, date], list[Row]]:
    """(customer pk, day) → rows (of every legacy customer merged into it: one person);
    a row that references a one-time order of the same customer by order_id covers that
    order (on the order's day)."""
    groups: dict[tuple[int, date], list[Row]] = defaultdict(list)
    for customer, owner, day, collection, legacy_id, checksum, seq, *values in staged:
        row = _row(collection, legacy_id, checksum, seq, values, owner)
        groups[(customer, day)].append(row)
        reference = values[_I["order_ref"]]
        info = ctx.one_time.get(reference) if reference and not row.own else None
        if info is None:
            continue
        if info.customer != customer:
            ctx.collection(collection).warn(
                legacy_id,
                "order_of_another_customer",
                f"order_id {reference} is another customer's one-time order: not taken as "
                "evidence for it",
                customer=owner,
                day=day,
            )
        elif info.day == day:
            row.refs = reference
        else:  # the row covers that order on its own day too
            copy = _row(collection, legacy_id, checksum, seq, values, owner)
            copy.order = reference
            groups[(customer, info.day)].append(copy)
    return groups


def _settle_batch(ctx: Context, customers: list[int], legacy_order: dict[int, str]) -> int:
    with connection.cursor() as cursor:
        columns = ", ".join(_column(f) for f in FIELDS)
        cursor.execute(
            f"SELECT customer_id, owner, day, collection, legacy_id, checksum, seq, {columns}"  # noqa: S608
            f" FROM {STAGE} WHERE customer_id = ANY(%s) ORDER BY customer_id, day, seq",
            [customers],
        )
        staged = cursor.fetchall()
    if not staged:
        return 0
    plans = load_plans(ctx, customers)
    groups = _groups(ctx, staged)
    existing = _existing(list(groups))
    route = dict(
        RouteStop.objects.filter(customer_id__in=customers).values_list(
            "customer_id", "delivery_boy_id"
        )
    )
    records = records_of(customers)
    wanted: list[Wanted] = []
    rows_of_group: dict[tuple, list[Row]] = {}
    rejected: dict[tuple[str, str], tuple[Problem, str, date]] = {}
    for group, rows in sorted(groups.items()):
        customer, day = group
        owners = {row.ref: row.data[2] for row in rows}
        owner = min(owners.values())  # the legacy customer named in the day's entries
        lines = lines_of_day(ctx, plans, customer, day, legacy_order)
        result = settle_day(rows, lines, customer=owner, known=ctx.product_ids)
        for ref, problem in result.rejected.items():
            rejected.setdefault(ref, (problem, owners[ref], day))
        _report(ctx, result, owner, day, rows)
        if result.outcomes:
            rows_of_group[group] = rows
        for outcome in result.outcomes:
            wanted.append(
                wanted_of(
                    ctx,
                    customer,
                    day,
                    outcome,
                    route.get(customer),
                    plans.line_info,
                    (customer, outcome.row.data[2], day),
                )
            )
    targets, changed = _write_all(ctx, wanted, existing, rows_of_group, rejected)
    recorded = record_rows(ctx, rows_of_group, targets, changed, records)
    for ref, (problem, owner, day) in rejected.items():
        if ref not in recorded:
            ctx.collection(ref[0]).reject(
                ref[1],
                problem.reason,
                _with_rejected(ctx, problem, owner),
                customer=owner,
                day=day,
            )
    _report_prices(ctx, wanted)
    settle_one_time_orders({w.order_pk for w in wanted if w.order_pk in legacy_order})
    return len(customers)


_EXISTING = ("pk", "order_line_id", "date", "shift", "billing_line", *COMPARED)


def _existing(groups: list[tuple[int, date]]) -> dict[tuple[int, date, str], dict]:
    """(order line, day, shift) → the delivery's compared fields, of the customer-days
    settled (just those: a rerun settles a few days of each customer)."""
    columns = ", ".join(
        {"pk": "d.id", "billing_line": "b.id"}.get(name, f"d.{name}") for name in _EXISTING
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM unnest(%s::bigint[], %s::date[]) AS g(customer, day)"  # noqa: S608
            " JOIN deliveries_delivery d ON d.customer_id = g.customer AND d.date = g.day"
            " LEFT JOIN billing_billingline b ON b.delivery_id = d.id",
            [[c for c, _d in groups], [d for _c, d in groups]],
        )
        rows = [dict(zip(_EXISTING, row, strict=True)) for row in cursor.fetchall()]
    return {(d["order_line_id"], d["date"], d["shift"]): d for d in rows}


def _write_all(ctx: Context, wanted: list[Wanted], existing, rows_of_group, rejected):
    try:
        with transaction.atomic():
            return write(ctx, wanted, existing)
    except (IntegrityError, DatabaseError):
        pass
    targets, changed = {}, set()
    for group in list(rows_of_group):
        part = [w for w in wanted if (w.group[0], w.group[2]) == group]
        try:
            with transaction.atomic():
                made, changed_part = write(ctx, part, existing)
        except (IntegrityError, DatabaseError) as exc:
            for row in rows_of_group.pop(group):
                if not row.own:
                    problem = Problem(row.ref, "cannot_save", str(exc).splitlines()[0][:300])
                    rejected[row.ref] = (problem, row.data[2], group[1])
            continue
        targets.update(made)
        changed |= changed_part
    return targets, changed


def _report(ctx: Context, result, owner: str, day: date, rows: list[Row]) -> None:
    owners = {row.ref: row.data[2] for row in rows}
    for problem in result.warnings:
        collection = problem.ref[0] if problem.ref[0] != ORDER_CLAIMS else "orders"
        who = owners.get(problem.ref, owner)
        ctx.collection(collection).warn(
            problem.ref[1],
            problem.reason,
            _with_rejected(ctx, problem, who),
            customer=who,
            day=day,
        )
    for entry in result.listed:
        ctx.collection(entry.ref[0]).entry(
            entry.ref[1], entry.reason, entry.detail, customer=owner, day=day
        )
    for outcome in result.outcomes:
        if outcome.off_list:
            row, line = outcome.row, outcome.line
            seen = ctx.off_list_lines.setdefault(
                line.key, [line.source, line.label, owner, day, day, 0]
            )
            seen[3], seen[4], seen[5] = min(seen[3], day), max(seen[4], day), seen[5] + 1
            why = line.why or f"{line.label} is not active now"
            who = owners.get(row.ref, owner)
            collection = row.ref[0] if not row.own else "orders"
            ctx.collection(collection).entry(
                row.ref[1],
                "delivered_off_list",
                f"{line.product_name} × {outcome.delivered} for customer {who} on {day}: "
                f"not on the old list ({why}), but {row.describe()} confirms it delivered",
                customer=who,
                day=day,
            )
    for order, why in result.evidence.items():
        ctx.delivered_orders.setdefault(order, set()).update(why)
    for who in sorted(set(owners.values())):
        _report_not_imported(ctx, who, day, [r for r in rows if r.data[2] == who])


def _report_not_imported(ctx: Context, owner: str, day: date, rows: list[Row]) -> None:
    """A 'delivered' that a subscription not imported would have had a share of."""
    subscriptions = ctx.rejected_subscriptions.get(owner)
    if not subscriptions:
        return
    blanket = [r for r in rows if not r.items and not r.own and r.status == DELIVERED]
    if not blanket:
        return
    for sub in subscriptions:
        try:
            due = compute_qty(day.isoformat(), {**sub.doc, "status": "active"}) > 0
        except CRASHES:
            due = True
        if due:
            row = blanket[0]
            ctx.collection(row.ref[0]).warn(
                row.ref[1],
                "subscription_not_imported",
                f"'delivered' for customer {owner} on {day} does not deliver subscription "
                f"{sub.legacy_id} ({ctx.product_names.get(ctx.product_ids[sub.product])}): "
                f"it was not imported — {sub.reason}",
                customer=owner,
                day=day,
            )


def _with_rejected(ctx: Context, problem: Problem, owner: str) -> str:
    """A no-order reason, completed with the subscriptions of that customer not imported."""
    if problem.reason not in ("no_order_for_product", "no_order", "nothing_due"):
        return problem.detail
    notes = [
        f"its subscription {sub.legacy_id} of "
        f"{ctx.product_names.get(ctx.product_ids[sub.product], sub.product)} was not "
        f"imported: {sub.reason}"
        for sub in ctx.rejected_subscriptions.get(owner, ())
        if problem.reason != "no_order_for_product" or sub.product in problem.detail
    ]
    return problem.detail + ("; " + "; ".join(notes) if notes else "")


def _report_prices(ctx: Context, wanted: list[Wanted]) -> None:
    """Rule 5: every delivery of a product with no price is reported."""
    for w in wanted:
        if w.fields["unit_price"] == 0 and w.fields["delivered_qty"] > 0:
            name = ctx.product_names.get(w.product, str(w.product))
            collection = w.ref[0] if w.ref[0] != ORDER_CLAIMS else "orders"
            ctx.collection(collection).warn(
                w.ref[1],
                "priced_at_zero",
                f"{name} × {w.fields['delivered_qty']} delivered to customer {w.group[1]} on "
                f"{w.day} at ₹0: the product has no price in the old data; set its price "
                "and correct the bill",
                customer=w.group[1],
                day=w.day,
            )
