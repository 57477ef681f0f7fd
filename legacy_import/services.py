"""`import_legacy`: the old MongoDB data → the new database, completely, idempotently.

    report = import_legacy(open_source(path, db=...), billed_through=date(2026, 1, 1))

Collections are imported in dependency order (catalogue, logins, customers, orders,
confirmations, money, links, history), each in batches with their own transaction, so an
interrupted run keeps what it committed and a rerun finishes it; nothing is ever half
written. Every document is mapped in LegacyRecord (collection, legacy id → target, with
the checksum of the source): a rerun over the same source creates, updates and deletes
nothing; a rerun over a newer dump updates what changed. `dry_run` does all of it in one
transaction rolled back at the end, and reports the same.

Rules (each stated in full in its module; the numbers are issue 13's):
  keys.py          ids that repeat: true duplicates merged, different documents both kept (6)
  customers/       logins; statuses in any casing (1); duplicate phones reported with what
                   was left out, merged on request (7)
  catalogue.py     prices: default_price, else price, never ₹0 while one exists (5)
  subscriptions.py subscriptions via translate.py; crashes reported with day and field (8)
  old_subscriptions.py  old-app subscriptions as history
  orders.py        one-time orders, found through the user id; delivered on evidence (4)
  confirm_rule.py  confirmations: delivered goods are evidence (2), itemised beats
                   blanket (3), evidence for one-time orders (4)
  confirmations/   staging, plans, settling, writing
  payments.py      payments
  links.py         shared links, imported revoked
  requests.py      pause and product requests → customer notes
  archive.py       audit trail and collections with no counterpart → archive
  billed.py        --billed-through and opening balances
  wallets.py       wallet balances → opening wallet entries, prepaid from the cut-over
Every reject and warning names the collection, the legacy id, the customer's legacy id and
the date where there are ones (8). The reconciliation (legacy_import/reconcile/) computes
the old side from the source on its own and lists every customer-month the report does not
explain.
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
    old_subscriptions,
    payments,
    requests,
    subscriptions,
    users,
    wallets,
)
from legacy_import.importer import orders as one_time
from legacy_import.importer.base import ORDER, RECORD_STAGE, STATISTICS, Context, copy_rows
from legacy_import.importer.confirmations import replay, staging, unchanged, write
from legacy_import.importer.customers.phones import check_merge_groups, report_duplicate_phones
from legacy_import.importer.report import ImportReport, Issue
from legacy_import.models import ImportIssue, ImportRun
from legacy_import.reconcile import (
    entries_of,
    not_imported_only,
    not_imported_totals,
    reconciliation,
)
from legacy_import.sources import Source

MAPPED = frozenset(ORDER) - {"billed_through"}

RULES = [
    "Customers are linked to their login by user_id, users._id, customer_v2_id, equal ids, "
    "the customer-<id>@earlybird.local email, then phone. Statuses are read in any casing: "
    "an 'Active' customer or subscription is active (1).",
    "Duplicates by phone: the first created is imported, the others rejected with what was "
    "left out; --merge-duplicate-phones FILE imports the ones ops say are one person (7).",
    "Ids that repeat: a true duplicate is merged; another customer's or a different "
    "document with the same id is imported too, keyed <id>#<_id> (6).",
    "Subscriptions become orders whose schedule gives, every day, the old delivery-boy list's "
    "quantity (translate.py); what the old engine crashed on is rejected with the day and "
    "the field (8).",
    "Delivered goods are evidence (2): a confirmation of a product the customer has a "
    "subscription or order of is imported even off the old list (reported); one with no "
    "order of that product at all is rejected, naming customer, day and product.",
    "Several rows for one customer and day are merged, never added: per product, items beat "
    "a plain 'delivered', then the largest claim of the same kind wins (3); excess over the "
    "ordered quantity is cut and reported.",
    "A one-time order is delivered only on evidence: its own status, a row naming it by "
    "order_id, or items naming its product (4); every order is listed either way.",
    "Prices: the customer's own price, else (one-time lines) the item's price, else the "
    "product's default_price, else its price; a product with neither is priced 0, imported "
    "inactive, and every delivery of it reported (5).",
    "Pause and product requests become dated lines in the customer's notes; shared links "
    "are imported revoked; the audit trail and collections with no counterpart are archived.",
    "--billed-through M: deliveries up to the end of M go on issued zero-total bills (never "
    "billed again); opening balance = the old carried balance at M (else previous_balance).",
    "Wallet balances (wallets, customer_wallets, else wallet_transactions) become opening "
    "wallet entries on the cut-over day, the day after the source's last; a customer with a "
    "balance other than ₹0 is prepaid from that day.",
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
    merge_groups: list[list[str]] | None = None,
) -> ImportReport:
    """Import everything `source` holds; returns the report (also kept as an ImportRun).
    `merge_groups`: legacy customer ids that are one person, the one to keep first (rule 7;
    checked first: a MergeError before anything is written)."""
    merge_groups = [list(group) for group in merge_groups or []]
    if merge_groups:
        check_merge_groups(source, merge_groups)
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
        merge_groups=merge_groups,
    )
    started = time.perf_counter()
    STATISTICS.clear()
    options = {
        "billed_through": report.billed_through,
        "batch_size": batch_size,
        "merge_duplicate_phones": merge_groups,
    }
    ctx.previous_run = _previous_run(options)
    run = None
    if not dry_run:
        run = ImportRun.objects.create(source=report.source[:500], options=options)
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
        _finish(run, report, status=ImportRun.Status.FINISHED, upstream=ctx.upstream_digest)
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
    confirmations.stage_confirmations(ctx)  # first: the period they cover dates the crashes
    subscriptions.import_subscriptions(ctx)
    old_subscriptions.import_old_subscriptions(ctx)
    one_time.import_orders(ctx)
    ctx.staging.flush()
    confirmations.import_confirmations(ctx)
    confirmations.report_one_time_orders(ctx)
    confirmations.report_stopped_service(ctx)
    payments.import_payments(ctx)
    links.import_links(ctx)
    archive.archive_collection(ctx, archive.AUDIT)
    for name in ctx.source.collections():
        if name not in MAPPED:
            archive.archive_collection(ctx, name)
    billed.mark_billed_through(ctx)
    billed.set_opening_balances(ctx)
    wallets.import_wallets(ctx)
    for name in list(ctx.report.collections):
        report = ctx.report.collections[name]
        if name in MAPPED and not report.read and name not in ctx.source.collections():
            report.notes.append("not in the source")
    ctx.report.merged_customers = dict(ctx.customer_alias)
    rec = None
    if reconcile:
        rec = reconciliation(
            ctx.source,
            entries=entries_of(ctx.report),
            aliases=ctx.customer_alias,
            today=ctx.today,
        )
        ctx.report.reconciliation = rec
    elif ctx.phone_groups:  # only what the duplicates left out: their rows, kept by staging
        source = ctx.source if ctx.side_rows is None else _SideRows(ctx.source, ctx.side_rows)
        rec = not_imported_only(
            source, entries=entries_of(ctx.report), aliases=ctx.customer_alias, today=ctx.today
        )
    report_duplicate_phones(ctx, not_imported_totals(rec) if rec else {})


class _SideRows:
    """`source` with, of the confirmation collections, only the rows staging kept."""

    def __init__(self, source: Source, rows: dict[str, list[dict]]) -> None:
        self.source, self.rows = source, rows

    def collections(self) -> list[str]:
        return self.source.collections()

    def documents(self, collection: str):
        if collection in staging.COLLECTIONS:
            return iter(self.rows.get(collection, ()))
        return self.source.documents(collection)

    def describe(self) -> str:
        return self.source.describe()


def _previous_run(options: dict) -> tuple[int, int, dict, str] | None:
    """The latest run (pk, the first transaction id after it, the rows it left in the
    tables the settling reads, its upstream digest), if it finished with the same options
    (the batch size aside)."""
    latest = ImportRun.objects.order_by("-pk").first()
    same = ("billed_through", "merge_duplicate_phones")
    if (
        latest is None
        or latest.status != ImportRun.Status.FINISHED
        or not isinstance(latest.report.get("next_xid"), int)
        or not isinstance(latest.report.get("kept"), dict)
        or not isinstance(latest.report.get("upstream"), str)
        or any(latest.options.get(k) != options[k] for k in same)
    ):
        return None
    return latest.pk, latest.report["next_xid"], latest.report["kept"], latest.report["upstream"]


def _next_xid() -> int:
    """A transaction id taken now (by writing a row in a transaction, or savepoint, of its
    own): whatever changes a row after this has a later one (a rerun's test for what
    changed since, whatever the clocks say)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE IF NOT EXISTS legacy_import_xid (x int)")
        cursor.execute("INSERT INTO legacy_import_xid VALUES (1) RETURNING xmin::text")
        xid = int(cursor.fetchone()[0])
        cursor.execute("TRUNCATE legacy_import_xid")
        return xid


