"""Reconciliation: per customer and month, what the old data says was delivered (and its
amount) and paid, beside what the new database holds.

The source side is computed from the raw documents, independently of the import's own
translation: each imported subscription's quantity on a day is the old rule's
(`legacy_rule.delivery_boy_list_qty` on the stored document), one-time orders' lines are
their items, the confirmations of a day are settled by the stated rule (confirm_rule.py),
each delivered quantity is priced at what the old system charged (the customer's
`custom_product_prices`, else the product's `default_price`, missing ⇒ 0; a one-time
order's item price), and payments are summed by the month of `payment_date`. The new
side sums the confirmed deliveries (delivered or partial) and payments of each customer.
Every imported customer must match; customers that were not imported but had activity are
listed apart with the reason.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone

from customers.models import Customer
from legacy_import.importer.base import (
    amount_of,
    business_date,
    legacy_id_of,
    money,
    quantity,
    text,
    timestamp,
)
from legacy_import.importer.confirm_rule import Item, Line, Row, normalise_status, settle_day
from legacy_import.legacy_rule import customer_id_of, delivery_boy_list_qty, product_id_of
from legacy_import.models import LegacyRecord
from legacy_import.sources import BadDocument, Source
from legacy_import.translate import business_date_of_bson

ZERO = Decimal(0)
_QTY = Decimal("0.001")
_PRIORITY = {"delivery_statuses": 2, "delivery_status": 1, "orders": 0}


@dataclass
class Totals:
    quantity: Decimal = ZERO
    amount: Decimal = ZERO
    paid: Decimal = ZERO


def _docs(source: Source, collection: str):
    if collection not in source.collections():
        return
    for doc in source.documents(collection):
        if not isinstance(doc, BadDocument):
            yield doc


def _imported(collection: str, model: str) -> dict[str, int]:
    """legacy id → pk of what the import made of `collection`'s documents."""
    return dict(
        LegacyRecord.objects.filter(collection=collection, content_type__model=model).values_list(
            "legacy_id", "object_id"
        )
    )


def _plan_customer(doc: dict[str, Any]) -> dict[str, Any]:
    """The customer as the old list would have shown them on a past day: their current
    status unless it is a spelling of active or trial (which the list matched exactly)."""
    status = doc.get("status")
    if isinstance(status, str) and status.strip().lower() in ("active", "trial"):
        return doc
    return {**doc, "status": "active"}


