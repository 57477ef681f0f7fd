"""Writing the settled deliveries: created with a DL- code of their date, or updated if
an earlier run (or the new system) made them and they are not billed — already
confirmed: via "import", at the original time, by whom the old row names (the delivery
boy's login, the admin's, or the name on the shared link), at the price of rule 5 (the
customer's own price, else the product's; a one-time order line: own price, else the
item's, else the product's). A delivery at ₹0 (a product with no price at all) is
reported `priced_at_zero`. Every confirmation document is mapped to the first delivery of
its day. A one-time order with a delivered delivery and none pending becomes delivered.
A delivery of a customer prepaid on its day (wallets.py, on a rerun) is debited.
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone

from billing.models import BillingMode
from billing.selectors.wallet import prepaid_deliveries
from billing.services.wallet import settle_debits
from deliveries.models import Delivery
from deliveries.services.confirmation import status_for
from earlybird.codes import reserve_codes
from legacy_import.importer.base import (
    IST,
    STATISTICS,
    Context,
    content_type,
    copy_rows,
    save_records,
)
from legacy_import.importer.confirm_rule import NOT_DELIVERED, Outcome
from legacy_import.importer.confirmations.staging import FIELDS, ORDER_CLAIMS, STAGE

COMPARED = (
    "ordered_qty",
    "delivered_qty",
    "status",
    "unit_price",
    "reason",
    "reason_note",
    "confirmed_by_id",
    "confirmed_by_name",
    "confirmed_via",
    "confirmed_at",
    "confirmed_ip",
    "confirmed_user_agent",
    "delivery_boy_id",
)


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
    group: tuple  # (customer pk, legacy customer, day)
    ref: tuple[str, str] = ("", "")  # the row that won


def records_of(customers: list[int]) -> dict[tuple[str, str], tuple[int, str]]:
    """(collection, legacy id) → (delivery pk, checksum) recorded for these customers' rows."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT s.collection, s.legacy_id, r.object_id, r.checksum
              FROM {STAGE} s
             CROSS JOIN LATERAL (  -- one probe of the map's unique key per row: the plan
                    SELECT r.object_id, r.checksum  -- cannot turn into a scan of the map
                      FROM legacy_import_legacyrecord r
                     WHERE r.collection = s.collection AND r.legacy_id = s.legacy_id
                       AND r.content_type_id = %s
                     LIMIT 1) r
             WHERE s.customer_id = ANY(%s)
            """,  # noqa: S608 - constant table name
            [content_type(Delivery).pk, customers],
        )
        return {(c, legacy): (pk, checksum) for c, legacy, pk, checksum in cursor.fetchall()}


def confirmer(
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


def wanted_of(
    ctx: Context, customer: int, day: date, outcome: Outcome, route_boy, line_info, group: tuple
) -> Wanted:
    line = outcome.line
    row = outcome.row
    data = dict(zip(FIELDS, row.data[1], strict=True))
    user, name, boy = confirmer(ctx, row.ref[0] if not row.own else ORDER_CLAIMS, data, route_boy)
    ordered, delivered = outcome.ordered, outcome.delivered
    status = status_for(ordered=ordered, delivered=delivered)
    moment = data.get("at")
    order_pk, product, shift = line_info[line.key]
    if line.order is None:
        price = ctx.custom_rates.get((customer, product)) or ctx.rates.get(product, Decimal(0))
    else:
        price = ctx.line_prices.get(line.key)
        if price is None:
            price = ctx.custom_rates.get((customer, product)) or ctx.rates.get(product, Decimal(0))
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
    return Wanted(line.key, order_pk, product, customer, day, shift, fields, group, row.ref)


def write(ctx: Context, wanted: list[Wanted], existing) -> tuple[dict, set]:
    """Create or update the wanted deliveries: ((customer, day) → first delivery pk, the
    (customer, day) pairs changed)."""
    targets: dict[tuple[int, date], int] = {}
    changed: set[tuple[int, date]] = set()
    now = timezone.now()
    new: list[Wanted] = []
    updates: list[Delivery] = []
    for w in wanted:
        current = existing.get((w.line_pk, w.day, w.shift))
        if current is None:
            new.append(w)
            continue
        day_key = (w.customer, w.day)
        targets[day_key] = min(targets.get(day_key, current["pk"]), current["pk"])
        if all(current[k] == w.fields[k] for k in COMPARED):
            continue
        if current["billing_line"] is not None:
            ctx.collection("delivery_statuses").warn(
                str(current["pk"]),
                "billed_cannot_change",
                f"delivery {current['pk']} is billed already; the source now says "
                f"{w.fields['delivered_qty']} delivered: correct it with an adjustment",
                customer=w.group[1],
                day=w.day,
            )
            continue
        updates.append(Delivery(pk=current["pk"], updated_at=now, **w.fields))
        changed.add(day_key)
    if updates:
        Delivery.objects.bulk_update(updates, [*COMPARED, "updated_at"], batch_size=1000)
    by_day: dict[date, list[Wanted]] = defaultdict(list)
    for w in new:
        by_day[w.day].append(w)
    rows = []
    for day, items in sorted(by_day.items()):
        codes = reserve_codes("DL", on=day, count=len(items))
        for w, code in zip(items, codes, strict=True):
            f = w.fields
            rows.append(
                (
                    code,
                    w.order_pk,
                    w.line_pk,
                    w.product,
                    w.customer,
                    f["delivery_boy_id"],
                    w.day,
                    w.shift,
                    f["ordered_qty"],
                    f["delivered_qty"],
                    f["unit_price"],
                    f["status"],
                    f["reason"],
                    f["reason_note"],
                    f["confirmed_by_id"],
                    f["confirmed_by_name"],
                    f["confirmed_via"],
                    f["confirmed_at"],
                    f["confirmed_ip"],
                    f["confirmed_user_agent"],
                )
            )
    made: dict = {}
    if rows:
        made = _insert_deliveries(rows)
        for w in new:
            pk = made[(w.line_pk, w.day, w.shift)]
            day_key = (w.customer, w.day)
            targets[day_key] = min(targets.get(day_key, pk), pk)
            changed.add(day_key)
    _settle_prepaid([d.pk for d in updates] + list(made.values()), {w.customer for w in wanted})
    return targets, changed


def _settle_prepaid(pks: list[int], customers: set[int]) -> None:
    """Deliveries of customers prepaid on their day (a rerun over a newer dump, after the
    wallet import made them prepaid): debited from the wallet like any confirmation, in
    this batch's transaction. None on a first import: one query (of the billing modes of
    the batch's customers, before any per-delivery lookup) finds that out."""
    if not pks:
        return
    prepaid_ever = list(
        BillingMode.objects.filter(customer_id__in=customers, mode=BillingMode.Mode.PREPAID)
        .values_list("customer_id", flat=True)
        .distinct()
    )
    if not prepaid_ever:
        return
    prepaid = list(
        prepaid_deliveries(Delivery.objects.filter(pk__in=pks, customer_id__in=prepaid_ever)).only(
            "pk"
        )
    )
    if prepaid:
        settle_debits(prepaid)


