"""The confirmation rows of a run, staged in a temporary table (customer, the legacy
customer it was for, day, the normalised document), so the import can take each
customer's rows together, whatever their order in the dump, with memory that does not
grow with the dump. The one-time orders' own statuses are staged beside them.

Ids that repeat (rule 6): a row that says the same as an earlier row with its id is a
true duplicate, merged (mapped with it); a row that differs is a row of its own, keyed
`<id>#<_id>`, and the collision is reported.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from django.db import connection

from legacy_import.importer.base import (
    Context,
    business_date,
    copy_rows,
    documents,
    legacy_id_of,
    quantity,
    text,
    timestamp,
)
from legacy_import.importer.keys import checksum_and_substance

COLLECTIONS = ("delivery_statuses", "delivery_status")
ORDER_CLAIMS = "orders"
STAGE = "legacy_import_stage"
FIELDS = (
    "s",
    "items",
    "notes",
    "boy",
    "method",
    "by_user",
    "by_name",
    "at",
    "ip",
    "ua",
    "order",
    "partial",
    "order_ref",
    "evidence",
)
JSON_FIELDS = ("items", "partial")
_NO_VALUES = (None,) * len(FIELDS)


def staged_values(payload: dict[str, Any]) -> list[Any]:
    """The staging table's field columns of a row (JSON_FIELDS as JSON text)."""
    values = [payload.get(key) for key in FIELDS]
    for name in JSON_FIELDS:
        index = FIELDS.index(name)
        if values[index] is not None:
            values[index] = json.dumps(values[index])
    return values


def _column(name: str) -> str:
    return f'"{name}"' if name == "order" else name


class Staging:
    """The confirmation rows of this run, in a temporary table (one column per field)."""

    def __init__(self) -> None:
        self.buffer: list[tuple] = []
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {STAGE} (seq bigserial PRIMARY KEY, customer_id bigint"
                " NOT NULL, owner text NOT NULL, day date NOT NULL, collection varchar(40) NOT"
                " NULL, legacy_id varchar(120) NOT NULL, checksum varchar(64) NOT NULL, oid"
                " text, substance varchar(64), s text, items text, notes text, boy text, method"
                " text, by_user text, by_name text, at timestamptz, ip text, ua text,"
                ' "order" text, partial text, order_ref text, evidence text,'
                " thin boolean NOT NULL DEFAULT false, target bigint,"
                " renamed boolean NOT NULL DEFAULT false,"
                " rejected boolean NOT NULL DEFAULT false)"
            )

    def add(
        self,
        *,
        customer: int,
        owner: str,
        day: date,
        collection: str,
        legacy_id: str,
        checksum: str,
        payload: dict[str, Any] | None,
        oid: str = "",
        what: str = "",
        target: int | None = None,
    ) -> None:
        """`payload` None: a thin row (unchanged.py), its fields read only if it is settled;
        `target` the delivery it is mapped to (replay.REJECTED: the last run rejected it)."""
        values = staged_values(payload) if payload is not None else _NO_VALUES
        self.buffer.append(
            (
                customer,
                owner,
                day,
                collection,
                legacy_id,
                checksum,
                oid,
                what,
                *values,
                payload is None,
                target or None,
                target == 0,
            )
        )
        if len(self.buffer) >= 5000:
            self.flush()

    def add_order_claim(
        self, *, customer: int, owner: str, day: date, legacy_id: str, payload: dict[str, Any]
    ) -> None:
        self.add(
            customer=customer,
            owner=owner,
            day=day,
            collection=ORDER_CLAIMS,
            legacy_id=legacy_id,
            checksum="",
            payload=payload,
        )

    def flush(self) -> None:
        if self.buffer:
            copy_rows(
                STAGE,
                (
                    "customer_id",
                    "owner",
                    "day",
                    "collection",
                    "legacy_id",
                    "checksum",
                    "oid",
                    "substance",
                    *[_column(f) for f in FIELDS],
                    "thin",
                    "target",
                    "rejected",
                ),
                self.buffer,
            )
            self.buffer = []


