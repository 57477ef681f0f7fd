# Over 400 lines: the shared reading, checksum and map helpers every part of the import uses.
"""What every part of the import shares: reading legacy values, checksums, the legacy-id
map, batches; and the run's context (context.py), re-exported here."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils import timezone

from earlybird import bounds
from legacy_import.importer.context import (
    Context,
    CustomerInfo,
    OneTimeInfo,
    RejectedSubscription,
)
from legacy_import.models import LegacyRecord
from legacy_import.sources import BadDocument
from legacy_import.translate import business_date_of_bson

# The collections in the order the import reads them: each after what it refers to.
ORDER = (
    "products",
    "areas_v2",
    "users",
    "delivery_boys_v2",
    "customers_v2",
    "pause_requests",
    "product_requests",
    "subscriptions_v2",
    "subscriptions",
    "orders",
    "delivery_statuses",
    "delivery_status",
    "payment_transactions",
    "shared_delivery_links",
    "subscription_audit",
    "billed_through",
)


IST = ZoneInfo("Asia/Kolkata")
CENTS = Decimal("0.01")
QUANTUM = Decimal("0.001")
MAX_MONEY = Decimal("9999999999.99")
MAX_QUANTITY = Decimal("9999999.999")
_YMD = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_YM = re.compile(r"^(\d{4})-(\d{1,2})$")


__all__ = ["Context", "CustomerInfo", "OneTimeInfo", "RejectedSubscription"]


class Interrupted(Exception):
    """Raised by a progress callback to stop the import (tests simulate a kill with it)."""


# --- legacy values ------------------------------------------------------------------------


def legacy_id_of(doc: dict[str, Any]) -> str | None:
    """The document's `id` (a string), else its `_id`; None if it has neither."""
    value = doc.get("id")
    if isinstance(value, str) and value.strip():
        return value.strip()[:100]
    value = doc.get("_id")
    if value is not None and str(value):
        return str(value)[:100]
    return None


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$date": value.isoformat()}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return {"$numberDecimal": str(value)}
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    return str(value)


def plain_json(doc: Any) -> str:
    return json.dumps(
        doc, sort_keys=True, separators=(",", ":"), default=_json_default, ensure_ascii=False
    )


def json_safe(doc: Any) -> Any:
    """The document as JSON-storable values (dates as {"$date": iso})."""
    return json.loads(plain_json(doc))


def checksum_of(*parts: Any) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(plain_json(part).encode())
        digest.update(b"\x00")
    return digest.hexdigest()


_ENCODE = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), default=_json_default, ensure_ascii=False
).encode


_STRING = json.encoder.encode_basestring  # what _ENCODE does with a str (ensure_ascii off)


def checksum_and_substance(doc: dict[str, Any], left_out: frozenset[str]) -> tuple[str, str]:
    """`checksum_of(doc)` and `checksum_of(doc without the keys left_out)` from one
    serialization of each value (the same text as `plain_json`, key by key)."""
    whole, said = [], []
    try:
        for key in sorted(doc):
            value = doc[key]
            # a string (most values) escaped as the encoder does, without the call through it
            part = _STRING(key) + ":" + (_STRING(value) if type(value) is str else _ENCODE(value))
            whole.append(part)
            if key not in left_out:
                said.append(part)
    except TypeError:  # a key that is not a string (a BSON document may have one)
        return checksum_of(doc), checksum_of({k: v for k, v in doc.items() if k not in left_out})
    return (
        hashlib.sha256(("{" + ",".join(whole) + "}\x00").encode()).hexdigest(),
        hashlib.sha256(("{" + ",".join(said) + "}\x00").encode()).hexdigest(),
    )


def text(value: Any, limit: int | None = None) -> str:
    if value is None:
        return ""
    result = value.strip() if isinstance(value, str) else str(value).strip()
    return result[:limit] if limit else result


def business_date(value: Any) -> date | None:
    """A business date: a YYYY-MM-DD string, or a BSON date read as IST (§1.2)."""
    if isinstance(value, datetime):
        return business_date_of_bson(value)
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        if len(value) == 10:  # the usual, zero-padded YYYY-MM-DD: the fast path
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        if _YMD.match(value.strip()):
            try:
                return datetime.strptime(value.strip(), "%Y-%m-%d").date()
            except ValueError:
                return None
    return None