DELIVERY_STAGE = "legacy_import_stage_delivery"
_INSERTED = (
    "code",
    "order_id",
    "order_line_id",
    "product_id",
    "customer_id",
    "delivery_boy_id",
    "date",
    "shift",
    "ordered_qty",
    "delivered_qty",
    "unit_price",
    "status",
    "reason",
    "reason_note",
    "confirmed_by_id",
    "confirmed_by_name",
    "confirmed_via",
    "confirmed_at",
    "confirmed_ip",
    "confirmed_user_agent",
)


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
        made = {(line, day, shift): pk for pk, line, day, shift in cursor.fetchall()}
    STATISTICS.grew("deliveries_delivery", len(made))
    return made


def record_rows(ctx: Context, rows_of_group, targets, changed_groups, records) -> set:
    """Map each confirmation document to the first delivery of its day (a document that
    delivered an order of another day through its order_id: to that day's); returns the
    refs recorded. Counts created / updated / unchanged once per document."""
    chosen: dict[tuple[str, str], tuple[int, str, bool]] = {}
    for group, rows in rows_of_group.items():
        target = targets.get(group)
        if target is None:
            continue
        for row in rows:
            if row.own or (row.ref in chosen and row.order is not None):
                continue
            chosen[row.ref] = (target, row.data[0], group in changed_groups)
    by_collection: dict[str, list[tuple[str, int, str]]] = defaultdict(list)
    for (collection, legacy_id), (target, checksum, changed) in chosen.items():
        report = ctx.collection(collection)
        record = records.get((collection, legacy_id))
        if record is None:
            report.created += 1
        elif record == (target, checksum) and not changed:
            report.unchanged += 1
            continue
        else:
            report.updated += 1
        by_collection[collection].append((legacy_id, target, checksum))
    for collection, items in by_collection.items():
        save_records(collection, Delivery, items)
    return set(chosen)


def settle_one_time_orders(order_pks: set[int]) -> None:
    """A one-time order is delivered once one of its deliveries was delivered (in full or
    in part) and none is pending."""
    if not order_pks:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE orders_order o SET status = 'delivered', updated_at = now()
             WHERE o.id = ANY(%s) AND o.kind = 'one_time' AND o.status = 'placed'
               AND EXISTS (SELECT 1 FROM deliveries_delivery d WHERE d.order_id = o.id
                              AND d.status IN ('delivered', 'partial'))
               AND NOT EXISTS (SELECT 1 FROM deliveries_delivery d
                                WHERE d.order_id = o.id AND d.status = 'pending')
            """,
            [sorted(order_pks)],
        )
