"""`import_legacy`: the old MongoDB data → the new database, completely, idempotently.

    report = import_legacy(open_source(path, db=...), billed_through=date(2026, 1, 1))

Collections are imported in dependency order (catalogue, logins, customers, orders,
confirmations, money, links, history), each in batches with their own transaction, so an
interrupted run keeps what it committed and a rerun finishes it; nothing is ever half
written. Every document is mapped in LegacyRecord (collection, legacy id → target, with
the checksum of the source): a rerun over the same source creates, updates and deletes
nothing; a rerun over a newer dump updates what changed. `dry_run` does all of it in one
transaction rolled back at the end, and reports the same.

Rules (each stated in full in its module):
  customers.py     linking logins; duplicates by phone rejected, not merged
  subscriptions.py subscriptions via translate.py; old-app subscriptions as history
  orders.py        one-time orders, found through the user id
  confirm_rule.py  confirmations: plan, merging, over-quantity, unscheduled days
  payments.py      payments
  links.py         shared links, imported revoked
  requests.py      pause and product requests → customer notes
  archive.py       audit trail and collections with no counterpart → archive
  billed.py        --billed-through and opening balances
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from legacy_import.importer import (
    archive,
    billed,
    catalogue,
    confirmations,
    customers,
    links,
    payments,
    requests,
    subscriptions,
    users,
)
from legacy_import.importer import orders as one_time
from legacy_import.importer.base import RECORD_STAGE, Context
from legacy_import.importer.report import ImportReport
from legacy_import.models import ImportIssue, ImportRun
from legacy_import.selectors import reconciliation
from legacy_import.sources import Source

ORDER = (
    "products", "areas_v2", "users", "delivery_boys_v2", "customers_v2", "pause_requests",
    "product_requests", "subscriptions_v2", "subscriptions", "orders", "delivery_statuses",
    "delivery_status", "payment_transactions", "shared_delivery_links", "subscription_audit",
    "billed_through",
)  # fmt: skip
MAPPED = frozenset(ORDER) - {"billed_through"}

RULES = [
    "Customers are linked to their login by user_id, users._id, customer_v2_id, equal ids, "
    "the customer-<id>@earlybird.local email, then phone; duplicates by phone: the first "
    "created is imported, the others rejected (not merged).",
    "Subscriptions become orders whose schedule gives, every day, the old delivery-boy list's "
    "quantity (translate.py); what the old engine crashed on is rejected.",
    "Confirmations (both collections, plus one-time orders' own status) are merged per "
    "customer and day: each line due that day takes the largest quantity any row claims; "
    "items give per-product quantities; nothing is added up.",
    "Over-quantity: cut to the ordered quantity, the excess reported. Days with nothing "
    "scheduled: nothing imported, the rows rejected as nothing_scheduled.",
    "Imported deliveries carry the price the old system charged (own price, else "
    "default_price; a one-time order's item price).",
    "Pause and product requests become dated lines in the customer's notes; shared links "
    "are imported revoked; the audit trail and collections with no counterpart are archived.",
    "--billed-through M: deliveries up to the end of M go on issued zero-total bills (never "
    "billed again); opening balance = the old carried balance at M (else previous_balance).",
]


def import_legacy(
    source: Source,
    *,
    dry_run: bool = False,
    billed_through: date | None = None,
    batch_size: int = 500,
    progress: Callable[[str, int], None] | None = None,
    reconcile: bool = True,
    today: date | None = None,
) -> ImportReport:
    """Import everything `source` holds; returns the report (also kept as an ImportRun)."""
    if billed_through is not None:
        billed_through = billed_through.replace(day=1)
    report = ImportReport(
        source=source.describe(),
        dry_run=dry_run,
        billed_through=billed_through.strftime("%Y-%m") if billed_through else None,
        rules=list(RULES),
    )
    for name in ORDER:
        if name != "billed_through" or billed_through is not None:
            report.collection(name)
    ctx = Context(
        source=source,
        report=report,
        today=today or timezone.localdate(),
        now=timezone.now(),
        batch_size=batch_size,
        billed_through=billed_through,
        progress=progress,
    )
    started = time.perf_counter()
    run = None
    if not dry_run:
        run = ImportRun.objects.create(
            source=report.source[:500],
            options={"billed_through": report.billed_through, "batch_size": batch_size},
        )
    try:
        if dry_run:
            with transaction.atomic():
                _import(ctx, reconcile=reconcile)
                transaction.set_rollback(True)
        else:
            _import(ctx, reconcile=reconcile)
    except BaseException as exc:
        report.seconds = time.perf_counter() - started
        if run is not None:
            _finish(run, report, status=ImportRun.Status.FAILED, error=repr(exc))
        raise
    finally:
        _drop_staging()
    report.seconds = time.perf_counter() - started
    if run is not None:
        _finish(run, report, status=ImportRun.Status.FINISHED)
    return report


def _import(ctx: Context, *, reconcile: bool) -> None:
    catalogue.import_products(ctx)
    catalogue.import_areas(ctx)
    index = users.read_users(ctx)
    users.import_staff(ctx, index)
    users.import_delivery_boys(ctx, index)
    requests.read_requests(ctx, {k: ctx.product_names[v] for k, v in ctx.product_ids.items()})
    customers.import_customers(ctx, index)
    ctx.staging = confirmations.Staging()
    subscriptions.import_subscriptions(ctx)
    subscriptions.import_old_subscriptions(ctx)
    one_time.import_orders(ctx)
    confirmations.stage_confirmations(ctx)
    confirmations.import_confirmations(ctx)
    payments.import_payments(ctx)
    links.import_links(ctx)
    archive.archive_collection(ctx, archive.AUDIT)
    for name in ctx.source.collections():
        if name not in MAPPED:
            archive.archive_collection(ctx, name)
    billed.mark_billed_through(ctx)
    billed.set_opening_balances(ctx)
    for name in list(ctx.report.collections):
        report = ctx.report.collections[name]
        if name in MAPPED and not report.read and name not in ctx.source.collections():
            report.notes.append("not in the source")
    if reconcile:
        ctx.report.reconciliation = reconciliation(ctx.source, reasons=ctx.customer_rejected)


def _drop_staging() -> None:
    try:
        with connection.cursor() as cursor:
            for table in (confirmations.STAGE, confirmations.DELIVERY_STAGE, RECORD_STAGE):
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
    except Exception:  # noqa: S110 - the connection may be gone; the table goes with it
        pass


def _finish(run: ImportRun, report: ImportReport, *, status: str, error: str = "") -> None:
    run.status = status
    run.error = error
    run.finished_at = timezone.now()
    run.report = {k: v for k, v in report.as_dict().items() if k != "collections"} | {
        "collections": {
            name: {k: v for k, v in c.as_dict().items() if k not in ("rejects", "warnings")}
            for name, c in report.collections.items()
        }
    }
    run.save()
    issues = [
        ImportIssue(
            run=run,
            collection=name,
            legacy_id=issue.legacy_id[:100],
            kind=kind,
            reason=issue.reason[:60],
            detail=issue.detail,
        )
        for name, c in report.collections.items()
        for kind, items in (
            (ImportIssue.Kind.REJECTED, c.rejects),
            (ImportIssue.Kind.WARNING, c.warnings),
        )
        for issue in items
    ]
    ImportIssue.objects.bulk_create(issues, batch_size=2000)