def month_of(value: Any) -> date | None:
    """A `YYYY-MM` string within the project's bounds → the first day of that month."""
    if isinstance(value, str) and _YM.match(value.strip()):
        try:
            return bounds.parse_month(value.strip()[:7])
        except ValidationError:
            return None
    return None


def timestamp(value: Any, *, naive_is_utc: bool = False) -> datetime | None:
    """An event time (§1.2): a BSON date, or an ISO string with or without offset. Naive
    strings are read as IST (the servers ran in India) unless `naive_is_utc`."""
    if isinstance(value, datetime):
        result = value
    elif isinstance(value, str) and value.strip():
        raw = value.strip()
        try:
            result = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            return None
    elif isinstance(value, date):
        result = datetime.combine(value, time(0))
    else:
        return None
    if result.tzinfo is None:
        result = result.replace(tzinfo=UTC if naive_is_utc else IST)
    if not 1900 <= result.year <= 2200:
        return None
    return result.astimezone(UTC)


def number(value: Any) -> Decimal | None:
    """A legacy number (double, int, numeric string) as a Decimal; None if it is not one."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        result = Decimal(value.strip()) if isinstance(value, str) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return result if result.is_finite() else None


def money(value: Any) -> Decimal | None:
    """Rupees from a double such as 27.999999 → 28.00 (half up)."""
    result = number(value)
    if result is None:
        return None
    result = result.quantize(CENTS, rounding=ROUND_HALF_UP)
    return result if abs(result) <= MAX_MONEY else None


def quantity(value: Any) -> Decimal | None:
    result = number(value)
    if result is None:
        return None
    result = result.quantize(QUANTUM, rounding=ROUND_HALF_UP)
    return result if abs(result) <= MAX_QUANTITY else None


def amount_of(qty: Decimal, price: Decimal) -> Decimal:
    return (qty * price).quantize(CENTS, rounding=ROUND_HALF_UP)


def chunked(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


# --- reading a collection -----------------------------------------------------------------------


def documents(ctx: Context, collection: str) -> Iterator[dict[str, Any]]:
    """The collection's documents, counting each as read; unreadable lines are rejected."""
    report = ctx.collection(collection)
    for doc in ctx.source.documents(collection):
        report.read += 1
        if isinstance(doc, BadDocument):
            report.reject(doc.where, "unparsable_json", doc.error)
            continue
        yield doc


def gate(ctx: Context, collection: str, *, owner: Callable[[dict], Any] | None = None):
    """Rule 6 (keys.py): the key of each document of `collection`, ids repeated or not."""
    from legacy_import.importer.keys import Gate

    source = ctx.source
    if collection not in source.collections():
        return Gate(lambda: iter(()), owner=owner)
    return Gate(lambda: source.documents(collection), owner=owner)


def import_in_batches(
    ctx: Context,
    collection: str,
    *,
    build: Callable[[Context, dict[str, Any], str], Any],
    write: Callable[[Context, list[Any]], None],
    owner: Callable[[dict], Any] | None = None,
) -> None:
    """The loop every simple collection shares: key each document (rule 6), build what it
    becomes (or a reject: (reason, detail) or (reason, detail, customer, day)), and write
    in batches with progress."""
    report = ctx.collection(collection)
    keys = gate(ctx, collection, owner=owner)
    batch: list[Any] = []
    done = 0
    for doc in documents(ctx, collection):
        legacy_id = keys.admit(report, doc)
        if legacy_id is None:
            continue
        done += 1
        result = build(ctx, doc, legacy_id)
        if isinstance(result, tuple):
            reason, detail, *where = result
            customer, day = [*where, None, None][:2]
            report.reject(legacy_id, reason, detail, customer=customer or "", day=day)
            continue
        batch.append(result)
        if len(batch) >= ctx.batch_size:
            write(ctx, batch)
            batch = []
            ctx.tick(collection, done)
    write(ctx, batch)
    ctx.tick(collection, done)


# --- the legacy-id map ----------------------------------------------------------------------------


def content_type(model: type[models.Model]) -> ContentType:
    # Django caches these per process and drops the cache when the table is flushed.
    return ContentType.objects.get_for_model(model)


def existing_records(
    collection: str, model: type[models.Model], legacy_ids: Iterable[str]
) -> dict[str, tuple[int, str]]:
    """legacy id → (target pk, checksum) for what earlier runs recorded."""
    ids = list(set(legacy_ids))
    found: dict[str, tuple[int, str]] = {}
    for part in chunked(ids, 5000):
        for legacy_id, object_id, checksum in LegacyRecord.objects.filter(
            collection=collection, content_type=content_type(model), legacy_id__in=part
        ).values_list("legacy_id", "object_id", "checksum"):
            found[legacy_id] = (object_id, checksum)
    return found