def stage_confirmations(ctx: Context) -> None:
    """Read both confirmation collections into the staging table; reject what has no
    customer or no readable date; key repeated ids; note the period the rows cover."""
    from legacy_import.importer.confirmations.unchanged import unchanged_documents

    staging: Staging = ctx.staging
    unchanged = unchanged_documents(ctx)
    customer_of = ctx.customer
    for collection in COLLECTIONS:
        report = ctx.collection(collection)
        for doc in documents(ctx, collection):
            legacy_id = legacy_id_of(doc)
            customer_legacy = doc.get("customer_id")
            owner = customer_legacy if isinstance(customer_legacy, str) else ""
            day = business_date(doc.get("delivery_date"))
            if legacy_id is None:
                report.reject("", "no_id", "a row without id or _id", customer=owner, day=day)
                continue
            info = customer_of(customer_legacy)
            named = text(doc.get("order_id"))
            if ctx.side_rows is not None and (info is None or named):
                _keep_side_row(ctx, collection, doc)
            if info is None:
                reason, detail = ctx.customer_missing(customer_legacy)
                report.reject(legacy_id, reason, detail, customer=owner, day=day)
                ctx.leave_out(owner, "confirmations", legacy_id)
                continue
            if day is None:
                report.reject(
                    legacy_id,
                    "unparsable_date",
                    f"delivery_date {doc.get('delivery_date')!r} is not a date: which day it "
                    "confirms is not known",
                    customer=owner,
                )
                continue
            if day > ctx.today:
                report.reject(
                    legacy_id,
                    "future_date",
                    f"confirmed for {day}, a day still to come: nothing can have been "
                    "delivered yet",
                    customer=owner,
                    day=day,
                )
                continue
            checksum, what = checksum_and_substance(doc)
            # a row naming an order is evidence: read in full
            target = None if named else unchanged(collection, legacy_id, checksum, owner, day)
            thin = target is not None
            staging.add(
                customer=info.pk,
                owner=owner,
                day=day,
                collection=collection,
                legacy_id=legacy_id,
                checksum=checksum,
                payload=None if thin else payload_of(doc),
                oid=text(doc.get("_id")),
                what=what,
                target=target if thin else None,
            )
    staging.flush()
    _key_repeated_ids(ctx)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE INDEX ON {STAGE} (customer_id, day)")
        cursor.execute(f"ANALYZE {STAGE} (customer_id, day, thin)")  # what later queries filter on
        cursor.execute(f"SELECT min(day), max(day) FROM {STAGE}")  # noqa: S608
        first, last = cursor.fetchone()
    if first is not None:
        ctx.window = (first, last)


SIDE_ROWS = 50_000


def _keep_side_row(ctx: Context, collection: str, doc: dict[str, Any]) -> None:
    """Keep a row the duplicate-phone report recounts (services.py): one of a customer not
    imported, or one naming an order; past SIDE_ROWS the report reads the dump instead."""
    rows = ctx.side_rows.setdefault(collection, [])
    rows.append(doc)
    if len(rows) > SIDE_ROWS:
        ctx.side_rows = None