def source_totals(source: Source) -> tuple[dict[tuple[str, date], Totals], dict[str, int]]:
    """(customer legacy id, month) → totals, from the raw documents; and, for every
    customer the source knows, how many confirmation rows it has."""
    customers_db = _imported("customers_v2", "customer")
    subs_db = _imported("subscriptions_v2", "order")
    customers: dict[str, dict[str, Any]] = {}
    for doc in _docs(source, "customers_v2"):
        legacy = legacy_id_of(doc)
        if legacy and legacy not in customers:
            customers[legacy] = {
                "status": doc.get("status"),
                "custom": doc.get("custom_product_prices")
                if isinstance(doc.get("custom_product_prices"), dict)
                else {},
            }
    products: dict[str, tuple[str, Decimal]] = {}
    for doc in _docs(source, "products"):
        legacy = legacy_id_of(doc)
        if legacy and legacy not in products:
            rate = money(doc.get("default_price"))
            products[legacy] = (text(doc.get("name")), rate if rate and rate > 0 else ZERO)
    product_ids = frozenset(products)

    def price(customer: str, product: str) -> Decimal:
        custom = customers[customer]["custom"]
        own = money(custom.get(product)) if product in custom else None
        return own if own is not None and own >= 0 else products[product][1]

    subscriptions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for doc in _docs(source, "subscriptions_v2"):
        legacy, customer = legacy_id_of(doc), customer_id_of(doc)
        # An imported customer's imported subscriptions; all of a customer not imported
        # (to show what the source holds for them).
        if customer in customers and (legacy in subs_db or customer not in customers_db):
            subscriptions[customer].append(doc)

    user_customer = _customer_of_users()
    one_time: dict[tuple[str, date], list[Line]] = defaultdict(list)
    line_price: dict[Any, Decimal] = {}
    rows: dict[tuple[str, date], list] = defaultdict(list)  # Row, or a compact tuple
    for doc in _docs(source, "orders"):
        legacy = legacy_id_of(doc)
        customer = _order_customer(doc, customers, user_customer)
        day = business_date(doc.get("delivery_date"))
        if customer is None or day is None or text(doc.get("status")).lower() == "cancelled":
            continue
        merged: dict[str, list] = {}
        for item in doc.get("items") or []:
            if not isinstance(item, dict) or text(item.get("product_id")) not in products:
                continue
            qty = quantity(item.get("quantity"))
            if qty is None or qty <= 0:
                continue
            entry = merged.setdefault(text(item["product_id"]), [ZERO, None])
            entry[0] += qty
            if entry[1] is None:
                entry[1] = money(item.get("price", item.get("unit_price")))
        for product, (qty, item_price) in merged.items():
            key = ("order", legacy, product)
            one_time[(customer, day)].append(
                Line(key, product, products[product][0], qty, order=legacy)
            )
            line_price[key] = item_price if item_price is not None else price(customer, product)
        status = normalise_status(doc.get("status"))
        if status is not None and merged:
            rows[(customer, day)].append(
                Row(
                    ref=("orders", legacy),
                    status=status,
                    order=legacy,
                    partial_products=frozenset(
                        text(p).lower() for p in doc.get("partial_delivery_items") or []
                    ),
                    rank=(0, 0),
                )
            )
    seq = 0
    today = timezone.localdate()
    confirmations: dict[str, int] = dict.fromkeys(customers, 0)
    for collection in ("delivery_statuses", "delivery_status"):
        for doc in _docs(source, collection):
            seq += 1
            customer = doc.get("customer_id")
            day = business_date(doc.get("delivery_date"))
            if not isinstance(customer, str) or customer not in customers or day is None:
                continue
            confirmations[customer] += 1
            if day > today:
                continue
            items = doc.get("items") if isinstance(doc.get("items"), list) else None
            # Kept compact (a tuple, not a Row) until its day is settled: there are many.
            rows[(customer, day)].append(
                (
                    _PRIORITY[collection],
                    seq,
                    normalise_status(doc.get("status")),
                    tuple(
                        (
                            text(i.get("product_id")) or None,
                            text(i.get("product_name")) or None,
                            quantity(i.get("delivered_qty", i.get("delivered_quantity"))),
                        )
                        for i in items
                        if isinstance(i, dict)
                    )
                    if items
                    else None,
                )
            )

    totals: dict[tuple[str, date], Totals] = defaultdict(Totals)
    for (customer, day), day_rows in rows.items():
        plan_doc = _plan_customer(customers[customer])
        plan: list[Line] = []
        for sub in subscriptions.get(customer, ()):
            try:
                qty = delivery_boy_list_qty(day.isoformat(), sub, plan_doc, product_ids=product_ids)
            except (KeyError, TypeError, ValueError, OverflowError):
                continue
            if qty > 0:
                product = product_id_of(sub)
                key = ("sub", legacy_id_of(sub))
                plan.append(
                    Line(key, product, products[product][0], Decimal(str(qty)).quantize(_QTY))
                )
                line_price[key] = price(customer, product)
        plan += one_time.get((customer, day), [])
        month = day.replace(day=1)
        day_rows = [row if isinstance(row, Row) else _row(row) for row in day_rows]
        for outcome in settle_day(day_rows, plan).outcomes:
            t = totals[(customer, month)]
            t.quantity += outcome.delivered
            t.amount += amount_of(outcome.delivered, line_price[outcome.line.key])
    for doc in _docs(source, "payment_transactions"):
        customer = doc.get("customer_id")
        if not isinstance(customer, str) or customer not in customers:
            continue
        amount = money(doc.get("amount"))
        paid_on = business_date(doc.get("payment_date"))
        if paid_on is None and (created := timestamp(doc.get("created_at"))) is not None:
            paid_on = business_date_of_bson(created)
        if amount is None or amount <= 0 or paid_on is None:
            continue
        totals[(customer, paid_on.replace(day=1))].paid += amount
    return dict(totals), confirmations


def _row(compact: tuple) -> Row:
    priority, seq, status, items = compact
    return Row(
        ref=(str(priority), str(seq)),
        status=status,
        items=tuple(Item(*item) for item in items) if items else None,
        rank=(priority, seq),
    )


def _customer_of_users() -> dict[str, str]:
    """users.id → customers_v2 id, as the import linked them."""
    customer_legacy = {pk: legacy for legacy, pk in _imported("customers_v2", "customer").items()}
    user_customer = dict(Customer.objects.values_list("user_id", "pk"))
    result = {}
    for legacy_user, user_pk in LegacyRecord.objects.filter(
        collection="users", content_type__model="user"
    ).values_list("legacy_id", "object_id"):
        customer = user_customer.get(user_pk)
        if customer in customer_legacy:
            result[legacy_user] = customer_legacy[customer]
    return result


def _order_customer(doc, customers, user_customer) -> str | None:
    customer_id, user_id = text(doc.get("customer_id")), text(doc.get("user_id"))
    if customer_id in customers:
        return customer_id
    return user_customer.get(customer_id) or user_customer.get(user_id)


