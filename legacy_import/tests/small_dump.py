"""Small hand-made dumps for the cut-over rules: a catalogue, a delivery boy, and whatever
customers, subscriptions, orders, confirmations and payments a test gives; written as
mongoexport JSON and imported."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from legacy_import.services import import_legacy
from legacy_import.sources import open_source
from legacy_import.tests.legacy_dump.output import write

D = dt.date
PRODUCTS = [
    {"id": "p-toned", "name": "Toned Milk", "unit": "Liter", "default_price": 55.999999},
    {"id": "p-curd", "name": "Curd 500g", "unit": "Packet", "default_price": 35.0},
    {"id": "p-paneer", "name": "Paneer 200g", "unit": "Packet", "default_price": 90.0},
    {"id": "p-ghee", "name": "Cow Ghee", "unit": "Jar", "default_price": 360.0},
    {"id": "prd_bread", "name": "Brown Bread", "unit": "Packet", "price": 45.0},
    {
        "id": "p-tin",
        "name": "20L Water Tin",
        "unit": "Tin",
        "default_price": None,
        "price": 49.999999,
    },
    {"id": "p-free", "name": "Sample Sachet", "unit": "Packet"},
]
BOY = "boy-1"


def customer(cid: str, phone: str, status: str = "active", **extra) -> dict[str, Any]:
    return {
        "id": cid,
        "name": f"Customer {cid}",
        "phone": phone,
        "status": status,
        "delivery_boy_id": BOY,
        "area": "Hyderabad - Miyapur",
        **extra,
    }


def subscription(
    sid: str,
    cid: str,
    product: str = "p-toned",
    qty: float = 1.0,
    status: str | None = "active",
    **extra,
) -> dict[str, Any]:
    doc = {
        "id": sid,
        "customer_id": cid,
        "product_id": product,
        "mode": "fixed_daily",
        "default_qty": qty,
        "auto_start": True,
        **extra,
    }
    if status is not None:
        doc["status"] = status
    return doc


def row(
    rid: str, cid: str, day: D, status: str = "delivered", items=None, **extra
) -> dict[str, Any]:
    doc = {
        "id": rid,
        "customer_id": cid,
        "delivery_date": day.isoformat(),
        "delivery_boy_id": BOY,
        "status": status,
        **extra,
    }
    if items is not None:
        doc["items"] = [
            {"product_id": product, "delivered_qty": qty, "ordered_qty": qty}
            for product, qty in items
        ]
    return doc


def order(oid: str, cid: str, day: D, status: str, items, **extra) -> dict[str, Any]:
    return {
        "id": oid,
        "customer_id": cid,
        "user_id": cid,
        "order_type": "one_time",
        "delivery_date": day.isoformat(),
        "status": status,
        "items": [{"product_id": p, "quantity": q, "price": price} for p, q, price in items],
        **extra,
    }


def collections(**given: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    base: dict[str, list[dict[str, Any]]] = {
        "products": [dict(p) for p in PRODUCTS],
        "users": [
            {
                "id": BOY,
                "email": "ramu@earlybird.com",
                "role": "delivery_boy",
                "name": "Ramu",
                "password_hash": "$2b$12$" + "a" * 53,
            }
        ],
        "delivery_boys_v2": [{"id": BOY, "name": "Ramu"}],
    }
    for name, docs in given.items():
        base[name] = base.get(name, []) + docs
    for docs in base.values():
        for n, doc in enumerate(docs):
            doc.setdefault("_id", f"{n + 1:024x}")
    return base


def run(folder: Path, data: dict[str, list[dict[str, Any]]], **options):
    """Write `data` (once) and import it; returns the report."""
    if not folder.exists():
        write(data, folder)
    options.setdefault("today", D(2026, 11, 18))
    return import_legacy(open_source(folder), **options)


def issues(report, reason: str, collection: str | None = None) -> list:
    return [
        issue
        for name, _kind, issue in report.issues()
        if issue.reason == reason and (collection is None or name == collection)
    ]