def copy_rows(table: str, columns: Iterable[str], rows: Iterable[tuple]) -> None:
    """COPY `rows` into `table` (PostgreSQL adapts each value, as for a query)."""
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


HISTORY_REASON = "imported from the old system"


def write_history(model: type[models.Model], pks: Iterable[int], *, field: str = "id") -> None:
    """The "+" history rows of rows just inserted in bulk (simple_history's table), with one
    INSERT … SELECT: what `bulk_create_with_history` does, without a Python object each."""
    pks = list(pks)
    if not pks:
        return
    history = model.history.model  # type: ignore[attr-defined]
    columns = ", ".join(f.column for f in model._meta.concrete_fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {history._meta.db_table} ({columns}, history_date,"  # noqa: S608
            " history_change_reason, history_type, history_user_id)"
            f" SELECT {columns}, now(), %s, '+', NULL FROM {model._meta.db_table}"
            f" WHERE {field} = ANY(%s)",
            [HISTORY_REASON, pks],
        )


def copy_insert(model: type[models.Model], columns: list[str], rows: Iterable[tuple]) -> None:
    """COPY new rows straight into the model's table, stamped now (constraints checked as
    for any insert); for rows whose primary keys are not needed back."""
    now = timezone.now()
    copy_rows(
        model._meta.db_table,
        [*columns, "created_at", "updated_at"],
        ((*row, now, now) for row in rows),
    )


RECORD_STAGE = "legacy_import_stage_record"
MAP = "legacy_import_legacyrecord"


class Statistics:
    """ANALYZE a table the import fills each time it has grown by half since its last
    statistics (at least ANALYZE_MIN rows): the joins against the map and the new rows
    keep the plan their real sizes call for, whenever autovacuum gets to them (its analyse
    of a table still nearly empty is what made the plans flip). Doubling keeps it to a few
    ANALYZEs per run."""

    ANALYZE_MIN = 5000

    def __init__(self) -> None:
        self.base: dict[str, float] = {}
        self.added: dict[str, int] = {}

    def clear(self) -> None:
        self.base.clear()
        self.added.clear()

    def grew(self, table: str, rows: int) -> None:
        if rows <= 0:
            return
        with connection.cursor() as cursor:
            if table not in self.base:
                cursor.execute(
                    "SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = %s::regclass", [table]
                )
                self.base[table] = cursor.fetchone()[0]
            added = self.added.get(table, 0) + rows
            if added < max(self.ANALYZE_MIN, self.base[table] / 2):
                self.added[table] = added
                return
            cursor.execute(f"ANALYZE {table}")
            self.base[table] += added
            self.added[table] = 0


STATISTICS = Statistics()


def save_records(
    collection: str, model: type[models.Model], rows: Iterable[tuple[str, int, str]]
) -> None:
    """Insert or update (collection, legacy id) → target with its checksum, in bulk: COPY
    into a temporary table, then one INSERT … ON CONFLICT DO UPDATE."""
    by_id = {legacy_id: (object_id, checksum) for legacy_id, object_id, checksum in rows}
    if not by_id:
        return
    ct = content_type(model).pk
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {RECORD_STAGE} (collection varchar(60),"
            " legacy_id varchar(100), content_type_id integer, object_id bigint,"
            " checksum varchar(64))"
        )
        cursor.execute(f"TRUNCATE {RECORD_STAGE}")
    copy_rows(
        RECORD_STAGE,
        ("collection", "legacy_id", "content_type_id", "object_id", "checksum"),
        ((collection, k, ct, v[0], v[1]) for k, v in by_id.items()),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO legacy_import_legacyrecord
                   (created_at, updated_at, collection, legacy_id, content_type_id, object_id,
                    checksum)
            SELECT now(), now(), collection, legacy_id, content_type_id, object_id, checksum
              FROM {RECORD_STAGE}
            ON CONFLICT (collection, legacy_id, content_type_id) DO UPDATE
               SET object_id = EXCLUDED.object_id, checksum = EXCLUDED.checksum,
                   updated_at = now()
            """  # noqa: S608 - constant table name
        )
    STATISTICS.grew(MAP, len(by_id))