def database_totals() -> dict[tuple[int, date], Totals]:
    totals: dict[tuple[int, date], Totals] = defaultdict(Totals)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT customer_id, date_trunc('month', date)::date, sum(delivered_qty),
                   sum(round(delivered_qty * unit_price, 2))
              FROM deliveries_delivery WHERE status IN ('delivered', 'partial')
             GROUP BY 1, 2
            """
        )
        for customer, month, qty, amount in cursor.fetchall():
            totals[(customer, month)].quantity = qty
            totals[(customer, month)].amount = amount
        cursor.execute(
            "SELECT customer_id, date_trunc('month', paid_on)::date, sum(amount)"
            " FROM billing_payment GROUP BY 1, 2"
        )
        for customer, month, paid in cursor.fetchall():
            totals[(customer, month)].paid = paid
    return totals


def reconciliation(source: Source, *, reasons: dict[str, str] | None = None) -> dict[str, Any]:
    """Compare the source with the database; see the module doc. `reasons`: why customers
    were not imported (by default, from the latest ImportRun)."""
    source_side, confirmations = source_totals(source)
    customers = _imported("customers_v2", "customer")
    codes = dict(Customer.objects.filter(pk__in=customers.values()).values_list("pk", "code"))
    database = database_totals()
    mismatches, not_imported = [], []
    matched = 0
    keys = {(c, m) for c, m in source_side if c in customers}
    pk_to_legacy = {pk: legacy for legacy, pk in customers.items()}
    keys |= {(pk_to_legacy[c], m) for c, m in database if c in pk_to_legacy}
    sums = {k: ZERO for k in ("sq", "nq", "sa", "na", "sp", "np")}
    for customer, month in sorted(keys):
        old = source_side.get((customer, month), Totals())
        new = database.get((customers[customer], month), Totals())
        sums["sq"] += old.quantity
        sums["nq"] += new.quantity
        sums["sa"] += old.amount
        sums["na"] += new.amount
        sums["sp"] += old.paid
        sums["np"] += new.paid
        if (old.quantity, old.amount, old.paid) == (new.quantity, new.amount, new.paid):
            matched += 1
            continue
        causes = []
        if old.quantity != new.quantity:
            causes.append("delivered quantity differs")
        elif old.amount != new.amount:
            causes.append("prices differ")
        if old.paid != new.paid:
            causes.append("payments differ")
        mismatches.append(
            _line(customer, codes.get(customers[customer], ""), month, old, new, "; ".join(causes))
        )
    reasons = _rejection_reasons() if reasons is None else reasons
    by_customer: dict[str, Totals] = defaultdict(Totals)
    for (customer, _month), t in source_side.items():
        if customer not in customers:
            by_customer[customer].paid += t.paid
            by_customer[customer].quantity += t.quantity
    for customer in sorted(set(confirmations) - set(customers)):
        t = by_customer.get(customer, Totals())
        if not (t.paid or t.quantity or confirmations[customer]):
            continue
        cause = reasons.get(customer, "not imported")
        not_imported.append(
            {
                "customer": customer,
                "confirmations": confirmations[customer],
                "source_quantity": str(t.quantity),
                "source_paid": str(t.paid),
                "cause": f"customer not imported: {cause}",
            }
        )
    return {
        "customers": len(customers),
        "months": len(keys),
        "matched": matched,
        "mismatches": mismatches,
        "not_imported": not_imported,
        "source_quantity": str(sums["sq"]),
        "new_quantity": str(sums["nq"]),
        "source_amount": str(sums["sa"]),
        "new_amount": str(sums["na"]),
        "source_paid": str(sums["sp"]),
        "new_paid": str(sums["np"]),
    }


def _line(customer: str, code: str, month: date, old: Totals, new: Totals, cause: str) -> dict:
    return {
        "customer": customer,
        "code": code,
        "month": month.strftime("%Y-%m"),
        "source_quantity": str(old.quantity),
        "new_quantity": str(new.quantity),
        "source_amount": str(old.amount),
        "new_amount": str(new.amount),
        "source_paid": str(old.paid),
        "new_paid": str(new.paid),
        "cause": cause,
    }


def _rejection_reasons() -> dict[str, str]:
    """customers_v2 legacy id → why the latest import rejected it."""
    from legacy_import.models import ImportIssue, ImportRun

    run = ImportRun.objects.order_by("-pk").first()
    if run is None:
        return {}
    return {
        issue.legacy_id: f"{issue.reason} ({issue.detail})" if issue.detail else issue.reason
        for issue in ImportIssue.objects.filter(
            run=run, collection="customers_v2", kind=ImportIssue.Kind.REJECTED
        )
    }
