"""(a) What the old system's own rules deliver and bill, per person and month (COLLECTIONS.md
§5, §7), straight from the source documents: for each customer whose status is exactly
active or trial, each subscription whose status is exactly "active" (matched by
`customerId` or `customer_id`) and whose snake-case `product_id` is a product, the sum of
`compute_qty` over the month's days, at the customer's `custom_product_prices` (when the
key exists) else the product's `default_price` (missing ⇒ 0; null ⇒ the screen failed);
plus the one-time orders with status exactly DELIVERED and `delivery_confirmed`, whose
`customer_id` is the customer's id, at Σ item quantity × price, in the month they were
billed (else of their delivery date). This is the schedule, not what was delivered: it
is shown beside the rest, never required to match.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from legacy_import.importer.base import money, month_of, number
from legacy_import.legacy_rule import compute_qty
from legacy_import.reconcile.documents import SourceData

ZERO = Decimal(0)
CRASHES = (KeyError, TypeError, ValueError, OverflowError, AttributeError)


@dataclass
class OldBill:
    quantity: Decimal = ZERO
    amount: Decimal = ZERO
    failed: set[str] = field(default_factory=set)


def months_between(first: date, last: date) -> list[date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def old_engine(data: SourceData, months: list[date]) -> dict[tuple[Any, date], OldBill]:
    bills: dict[tuple[Any, date], OldBill] = defaultdict(OldBill)
    listed = {
        key: doc for key, doc in data.customers.items() if doc.get("status") in ("active", "trial")
    }
    by_customer: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for subs in data.subscriptions.values():
        for _key, doc, _product in subs:
            if doc.get("status") != "active" or doc.get("product_id") not in data.products:
                continue
            for customer in {doc.get("customerId"), doc.get("customer_id")}:
                if isinstance(customer, str) and customer in listed:
                    by_customer[customer].append(doc)
    for customer, docs in by_customer.items():
        person = data.person[customer]
        custom = listed[customer].get("custom_product_prices")
        custom = custom if isinstance(custom, dict) else {}
        for month in months:
            bill = bills[(person, month)]
            days = calendar.monthrange(month.year, month.month)[1]
            for doc in docs:
                product = doc["product_id"]
                if product in custom:
                    price = number(custom[product]) or ZERO
                else:
                    price = data.products[product].old_price
                    if price is None:
                        bill.failed.add(f"product {product} has default_price null")
                        continue
                try:
                    qty = sum(
                        compute_qty((month + timedelta(days=n)).isoformat(), doc)
                        for n in range(days)
                    )
                except CRASHES:
                    bill.failed.add(f"the old engine raises on subscription {doc.get('id')}")
                    continue
                qty = Decimal(str(qty))
                bill.quantity += qty
                bill.amount += (qty * price).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    wanted = set(months)
    for order in data.one_time.values():
        doc = order.doc
        if doc.get("status") != "DELIVERED" or doc.get("delivery_confirmed") is not True:
            continue
        if order.customer not in listed:
            continue
        month = (month_of(doc.get("billed_month")) if doc.get("billed") is True else None) or (
            order.day.replace(day=1)
        )
        if month not in wanted:
            continue
        bill = bills[(data.person[order.customer], month)]
        for item in doc.get("items") or []:
            if isinstance(item, dict):
                qty, price = number(item.get("quantity")), money(item.get("price"))
                bill.quantity += qty or ZERO
                bill.amount += ((qty or ZERO) * (price or ZERO)).quantize(Decimal("0.01"))
    return bills
