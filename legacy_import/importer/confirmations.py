"""`delivery_statuses` and `delivery_status` (and one-time orders' own statuses) →
confirmed Delivery rows, by the rule of confirm_rule.py.

The rows are first staged in a temporary table (customer, day, the normalised document),
so the import can take each customer's rows together, whatever their order in the dump,
with memory that does not grow with the dump. Then, a batch of customers at a time (one
transaction each): the customers' orders give each day's plan, the rule gives the
delivered quantities, and the deliveries are written — created with a DL- code of their
date, or updated if an earlier run (or the new system) made them and they are not billed —
already confirmed: via "import", at the original time, by whom the old row names (the
delivery boy's login, the admin's, or the name on the shared link), at the price the old
system charged (the customer's own price, else the product's `default_price`; a one-time
order's item price). A one-time order all of whose deliveries are confirmed becomes
delivered. Every confirmation document is mapped to the first delivery of its day.
"""

from __future__ import annotations

import ipaddress
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from deliveries.models import Delivery, RouteStop
from deliveries.services.confirmation import status_for
from earlybird.codes import reserve_codes
from legacy_import.importer.base import (
    IST,
    Context,
    business_date,
    checksum_of,
    chunked,
    content_type,
    copy_rows,
    documents,
    legacy_id_of,
    quantity,
    save_records,
    text,
    timestamp,
)
from legacy_import.importer.confirm_rule import (
    NOT_DELIVERED,
    Item,
    Line,
    Row,
    normalise_status,
    settle_day,
)
from orders.models import DayOverride, Order, OrderLine, OrderPause
from orders.schedule import LineSchedule, OrderSchedule, due_on

COLLECTIONS = ("delivery_statuses", "delivery_status")
ORDER_CLAIMS = "orders"
PRIORITY = {"delivery_statuses": 2, "delivery_status": 1, ORDER_CLAIMS: 0}
STAGE = "legacy_import_stage"
CUSTOMERS_PER_BATCH = 500
_COMPARED = (
    "ordered_qty", "delivered_qty", "status", "unit_price", "reason", "reason_note",
    "confirmed_by_id", "confirmed_by_name", "confirmed_via", "confirmed_at", "confirmed_ip",
    "confirmed_user_agent", "delivery_boy_id",
)  # fmt: skip


FIELDS = ("s", "items", "notes", "boy", "method", "by_user", "by_name", "at", "ip", "ua",
          "order", "partial")  # fmt: skip
_JSON_FIELDS = ("items", "partial")


class Staging:
    """The confirmation rows of this run, in a temporary table (one column per field)."""

    def __init__(self) -> None:
        self.buffer: list[tuple] = []
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {STAGE} (seq bigserial PRIMARY KEY, customer_id bigint"
                " NOT NULL, day date NOT NULL, collection varchar(40) NOT NULL, legacy_id"
                " varchar(120) NOT NULL, checksum varchar(64) NOT NULL, s text, items text,"
                " notes text, boy text, method text, by_user text, by_name text, at timestamptz,"
                ' ip text, ua text, "order" text, partial text)'
            )

    def add(self, *, customer: int, day: date, collection: str, legacy_id: str,
            checksum: str, payload: dict[str, Any]) -> None:  # fmt: skip
        values = [payload.get(key) for key in FIELDS]
        for index in (1, 11):  # items, partial
            if values[index] is not None:
                values[index] = json.dumps(values[index])
        self.buffer.append((customer, day, collection, legacy_id, checksum, *values))
        if len(self.buffer) >= 5000:
            self.flush()

    def add_order_claim(self, *, customer: int, day: date, legacy_id: str, payload) -> None:
        self.add(
            customer=customer,
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
                ("customer_id", "day", "collection", "legacy_id", "checksum",
                 *[f'"{f}"' if f == "order" else f for f in FIELDS]),
                self.buffer,
            )  # fmt: skip
            self.buffer = []


