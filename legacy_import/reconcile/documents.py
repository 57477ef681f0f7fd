"""The source documents the reconciliation reads, straight from the dump — not from what
the import made of them. Only identity comes from the import's legacy-id map: which new
customer (person) a legacy customer became, and which customer a one-time order placed
through a login was for. Documents are keyed as the import keys them (keys.py: a true
duplicate counts once, a different document with the same id is a document of its own).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import F

from legacy_import.importer.base import (
    business_date,
    legacy_id_of,
    money,
    quantity,
    text,
    timestamp,
)
from legacy_import.importer.confirm_rule import normalise_status
from legacy_import.importer.confirmations.staging import item_quantity, items_of
from legacy_import.importer.keys import keyed
from legacy_import.legacy_rule import customer_id_of, product_id_of
from legacy_import.models import LegacyRecord
from legacy_import.sources import BadDocument, Source
from legacy_import.translate import business_date_of_bson
from orders.models import Order

ZERO = Decimal(0)


@dataclass
class Product:
    name: str
    price: Decimal  # rule 5: default_price, else price, else 0
    old_price: Decimal | None  # what the old monthly bill read (§7.4); None = null (crash)


@dataclass
class OneTime:
    key: str
    person: Any
    owner: str  # the legacy customer whose order it was
    customer: str  # the customer_id the document names (§7.5 matches on it)
    day: date
    raw_status: str
    status: str | None  # normalised
    lines: dict[str, tuple[Decimal, Decimal | None]]  # product → (quantity, item price)
    partial: frozenset[str]
    doc: dict[str, Any]


@dataclass
class Confirmation:
    collection: str
    key: str
    status: str | None
    items: dict[str, Decimal] | None  # product (id, or name when no id) → quantity
    order_ref: str | None


@dataclass
class SourceData:
    today: date
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)  # key → document
    person: dict[str, Any] = field(default_factory=dict)  # key → Customer pk (or the key)
    products: dict[str, Product] = field(default_factory=dict)
    product_by_name: dict[str, str] = field(default_factory=dict)
    # Keyed by the legacy customer (several may be one person, rule 7: each kept its own).
    subscriptions: dict[str, list[tuple[str, dict[str, Any], str]]] = field(
        default_factory=lambda: defaultdict(list)
    )  # customer → (key, document, product)
    one_time: dict[str, OneTime] = field(default_factory=dict)
    one_time_by_day: dict[tuple[str, date], list[OneTime]] = field(
        default_factory=lambda: defaultdict(list)
    )
    rows: dict[tuple[str, date], list[Confirmation]] = field(
        default_factory=lambda: defaultdict(list)
    )
    references: dict[str, list[Confirmation]] = field(default_factory=lambda: defaultdict(list))
    row_count: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    payments: list[tuple[Any, str, date, Decimal]] = field(default_factory=list)

    def person_of(self, customer: Any) -> Any:
        return self.person.get(customer) if isinstance(customer, str) else None


def _reopen(source: Source, collection: str):
    def reopen():
        if collection not in source.collections():
            return iter(())
        return (d for d in source.documents(collection) if not isinstance(d, BadDocument))

    return reopen


def _imported(collection: str, model: str) -> dict[str, int]:
    return dict(
        LegacyRecord.objects.filter(collection=collection, content_type__model=model).values_list(
            "legacy_id", "object_id"
        )
    )


def load(source: Source, *, today: date) -> SourceData:
    data = SourceData(today=today)
    customers_db = _imported("customers_v2", "customer")
    for key, doc in keyed(_reopen(source, "customers_v2")):
        data.customers[key] = doc
        data.person[key] = customers_db.get(key, key)
    for key, doc in keyed(_reopen(source, "products")):
        default, plain = money(doc.get("default_price")), money(doc.get("price"))
        price = next((p for p in (default, plain) if p is not None and p > 0), ZERO)
        old = ZERO if "default_price" not in doc else default if default is not None else None
        data.products[key] = Product(text(doc.get("name")), price, old)
        data.product_by_name.setdefault(text(doc.get("name")).lower(), key)
    for key, doc in keyed(_reopen(source, "subscriptions_v2")):
        owner, product = customer_id_of(doc), product_id_of(doc)
        known = isinstance(product, str) and product in data.products
        if data.person_of(owner) is not None and known:
            data.subscriptions[owner].append((key, doc, product))
    _load_orders(source, data)
    _load_rows(source, data)
    for _key, doc in keyed(_reopen(source, "payment_transactions")):
        person = data.person_of(doc.get("customer_id"))
        amount = money(doc.get("amount"))
        paid_on = business_date(doc.get("payment_date"))
        if paid_on is None and (created := timestamp(doc.get("created_at"))) is not None:
            paid_on = business_date_of_bson(created)
        if person is not None and amount is not None and amount > 0 and paid_on is not None:
            data.payments.append((person, doc["customer_id"], paid_on, amount))
    return data


def _load_orders(source: Source, data: SourceData) -> None:
    order_person = dict(
        Order.objects.filter(
            pk__in=_imported("orders", "order").values(), kind=Order.Kind.ONE_TIME
        ).values_list("pk", F("customer_id"))
    )
    orders_db = {k: order_person.get(pk) for k, pk in _imported("orders", "order").items()}
    keys_of: dict[Any, list[str]] = defaultdict(list)
    for key, person in data.person.items():
        keys_of[person].append(key)
    for key, doc in keyed(_reopen(source, "orders")):
        person = orders_db.get(key) or data.person_of(text(doc.get("customer_id")))
        owner = _owner(data, doc, keys_of.get(person, []))
        day = business_date(doc.get("delivery_date"))
        raw = text(doc.get("status"))
        if person is None or day is None or raw.lower() == "cancelled":
            continue
        lines: dict[str, tuple[Decimal, Decimal | None]] = {}
        for item in doc.get("items") or []:
            product = text(item.get("product_id")) if isinstance(item, dict) else ""
            qty = quantity(item.get("quantity")) if product in data.products else None
            if qty is None or qty <= 0:
                continue
            price = money(item.get("price", item.get("unit_price")))
            price = price if price is not None and price > 0 else None
            before = lines.get(product)
            lines[product] = (qty + before[0], before[1] or price) if before else (qty, price)
        if not lines:
            continue
        order = OneTime(
            key=key,
            person=person,
            owner=owner,
            customer=text(doc.get("customer_id")),
            day=day,
            raw_status=raw,
            status=normalise_status(raw),
            lines=lines,
            partial=frozenset(text(p).lower() for p in doc.get("partial_delivery_items") or []),
            doc=doc,
        )
        data.one_time[key] = order
        data.one_time_by_day[(owner, day)].append(order)


def _owner(data: SourceData, doc: dict[str, Any], keys: list[str]) -> str:
    """The legacy customer an order was for: its customer_id if that is a customer, else
    the one of that person whose login placed it (user_id, or the same id, §9.2)."""
    for login in (text(doc.get("customer_id")), text(doc.get("user_id"))):
        if login in data.customers:
            return login
        for key in keys:
            if data.customers[key].get("user_id") == login:
                return key
    return keys[0] if keys else text(doc.get("customer_id"))


def _load_rows(source: Source, data: SourceData) -> None:
    for collection in ("delivery_statuses", "delivery_status"):
        if collection not in source.collections():
            continue
        for doc in source.documents(collection):
            if isinstance(doc, BadDocument) or legacy_id_of(doc) is None:
                continue
            customer = doc.get("customer_id")
            day = business_date(doc.get("delivery_date"))
            if data.person_of(customer) is None or day is None:
                continue
            data.row_count[customer] += 1
            if day > data.today:
                continue
            items = None
            if (found := items_of(doc)) is not None:
                items = {}
                for item in found:
                    product = text(item.get("product_id")) or None
                    if product is None:
                        name = text(item.get("product_name")).lower()
                        product = data.product_by_name.get(name, f"name:{name}")
                    qty = item_quantity(item)
                    if qty is not None:
                        items[product] = items.get(product, ZERO) + max(qty, ZERO)
            row = Confirmation(
                collection,
                legacy_id_of(doc),
                normalise_status(doc.get("status")),
                items,
                text(doc.get("order_id")) or None,
            )
            data.rows[(customer, day)].append(row)
            if row.order_ref:
                data.references[row.order_ref].append(row)