def _key_repeated_ids(ctx: Context) -> None:
    """Rule 6 for the staged rows (see module doc)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH repeated AS (  -- first the ids used more than once: few, sorted below
                SELECT collection, legacy_id FROM {STAGE} WHERE collection <> %s
                 GROUP BY collection, legacy_id HAVING count(*) > 1
            ), ranked AS (
                SELECT seq, collection, legacy_id, substance, oid, customer_id, owner, day,
                       row_number() OVER (PARTITION BY collection, legacy_id ORDER BY seq) n,
                       row_number() OVER (PARTITION BY collection, legacy_id, substance
                                          ORDER BY seq) m,
                       min(seq) OVER (PARTITION BY collection, legacy_id, substance) first_seq
                  FROM {STAGE} JOIN repeated USING (collection, legacy_id)
            )
            SELECT seq, collection, legacy_id, oid, owner, day, n, m, first_seq
              FROM ranked WHERE n > 1 ORDER BY seq
            """,  # noqa: S608 - constant table name
            [ORDER_CLAIMS],
        )
        repeated = cursor.fetchall()
        merged, renamed = [], []
        keys: dict[int, str] = {}
        for seq, collection, legacy_id, oid, owner, day, _n, m, first_seq in repeated:
            report = ctx.collection(collection)
            if m > 1:  # the same content as an earlier row with this id
                merged.append(seq)
                report.merged += 1
                report.entry(
                    keys.get(first_seq, legacy_id),
                    "duplicate_merged",
                    f"_id {oid}: the same row as {keys.get(first_seq, legacy_id)}, written "
                    "again: merged",
                    customer=owner,
                    day=day,
                )
                continue
            key = f"{legacy_id}#{oid or seq}"
            keys[seq] = key
            renamed.append((seq, key))
            report.warn(
                key,
                "id_collision",
                f"id {legacy_id} is also another row (which says something else); both "
                f"imported, this one keyed {key}",
                customer=owner,
                day=day,
            )
        if merged:
            cursor.execute(f"DELETE FROM {STAGE} WHERE seq = ANY(%s)", [merged])  # noqa: S608
        if renamed:
            cursor.execute(
                f"UPDATE {STAGE} s SET legacy_id = k.key, renamed = true"  # noqa: S608
                " FROM unnest(%s::bigint[], %s::text[])"
                " AS k(seq, key) WHERE s.seq = k.seq",
                [[s for s, _k in renamed], [k for _s, k in renamed]],
            )


def confirmation_time(doc: dict[str, Any], keys: tuple[str, ...]) -> datetime | None:
    """When a row was confirmed: the first of `keys` that carries its time zone (a BSON
    date, or an ISO string with Z or an offset); failing that, the first naive one, read as
    IST. Naive strings were written in IST or in UTC depending on the module (§1.2), so
    an explicit one is trusted first."""
    naive = None
    for key in keys:
        value = doc.get(key)
        if value is None:
            continue
        moment = timestamp(value)
        if moment is None:
            continue
        if isinstance(value, datetime) or _has_offset(value):
            return moment
        naive = naive or moment
    return naive


def _has_offset(value: str) -> bool:
    """An ISO string ending in Z or in a ±HH:MM offset after its time."""
    value = value.strip()
    return value.endswith("Z") or (len(value) > 19 and value[-6] in "+-" and value[-3] == ":")


def items_of(doc: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The per-product items of a row: `items`, or the shared link's `products`."""
    items = doc.get("items")
    if not isinstance(items, list) or not items:
        items = doc.get("products") if isinstance(doc.get("products"), list) else None
    return [item for item in items if isinstance(item, dict)] if items else None


def item_quantity(item: dict[str, Any]):
    return quantity(item.get("delivered_qty", item.get("delivered_quantity")))


def payload_of(doc: dict[str, Any]) -> dict[str, Any]:
    items = items_of(doc)
    staged_items = None
    if items:
        staged_items = []
        for item in items:
            delivered = item_quantity(item)
            staged_items.append(
                [
                    text(item.get("product_id")) or None,
                    text(item.get("product_name")) or None,
                    str(delivered) if delivered is not None else None,
                ]
            )
    moment = confirmation_time(doc, ("confirmed_at", "delivered_at", "updated_at", "created_at"))
    return {
        "s": doc.get("status"),
        "items": staged_items,
        "notes": text(doc.get("notes")),
        "boy": text(doc.get("delivery_boy_id")),
        "method": text(doc.get("confirmation_method")),
        "by_user": text(doc.get("confirmed_by_user_id")),
        "by_name": text(doc.get("confirmed_by_name")),
        "at": moment,
        "ip": text(doc.get("ip_address")),
        "ua": text(doc.get("device_info")),
        "order_ref": text(doc.get("order_id")) or None,
    }