def stage_confirmations(ctx: Context) -> None:
    """Read both confirmation collections into the staging table; reject what has no
    customer or no readable date."""
    staging: Staging = ctx.staging
    for collection in COLLECTIONS:
        report = ctx.collection(collection)
        for doc in documents(ctx, collection):
            legacy_id = legacy_id_of(doc)
            if legacy_id is None:
                report.reject("", "no_id", "row without id or _id")
                continue
            customer_legacy = doc.get("customer_id")
            info = ctx.customers.get(customer_legacy) if isinstance(customer_legacy, str) else None
            if info is None:
                report.reject(legacy_id, *ctx.customer_missing(customer_legacy))
                continue
            day = business_date(doc.get("delivery_date"))
            if day is None:
                report.reject(
                    legacy_id, "unparsable_date", f"delivery_date {doc.get('delivery_date')!r}"
                )
                continue
            if day > ctx.today:
                report.reject(legacy_id, "future_date", f"confirmed for {day}, a day to come")
                continue
            staging.add(
                customer=info.pk,
                day=day,
                collection=collection,
                legacy_id=legacy_id,
                checksum=checksum_of(doc),
                payload=_payload(doc),
            )
    staging.flush()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH dup AS (
                SELECT seq, row_number() OVER (PARTITION BY collection, legacy_id ORDER BY seq) n
                  FROM {STAGE} WHERE collection <> %s
            )
            UPDATE {STAGE} s SET legacy_id = s.legacy_id || '#' || s.seq
              FROM dup WHERE dup.seq = s.seq AND dup.n > 1
            RETURNING s.collection, s.legacy_id
            """,  # noqa: S608 - constant table name
            [ORDER_CLAIMS],
        )
        for collection, legacy_id in cursor.fetchall():
            ctx.collection(collection).warn(
                legacy_id, "duplicate_id", "a second row with this id: recorded with a suffix"
            )
        cursor.execute(f"CREATE INDEX ON {STAGE} (customer_id, day)")
        cursor.execute(f"ANALYZE {STAGE}")


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


def _payload(doc: dict[str, Any]) -> dict[str, Any]:
    items = doc.get("items")
    if not isinstance(items, list) or not items:
        items = doc.get("products") if isinstance(doc.get("products"), list) else None
    staged_items = None
    if items:
        staged_items = []
        for item in items:
            if not isinstance(item, dict):
                continue
            delivered = quantity(item.get("delivered_qty", item.get("delivered_quantity")))
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
    }


# --- settling the staged rows ---------------------------------------------------------------------


@dataclass
class Wanted:
    """One delivery as the import wants it."""

    line_pk: int
    order_pk: int
    product: int
    customer: int
    day: date
    shift: str
    fields: dict[str, Any]
    group: tuple[int, date]


def import_confirmations(ctx: Context) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT customer_id FROM {STAGE} ORDER BY 1")  # noqa: S608
        customers = [row[0] for row in cursor.fetchall()]
    legacy_order = {pk: legacy for legacy, pk in ctx.orders.items()}
    per_batch = max(1, min(CUSTOMERS_PER_BATCH, ctx.batch_size))
    done = 0
    for batch in chunked(customers, per_batch):
        with transaction.atomic():
            done += _settle_batch(ctx, batch, legacy_order)
        ctx.tick("delivery_statuses", done)


def _plans(ctx: Context, customers: list[int], legacy_order: dict[int, str]):
    """customer → [(order pk, shift, schedule, line pk → product)] of its subscriptions,
    customer → day → one-time lines, and line pk → (order pk, product, shift) of those:
    four queries, plain rows, no model instances."""
    orders = list(
        Order.objects.filter(customer_id__in=customers).values_list(
            "pk", "customer_id", "kind", "pattern", "weekdays", "start_date", "end_date",
            "status", "shift",
        )
    )  # fmt: skip
    lines: dict[int, list[tuple[int, int, Decimal]]] = defaultdict(list)
    for pk, order, product, qty in OrderLine.objects.filter(
        order__customer_id__in=customers
    ).values_list("pk", "order_id", "product_id", "quantity"):
        lines[order].append((pk, product, qty))
    overrides: dict[int, dict[date, Decimal]] = defaultdict(dict)
    for line, day, qty in DayOverride.objects.filter(
        line__order__customer_id__in=customers
    ).values_list("line_id", "date", "quantity"):
        overrides[line][day] = qty
    pauses: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for order, start, end in OrderPause.objects.filter(
        order__customer_id__in=customers
    ).values_list("order_id", "start_date", "end_date"):
        pauses[order].append((start, end))
    subscriptions: dict[int, list] = defaultdict(list)
    one_time: dict[int, dict[date, list[Line]]] = defaultdict(lambda: defaultdict(list))
    line_info: dict[int, tuple[int, int, str]] = {}  # line pk → (order pk, product, shift)
    for pk, customer, kind, pattern, weekdays, start, end, status, shift in orders:
        if kind == Order.Kind.SUBSCRIPTION:
            schedule = OrderSchedule(
                kind=kind, pattern=pattern, weekdays=frozenset(weekdays or ()),
                start_date=start, end_date=end, status=status,
                pauses=tuple(sorted(pauses.get(pk, ()), key=str)),
                lines=tuple(
                    LineSchedule(line, qty, MappingProxyType(overrides.get(line, {})))
                    for line, _product, qty in lines.get(pk, ())
                ),
            )  # fmt: skip
            products = {line: product for line, product, _qty in lines.get(pk, ())}
            subscriptions[customer].append((pk, shift, schedule, products))
        elif status != Order.Status.CANCELLED:
            for line, product, qty in lines.get(pk, ()):
                one_time[customer][start].append(
                    Line(
                        key=line,
                        product_id=ctx.product_legacy.get(product, str(product)),
                        product_name=ctx.product_names.get(product, ""),
                        ordered=qty,
                        order=legacy_order.get(pk, f"order {pk}"),
                    )
                )
                line_info[line] = (pk, product, shift)
    return subscriptions, one_time, line_info


def _settle_batch(ctx: Context, customers: list[int], legacy_order: dict[int, str]) -> int:
    with connection.cursor() as cursor:
        columns = ", ".join(f'"{f}"' if f == "order" else f for f in FIELDS)
        cursor.execute(
            f"SELECT customer_id, day, collection, legacy_id, checksum, seq, {columns}"  # noqa: S608
            f" FROM {STAGE} WHERE customer_id = ANY(%s) ORDER BY customer_id, day, seq",
            [customers],
        )
        staged = cursor.fetchall()
    if not staged:
        return 0
    subscriptions, one_time, line_info = _plans(ctx, customers, legacy_order)
    days = [row[1] for row in staged]
    existing = {
        (d["order_line_id"], d["date"], d["shift"]): d
        for d in Delivery.objects.filter(
            customer_id__in=customers, date__gte=min(days), date__lte=max(days)
        ).values("pk", "order_line_id", "date", "shift", "billing_line", *_COMPARED)
    }
    route = dict(
        RouteStop.objects.filter(customer_id__in=customers).values_list(
            "customer_id", "delivery_boy_id"
        )
    )
    records = _records_of(customers)
    groups: dict[tuple[int, date], list[Row]] = defaultdict(list)
    for customer, day, collection, legacy_id, checksum, seq, *values in staged:
        groups[(customer, day)].append(_row(collection, legacy_id, checksum, seq, values))
    wanted: list[Wanted] = []
    rows_of_group: dict[tuple[int, date], list[Row]] = {}
    for (customer, day), rows in groups.items():
        plan: list[Line] = []
        for order_pk, shift, schedule, products in subscriptions.get(customer, ()):
            for line_pk, qty in due_on(schedule, customer_status="active", day=day).items():
                product = products[line_pk]
                line_info[line_pk] = (order_pk, product, shift)
                plan.append(
                    Line(
                        key=line_pk,
                        product_id=ctx.product_legacy.get(product, str(product)),
                        product_name=ctx.product_names.get(product, ""),
                        ordered=qty,
                    )
                )
        plan += one_time.get(customer, {}).get(day, [])
        result = settle_day(rows, plan)
        for problem in result.rejected.values():
            if problem.ref[0] != ORDER_CLAIMS:
                ctx.collection(problem.ref[0]).reject(
                    problem.ref[1], problem.reason, _when(day, problem.detail)
                )
        for problem in result.warnings:
            collection = problem.ref[0] if problem.ref[0] != ORDER_CLAIMS else "orders"
            ctx.collection(collection).warn(
                problem.ref[1], problem.reason, _when(day, problem.detail)
            )
        if not result.outcomes:
            continue
        rows_of_group[(customer, day)] = rows
        for outcome in result.outcomes:
            wanted.append(_wanted(ctx, customer, day, outcome, route.get(customer), line_info))
    try:
        with transaction.atomic():
            targets, changed_groups = _write(ctx, wanted, existing)
    except (IntegrityError, DatabaseError):
        targets, changed_groups = {}, set()
        for group in list(rows_of_group):
            part = [w for w in wanted if w.group == group]
            try:
                with transaction.atomic():
                    made, changed = _write(ctx, part, existing)
            except (IntegrityError, DatabaseError) as exc:
                for row in rows_of_group.pop(group):
                    if row.ref[0] != ORDER_CLAIMS:
                        ctx.collection(row.ref[0]).reject(
                            row.ref[1], "cannot_save", str(exc).splitlines()[0][:300]
                        )
                continue
            targets.update(made)
            changed_groups |= changed
    _record_rows(ctx, rows_of_group, targets, changed_groups, records)
    _settle_one_time_orders({w.order_pk for w in wanted if w.order_pk in legacy_order})
    return len(customers)


def _records_of(customers: list[int]) -> dict[tuple[str, str], tuple[int, str]]:
    """(collection, legacy id) → (delivery pk, checksum) recorded for these customers' rows."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT s.collection, s.legacy_id, r.object_id, r.checksum
              FROM {STAGE} s
              JOIN legacy_import_legacyrecord r
                ON r.collection = s.collection AND r.legacy_id = s.legacy_id
               AND r.content_type_id = %s
             WHERE s.customer_id = ANY(%s)
            """,  # noqa: S608 - constant table name
            [content_type(Delivery).pk, customers],
        )
        return {(c, legacy): (pk, checksum) for c, legacy, pk, checksum in cursor.fetchall()}


def _when(day: date, detail: str) -> str:
    return f"{day}: {detail}"


_ITEMS, _ORDER, _PARTIAL = FIELDS.index("items"), FIELDS.index("order"), FIELDS.index("partial")


def _row(collection: str, legacy_id: str, checksum: str, seq: int, values: list) -> Row:
    items = None
    if values[_ITEMS]:
        items = tuple(
            Item(pid, name, Decimal(qty) if qty is not None else None)
            for pid, name, qty in json.loads(values[_ITEMS])
        )
    partial = frozenset()
    if values[_PARTIAL]:
        partial = frozenset(p.lower() for p in json.loads(values[_PARTIAL]))
    return Row(
        ref=(collection, legacy_id),
        status=normalise_status(values[0]),
        items=items,
        order=values[_ORDER] if collection == ORDER_CLAIMS else None,
        partial_products=partial,
        rank=(PRIORITY[collection], seq),
        data=(checksum, values),
    )


def _confirmer(
    ctx: Context, collection: str, data: dict[str, Any], route_boy: int | None
) -> tuple[int | None, str, int | None]:
    """(user pk, name, delivery boy pk) of who confirmed, as far as the old row says."""
    boy = ctx.boys.get(data.get("boy") or "")
    if collection == "delivery_status":
        return None, "Shared link (old system)", route_boy
    if collection == ORDER_CLAIMS:
        name = ctx.boy_names.get(boy, "") if boy else ""
        return (
            ctx.boy_users.get(boy),
            f"{name or 'Order status'} (old order status)",
            boy or route_boy,
        )
    method = data.get("method") or "delivery_boy"
    if method == "admin":
        user = ctx.users.get(data.get("by_user") or "")
        name = ctx.user_names.get(user, "Admin") if user else "Admin"
        return user, f"{name} (admin, old system)", boy or route_boy
    if method == "shared_link":
        typed = data.get("by_name") or ""
        name = typed if typed and typed != "Unknown" else "Shared link"
        return None, f"{name} (shared link, old system)", boy or route_boy
    if boy is not None:
        return ctx.boy_users.get(boy), f"{ctx.boy_names[boy]} (delivery boy, old system)", boy
    return None, f"{method.replace('_', ' ')} (old system)", route_boy


def _ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None


def _wanted(ctx: Context, customer: int, day: date, outcome, route_boy, line_info) -> Wanted:
    line = outcome.line
    row = outcome.row
    data = dict(zip(FIELDS, row.data[1], strict=True))
    user, name, boy = _confirmer(ctx, row.ref[0], data, route_boy)
    ordered, delivered = line.ordered, outcome.delivered
    status = status_for(ordered=ordered, delivered=delivered)
    moment = data.get("at")
    order_pk, product, shift = line_info[line.key]
    if line.order is None:
        price = ctx.custom_rates.get((customer, product), ctx.old_rates.get(product, Decimal(0)))
    else:
        price = ctx.line_prices.get(line.key)
    fields = {
        "ordered_qty": ordered,
        "delivered_qty": delivered,
        "status": status,
        "unit_price": price,
        "reason": Delivery.Reason.OTHER if status == NOT_DELIVERED else "",
        "reason_note": (data.get("notes") or "Not delivered (old system)")[:200]
        if status == NOT_DELIVERED
        else "",
        "confirmed_by_id": user,
        "confirmed_by_name": name[:100],
        "confirmed_via": Delivery.Via.IMPORT,
        "confirmed_at": moment or datetime.combine(day, time(12), tzinfo=IST),
        "confirmed_ip": _ip(data.get("ip") or ""),
        "confirmed_user_agent": (data.get("ua") or "")[:300],
        "delivery_boy_id": boy,
    }
    return Wanted(line.key, order_pk, product, customer, day, shift, fields, (customer, day))


def _write(ctx: Context, wanted: list[Wanted], existing) -> tuple[dict, set]:
    """Create or update the wanted deliveries: (group → first delivery pk, changed groups)."""
    targets: dict[tuple[int, date], int] = {}
    changed: set[tuple[int, date]] = set()
    now = timezone.now()
    new: list[Wanted] = []
    updates: list[Delivery] = []
    for w in wanted:
        if w.fields["unit_price"] is None:
            w.fields["unit_price"] = ctx.custom_rates.get(
                (w.customer, w.product), ctx.old_rates.get(w.product, Decimal(0))
            )
        current = existing.get((w.line_pk, w.day, w.shift))
        if current is None:
            new.append(w)
            continue
        targets[w.group] = min(targets.get(w.group, current["pk"]), current["pk"])
        if all(current[k] == w.fields[k] for k in _COMPARED):
            continue
        if current["billing_line"] is not None:
            ctx.collection("delivery_statuses").warn(
                str(current["pk"]),
                "billed_cannot_change",
                f"{w.day}: delivery {current['pk']} is billed; the source now says otherwise",
            )
            continue
        updates.append(Delivery(pk=current["pk"], updated_at=now, **w.fields))
        changed.add(w.group)
    if updates:
        Delivery.objects.bulk_update(updates, [*_COMPARED, "updated_at"], batch_size=1000)
    by_day: dict[date, list[Wanted]] = defaultdict(list)
    for w in new:
        by_day[w.day].append(w)
    rows = []
    for day, items in sorted(by_day.items()):
        codes = reserve_codes("DL", on=day, count=len(items))
        for w, code in zip(items, codes, strict=True):
            f = w.fields
            rows.append(
                (code, w.order_pk, w.line_pk, w.product, w.customer, f["delivery_boy_id"],
                 w.day, w.shift, f["ordered_qty"], f["delivered_qty"], f["unit_price"],
                 f["status"], f["reason"], f["reason_note"], f["confirmed_by_id"],
                 f["confirmed_by_name"], f["confirmed_via"], f["confirmed_at"],
                 f["confirmed_ip"], f["confirmed_user_agent"])
            )  # fmt: skip
    if rows:
        made = _insert_deliveries(rows)
        for w in new:
            pk = made[(w.line_pk, w.day, w.shift)]
            targets[w.group] = min(targets.get(w.group, pk), pk)
            changed.add(w.group)
    return targets, changed


DELIVERY_STAGE = "legacy_import_stage_delivery"
_INSERTED = (
    "code", "order_id", "order_line_id", "product_id", "customer_id", "delivery_boy_id", "date",
    "shift", "ordered_qty", "delivered_qty", "unit_price", "status", "reason", "reason_note",
    "confirmed_by_id", "confirmed_by_name", "confirmed_via", "confirmed_at", "confirmed_ip",
    "confirmed_user_agent",
)  # fmt: skip


def _insert_deliveries(rows: list[tuple]) -> dict[tuple[int, date, str], int]:
    """COPY the new deliveries into a temporary table, then one INSERT … SELECT; returns
    (order line, date, shift) → new pk. The database checks every constraint as usual."""
    columns = ", ".join(_INSERTED)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {DELIVERY_STAGE} AS"  # noqa: S608
            f" SELECT {columns} FROM deliveries_delivery WITH NO DATA"
        )
        cursor.execute(f"TRUNCATE {DELIVERY_STAGE}")
    copy_rows(DELIVERY_STAGE, _INSERTED, rows)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO deliveries_delivery ({columns}, created_at, updated_at)"  # noqa: S608
            f" SELECT {columns}, now(), now() FROM {DELIVERY_STAGE}"
            " RETURNING id, order_line_id, date, shift"
        )
        return {(line, day, shift): pk for pk, line, day, shift in cursor.fetchall()}


def _record_rows(ctx: Context, rows_of_group, targets, changed_groups, records) -> None:
    by_collection: dict[str, list[tuple[str, int, str]]] = defaultdict(list)
    for group, rows in rows_of_group.items():
        target = targets.get(group)
        if target is None:
            continue
        for row in rows:
            collection, legacy_id = row.ref
            if collection == ORDER_CLAIMS:
                continue
            report = ctx.collection(collection)
            checksum = row.data[0]
            record = records.get((collection, legacy_id))
            if record is None:
                report.created += 1
            elif record == (target, checksum) and group not in changed_groups:
                report.unchanged += 1
                continue
            else:
                report.updated += 1
            by_collection[collection].append((legacy_id, target, checksum))
    for collection, items in by_collection.items():
        save_records(collection, Delivery, items)


def _settle_one_time_orders(order_pks: set[int]) -> None:
    """A one-time order is delivered once every one of its deliveries is confirmed."""
    if not order_pks:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE orders_order o SET status = 'delivered', updated_at = now()
             WHERE o.id = ANY(%s) AND o.kind = 'one_time' AND o.status = 'placed'
               AND EXISTS (SELECT 1 FROM deliveries_delivery d WHERE d.order_id = o.id)
               AND NOT EXISTS (SELECT 1 FROM deliveries_delivery d
                                WHERE d.order_id = o.id AND d.status = 'pending')
            """,
            [sorted(order_pks)],
        )
