"""A rerun skips, before any merging, the customer-days nothing can have changed: every
document of the day is mapped with the checksum it has now, to a delivery of that
customer and day that still exists, or was rejected by the last run's settling with the
checksum, customer and day it has now, and the day has as many documents as the map
points at its deliveries and the last run rejected (none was deleted from the dump);
what the last run's settling said about the day can be said again (replay.py: no
delivery off the old list, no document that could not be saved); no row is a one-time
order's own status or names an order, and the customer has no one-time order that day
(their evidence is worked out afresh); no delivery of the day, none of the customer's
orders, lines, overrides, pauses or route stop, nor the customer, was written by a
transaction that began after the last run finished (transaction ids, not clocks), and no
row of those tables was deleted since (each holds as many rows up to the last run's
highest id as it did then); and this run changed nothing the settling reads (no
collection imported before the confirmations created or updated anything, the same
subscriptions not imported), with the same options, right after a run that finished.
Those documents are counted unchanged (the rejected ones: rejected), as settling them
would count them, what the settling said of their days is said again, and they leave the
staging table; the others are settled as on a first run.

Before that, staging reads each document in full only if it may have changed: one whose
checksum is the one the map (or the last run's reject) holds for its id, with no
order_id, of a customer-day whose issues can be said again and with no one-time order,
is staged thin (no fields, with the delivery it is mapped to). Thin rows the skip leaves
(their day changed otherwise) get their fields from a second read of just those
documents (`fill_thin_rows`) before anything is settled.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial

from django.db import connection, transaction

from deliveries.models import Delivery
from legacy_import.importer.base import (
    MAP,
    ORDER,
    Context,
    checksum_of,
    content_type,
    copy_rows,
    legacy_id_of,
)
from legacy_import.importer.confirmations import replay
from legacy_import.importer.confirmations.staging import (
    COLLECTIONS,
    FIELDS,
    STAGE,
    _column,
    payload_of,
    staged_values,
)
from legacy_import.sources import BadDocument
from orders.models import Order

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


# The tables of the new system the settling reads (by customer): a rerun skips nothing
# once a row of one was deleted since the last run (a deleted row leaves no xmin to see).
WATCHED = (
    "customers_customer",
    "orders_order",
    "orders_orderline",
    "orders_dayoverride",
    "orders_orderpause",
    "deliveries_routestop",
    "deliveries_delivery",
)


def kept_rows() -> dict[str, list[int]]:
    """table → [rows, highest id] of the WATCHED tables, as a run leaves them."""
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(
                f"SELECT '{t}', count(*), coalesce(max(id), 0) FROM {t}"  # noqa: S608
                for t in WATCHED
            )
        )
        return {table: [rows, highest] for table, rows, highest in cursor.fetchall()}


def _rows_deleted(kept: dict[str, list[int]]) -> bool:
    """Whether a WATCHED table holds fewer rows up to the last run's highest id than then
    (ids are never reused: a row is missing)."""
    if set(kept) != set(WATCHED):
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(
                f"SELECT %s, count(*) FROM {t} WHERE id <= %s"  # noqa: S608
                for t in WATCHED
            ),
            [value for t in WATCHED for value in (t, kept[t][1])],
        )
        return any(rows < kept[table][0] for table, rows in cursor.fetchall())


def may_skip(ctx: Context) -> bool:
    """Whether this run may skip anything (see module doc); forgets the last run if not."""
    if ctx.previous_run is None or _upstream_changed(ctx):
        return False
    digest = ctx.upstream_digest
    if (digest is not None and digest != ctx.previous_run[3]) or _rows_deleted(ctx.previous_run[2]):
        ctx.previous_run = None
        return False
    return True


def unchanged_documents(ctx: Context) -> Callable[[str, str, str, str, date], int | None]:
    """(collection, legacy id, checksum, legacy customer, day) → the delivery the document
    is mapped to (replay.REJECTED: none, the last run rejected it), if it may be staged
    thin; the map's checksums of the confirmations and what the last run's settling said
    loaded once."""
    if not may_skip(ctx):
        return lambda *_args: None
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT collection, legacy_id, object_id, checksum FROM {MAP}"  # noqa: S608
            " WHERE collection = ANY(%s) AND content_type_id = %s",
            [list(COLLECTIONS), content_type(Delivery).pk],
        )
        recorded = {(c, legacy_id): (target, checksum) for c, legacy_id, target, checksum in cursor}
    last = ctx.last_run = replay.load(ctx.previous_run[0])
    last.settle |= _one_time_days(ctx)  # settled: staged in full, not read twice
    return partial(last.target, recorded)


def _one_time_days(ctx: Context) -> set[tuple[str, date]]:
    """(legacy customer, day) of the one-time orders the last run left."""
    owners: dict[int, list[str]] = {}
    for legacy_id in (*ctx.customers, *ctx.customer_alias):
        info = ctx.customer(legacy_id)
        if info is not None:
            owners.setdefault(info.pk, []).append(legacy_id)
    days = Order.objects.filter(kind=Order.Kind.ONE_TIME).values_list("customer_id", "start_date")
    return {(owner, day) for customer, day in days for owner in owners.get(customer, ())}


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


SKIP = "legacy_import_stage_skip"


def skip_unchanged_days(ctx: Context) -> int:
    """Count and drop from the staging table the rows of unchanged customer-days; returns
    how many rows were skipped. The days are found by one aggregate over every fact about
    a customer-day (no join whose size the planner must guess), kept in a table of their
    own so that the delete is planned on its real size."""
    if not may_skip(ctx):
        return 0
    next_xid = ctx.previous_run[1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id()::text")
        own = int(cursor.fetchone()[0]) % 2**32
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {SKIP}"
            " (customer_id bigint, day date, said boolean)"
        )
        cursor.execute(f"TRUNCATE {SKIP}")
        replay.fill_last(ctx, ctx.last_run)
        with transaction.atomic():  # the setting for this statement only
            # the aggregate's table of days in memory: by default it spills to disk
            cursor.execute("SELECT set_config('work_mem', '64MB', true)")
            cursor.execute(
                f"""
                WITH changed AS (  -- customers written to since the last run
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
                    UNION SELECT t.customer_id FROM deliveries_routestop t
                     WHERE {changed("t")}
                )
                INSERT INTO {SKIP}
                SELECT customer_id, day, sum(said) > 0 FROM (
                    -- each row: thin (staged so: unchanged, or rejected as before), mapped
                    SELECT s.customer_id, s.day, 1 AS staged, 0 AS recorded,
                           (NOT (s.thin AND NOT s.renamed AND (d.id IS NOT NULL OR s.rejected)))::int
                           AS bad, 0 AS said
                      FROM {STAGE} s
                      LEFT JOIN deliveries_delivery d
                        ON d.id = s.target AND d.customer_id = s.customer_id AND d.date = s.day
                    UNION ALL  -- the documents the map points at the day's deliveries
                    SELECT d.customer_id, d.date, 0, 1, 0, 0
                      FROM {MAP} r JOIN deliveries_delivery d ON d.id = r.object_id
                     WHERE r.content_type_id = %(ct)s AND r.collection = ANY(%(collections)s)
                    UNION ALL  -- a delivery written since the last run
                    SELECT d.customer_id, d.date, 0, 0, 1, 0 FROM deliveries_delivery d
                     WHERE {changed("d")}
                    UNION ALL  -- the documents the last run rejected; a day it cannot replay
                    SELECT customer_id, day, 0, rejected, bad, 1 FROM {replay.LAST}
                    UNION ALL  -- a one-time order's day
                    SELECT customer_id, start_date, 0, 0, 1, 0 FROM orders_order
                     WHERE kind = 'one_time'
                ) facts
                GROUP BY customer_id, day
                HAVING sum(staged) > 0 AND sum(bad) = 0 AND sum(recorded) = sum(staged)
                   AND customer_id NOT IN (SELECT customer_id FROM changed)
                """,  # noqa: S608 - constant table names
                {
                    "ct": content_type(Delivery).pk,
                    "collections": list(COLLECTIONS),
                    "xid": next_xid,
                    "own": own,
                },
            )
        if not cursor.rowcount:
            return 0
        counts = _keep_only_unskipped(cursor)
    replay.say_again(ctx, ctx.last_run, SKIP)
    for collection, count in counts.items():
        ctx.collection(collection).unchanged += count
    return sum(counts.values())


KEPT = "legacy_import_stage_kept"


def _keep_only_unskipped(cursor) -> dict[str, int]:
    """The staging table without the rows of the days in SKIP (the most of it on a rerun):
    copied to a new table rather than deleted, which would rewrite every page; returns
    the mapped rows left out per collection (the rejected ones are said again)."""
    count = f"SELECT collection, count(*) FROM {STAGE} WHERE NOT rejected GROUP BY 1"  # noqa: S608
    cursor.execute(count)
    before = dict(cursor.fetchall())
    cursor.execute(f"DROP TABLE IF EXISTS {KEPT}")
    cursor.execute(f"CREATE TEMPORARY TABLE {KEPT} (LIKE {STAGE})")
    cursor.execute(
        f"INSERT INTO {KEPT} SELECT s.* FROM {STAGE} s WHERE NOT EXISTS ("  # noqa: S608
        f" SELECT 1 FROM {SKIP} k WHERE k.customer_id = s.customer_id AND k.day = s.day)"
    )
    cursor.execute(f"DROP TABLE {STAGE}")
    cursor.execute(f"ALTER TABLE {KEPT} RENAME TO {STAGE}")
    cursor.execute(f"CREATE INDEX ON {STAGE} (customer_id, day)")
    cursor.execute(f"ANALYZE {STAGE} (customer_id, day, thin)")
    cursor.execute(count)
    after = dict(cursor.fetchall())
    return {
        name: rows - after.get(name, 0)
        for name, rows in before.items()
        if rows > after.get(name, 0)
    }
