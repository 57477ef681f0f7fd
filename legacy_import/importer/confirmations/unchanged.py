"""A rerun skips, before any merging, the customer-days nothing can have changed: every
document of the day is mapped with the checksum it has now, to a delivery of that
customer and day that still exists; nothing about the day is in the last run's report
(no reject, warning or entry: so the settling would report nothing either); no row is a
one-time order's own status or names an order, and the customer has no one-time order
that day (their evidence is worked out afresh); no delivery of the day, none of the
customer's orders, lines, overrides or pauses, nor the customer, was written by a
transaction that began after the last run finished (transaction ids, not clocks); and this run changed nothing the settling reads (no
collection imported before the confirmations created or updated anything), with the same
options, right after a run that finished. Those documents are counted unchanged, as
settling them would count them, and leave the staging table; the others are settled as
on a first run.

Before that, staging reads each document in full only if it may have changed: one whose
checksum is the one the map holds for its id, with no order_id, of a customer-day the last
run reported nothing about, is staged thin (no fields). Thin rows the skip leaves (their
day changed otherwise) get their fields from a second read of just those documents
(`fill_thin_rows`) before anything is settled.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db import connection

from deliveries.models import Delivery
from legacy_import.importer.base import (
    ORDER,
    Context,
    checksum_of,
    content_type,
    copy_rows,
    legacy_id_of,
)
from legacy_import.importer.confirmations.staging import (
    FIELDS,
    ORDER_CLAIMS,
    STAGE,
    _column,
    payload_of,
    staged_values,
)
from legacy_import.models import ImportIssue, LegacyRecord
from legacy_import.sources import BadDocument

# What the confirmations are merged with: every collection read before them.
UPSTREAM = ORDER[: ORDER.index("delivery_statuses")]


def changed(alias: str) -> str:
    """SQL: the row was written by a transaction that began after the last run, or by
    this one (a caller's transaction holding both runs, as in the tests)."""
    return f"(age({alias}.xmin) < age(%(xid)s::text::xid) OR {alias}.xmin = %(own)s::text::xid)"


def _upstream_changed(ctx: Context) -> bool:
    for name in UPSTREAM:
        report = ctx.report.collections.get(name)
        if report is not None and report.created + report.updated:
            return True
    return False


def unchanged_documents(ctx: Context, collection: str) -> Callable[[str, str, str, date], bool]:
    """(legacy id, checksum, legacy customer, day) → whether the document may be staged thin;
    the map's checksums of the collection and the last run's issue days loaded once."""
    if ctx.previous_run is None or _upstream_changed(ctx):
        return lambda *_args: False
    recorded = dict(
        LegacyRecord.objects.filter(
            collection=collection, content_type=content_type(Delivery)
        ).values_list("legacy_id", "checksum")
    )
    reported = set(
        ImportIssue.objects.filter(run_id=ctx.previous_run[0]).values_list(
            "customer_legacy_id", "day"
        )
    )
    return lambda legacy_id, checksum, owner, day: (
        recorded.get(legacy_id) == checksum and (owner, day) not in reported
    )


FILL = "legacy_import_stage_fill"


def fill_thin_rows(ctx: Context) -> int:
    """Give the thin rows left in the staging table their fields, from the documents with
    their checksum (the same checksum: the same document); returns how many were filled."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT collection, legacy_id, checksum FROM {STAGE} WHERE thin")  # noqa: S608
        thin = cursor.fetchall()
    if not thin:
        return 0
    wanted: dict[str, tuple[set[str], set[str]]] = {}
    for collection, legacy_id, checksum in thin:
        ids, checksums = wanted.setdefault(collection, (set(), set()))
        ids.update((legacy_id, legacy_id.rsplit("#", 1)[0]))
        checksums.add(checksum)
    found = []
    for collection, (ids, checksums) in wanted.items():
        for doc in ctx.source.documents(collection):
            if isinstance(doc, BadDocument) or legacy_id_of(doc) not in ids:
                continue
            checksum = checksum_of(doc)
            if checksum in checksums:
                checksums.discard(checksum)
                found.append((collection, checksum, *staged_values(payload_of(doc))))
    fields = [_column(f) for f in FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {FILL} AS SELECT collection, checksum,"  # noqa: S608
            f" {', '.join(fields)} FROM {STAGE} WITH NO DATA"
        )
        cursor.execute(f"TRUNCATE {FILL}")
        copy_rows(FILL, ("collection", "checksum", *fields), found)
        cursor.execute(
            f"UPDATE {STAGE} s SET ({', '.join(fields)}, thin) = "  # noqa: S608
            f"({', '.join(f'f.{f}' for f in fields)}, false) FROM {FILL} f"
            " WHERE s.thin AND s.collection = f.collection AND s.checksum = f.checksum"
        )
        filled = cursor.rowcount
        cursor.execute(f"SELECT count(*) FROM {STAGE} WHERE thin")  # noqa: S608
        if cursor.fetchone()[0]:
            raise RuntimeError("the source changed during the import: documents staged are gone")
    return filled


def skip_unchanged_days(ctx: Context) -> int:
    """Count and drop from the staging table the rows of unchanged customer-days; returns
    how many rows were skipped."""
    if ctx.previous_run is None or _upstream_changed(ctx):
        return 0
    run_pk, next_xid = ctx.previous_run
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id()::text")
        own = int(cursor.fetchone()[0]) % 2**32
        cursor.execute(
            f"""
            WITH days AS (
                SELECT s.customer_id, s.day
                  FROM {STAGE} s
                  LEFT JOIN LATERAL (
                        SELECT r.object_id, r.checksum FROM legacy_import_legacyrecord r
                         WHERE r.collection = s.collection AND r.legacy_id = s.legacy_id
                           AND r.content_type_id = %(ct)s
                         LIMIT 1) r ON true
                  LEFT JOIN LATERAL (
                        SELECT d.id FROM deliveries_delivery d
                         WHERE d.id = r.object_id AND d.customer_id = s.customer_id
                           AND d.date = s.day
                         LIMIT 1) d ON true
                 GROUP BY s.customer_id, s.day
                HAVING bool_and(coalesce(s.collection <> %(claims)s AND s.order_ref IS NULL
                                         AND r.checksum = s.checksum AND d.id IS NOT NULL,
                                         false))
            ), changed AS (  -- customers written to since the last run
                SELECT c.id AS customer_id FROM customers_customer c
                 WHERE {changed("c")}
                UNION SELECT o.customer_id FROM orders_order o
                 WHERE {changed("o")}
                UNION SELECT o.customer_id FROM orders_order o
                  JOIN orders_orderline l ON l.order_id = o.id
                  LEFT JOIN orders_dayoverride v ON v.line_id = l.id
                 WHERE {changed("l")}
                    OR {changed("v")}
                UNION SELECT o.customer_id FROM orders_order o
                  JOIN orders_orderpause p ON p.order_id = o.id
                 WHERE {changed("p")}
            ), skipped AS (
                SELECT g.customer_id, g.day FROM days g
                 WHERE NOT EXISTS (
                        SELECT 1 FROM {STAGE} s
                          JOIN legacy_import_importissue i
                            ON i.run_id = %(run)s AND i.customer_legacy_id = s.owner
                           AND i.day = s.day
                         WHERE s.customer_id = g.customer_id AND s.day = g.day)
                   AND NOT EXISTS (
                        SELECT 1 FROM deliveries_delivery d
                         WHERE d.customer_id = g.customer_id AND d.date = g.day
                           AND {changed("d")})
                   AND NOT EXISTS (
                        SELECT 1 FROM orders_order o
                         WHERE o.customer_id = g.customer_id
                           AND o.kind = 'one_time' AND o.start_date = g.day)
                   AND g.customer_id NOT IN (SELECT customer_id FROM changed)
            )
            DELETE FROM {STAGE} s USING skipped k
             WHERE s.customer_id = k.customer_id AND s.day = k.day
            RETURNING s.collection
            """,  # noqa: S608 - constant table name
            {
                "ct": content_type(Delivery).pk,
                "claims": ORDER_CLAIMS,
                "run": run_pk,
                "xid": next_xid,
                "own": own,
            },
        )
        collections = [collection for (collection,) in cursor.fetchall()]
        if collections:
            cursor.execute(f"ANALYZE {STAGE}")
    for collection in collections:
        ctx.collection(collection).unchanged += 1
    return len(collections)