def _drop_staging() -> None:
    try:
        with connection.cursor() as cursor:
            for table in (
                staging.STAGE,
                write.DELIVERY_STAGE,
                RECORD_STAGE,
                unchanged.SKIP,
                unchanged.KEPT,
                unchanged.FILL,
                replay.LAST,
            ):
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
    except Exception:  # noqa: S110 - the connection may be gone; the table goes with it
        pass


def _finish(
    run: ImportRun,
    report: ImportReport,
    *,
    status: str,
    error: str = "",
    upstream: str | None = None,
) -> None:
    next_xid = _next_xid()
    kept = unchanged.kept_rows() if status == ImportRun.Status.FINISHED else {}
    run.status = status
    run.error = error
    run.finished_at = timezone.now()
    summary = report.as_dict()
    if summary.get("reconciliation"):  # the table is in the JSON report; the run keeps the rest
        summary["reconciliation"] = {
            k: v for k, v in summary["reconciliation"].items() if k != "table"
        }
    run.report = {k: v for k, v in summary.items() if k != "collections"} | {
        "next_xid": next_xid,
        "kept": kept,
        "upstream": upstream,
        "collections": {
            name: {
                k: v for k, v in c.as_dict().items() if k not in ("rejects", "warnings", "listed")
            }
            for name, c in report.collections.items()
        },
    }
    run.save()
    copy_rows(  # tens of thousands of rows on a large dump: COPY, not one object each
        ImportIssue._meta.db_table,
        (
            "run_id",
            "collection",
            "legacy_id",
            "customer_legacy_id",
            "day",
            "kind",
            "reason",
            "detail",
            "checksum",
        ),
        (
            (
                run.pk,
                name[:60],
                issue.legacy_id[:100],
                issue.customer[:100],
                issue.day,
                kind,
                issue.reason[:60],
                issue.detail,
                _checksum(name, issue),
            )
            for name, kind, issue in report.issues()
        ),
    )


def _checksum(collection: str, issue: Issue) -> str:
    """The issue's checksum, as replay.py reads it: UNKNOWN if the issue is not kept whole
    (said again, it would not be the same)."""
    whole = len(collection) <= 60 and len(issue.legacy_id) <= 100 and len(issue.customer) <= 100
    if not issue.checksum or (whole and len(issue.reason) <= 60):
        return issue.checksum
    return replay.UNKNOWN
