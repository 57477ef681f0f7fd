"""What happened in the period: one-time orders (every status spelling, app orders carrying
the login's id, voice orders), the delivery boys' confirmations following the lists of
their day (plain, itemised, partial, not delivered; several boys and retries for one day,
the shared link's singular collection, "mark whole area delivered", over-deliveries,
BSON dates, rows for deleted customers and days to come), and payments (float noise,
free-text methods, missing dates, orphans)."""

from __future__ import annotations

import copy
from collections import defaultdict
from datetime import date

from legacy_import.legacy_rule import compute_qty
from legacy_import.tests.legacy_dump.output import bson_date
from legacy_import.tests.legacy_dump.world import ONE_DAY, Customer, World

CRASHES = (KeyError, TypeError, ValueError, OverflowError, AttributeError)
ORDER_STATUSES = [
    ("DELIVERED", 33),
    ("PARTIALLY_DELIVERED", 8),
    ("pending", 20),
    ("OUT_FOR_DELIVERY", 10),
    ("NOT_DELIVERED", 5),
    ("cancelled", 8),
    ("CANCELLED", 4),
    ("delivered", 5),
    ("CONFIRMED", 5),
    ("PENDING", 2),
]


def one_time_orders(w: World) -> None:
    for customer in w.customers:
        if not w.chance(0.12):
            continue
        for _ in range(w.rng.randint(1, 2)):
            _order(w, customer)


def _order(w: World, customer: Customer) -> None:
    day = w.day_in_window()
    status = w.pick(ORDER_STATUSES)
    items = []
    for pid, name, prices in w.rng.sample(w.products[:8], w.rng.randint(1, 2)):
        price = prices.get("default_price") or prices.get("price") or 10.0
        qty = w.rng.randint(1, 3)
        items.append(
            {
                "product_id": pid,
                "product_name": name,
                "quantity": qty,
                "unit": "Packet",
                "price": price,
                "total": qty * price,
            }
        )
    by_login = customer.user_id or customer.legacy_id
    doc = {
        "_id": w.ids.oid(day - ONE_DAY),
        "id": w.ids.uuid("ord") if w.chance(0.3) else w.ids.uuid(),
        "user_id": by_login,
        "customer_id": by_login,
        "order_type": "one_time",
        "subscription_id": None,
        "items": items,
        "total_amount": sum(i["total"] for i in items),
        "delivery_date": day.isoformat(),
        "status": status,
        "created_at": w.iso_js(day - ONE_DAY, 10),
    }
    if status == "CONFIRMED":  # a voice order: no id, a UUID _id, no delivery date
        doc = {
            "_id": w.ids.uuid(),
            "user_id": by_login,
            "customer_id": by_login,
            "order_type": "one-time",
            "source": "voice",
            "status": status,
            "items": [
                {
                    "product_id": i["product_id"],
                    "product_name": i["product_name"],
                    "quantity": i["quantity"],
                    "unit_price": i["price"],
                    "total_price": i["total"],
                }
                for i in items
            ],
            "created_at": w.moment(day - ONE_DAY),
        }
        w.add("orders", doc)
        return
    if status in ("DELIVERED", "PARTIALLY_DELIVERED", "delivered"):
        doc |= {
            "delivery_confirmed": True,
            "delivered_at": w.iso_js(day),
            "delivery_boy_id": customer.boy,
        }
        if status == "PARTIALLY_DELIVERED":
            doc["partial_delivery_items"] = [items[0]["product_name"]]
        if status == "DELIVERED" and w.chance(0.5):
            doc |= {
                "billed": True,
                "billed_month": day.strftime("%Y-%m"),
                "billed_at": w.iso_local(day + 20 * ONE_DAY),
            }
    evidence = None
    if status in ("pending", "OUT_FOR_DELIVERY", "PENDING") and w.chance(0.35):
        evidence = w.pick([("order_id", 2), ("items", 1)])  # delivered: a row says so
    elif status in ("DELIVERED", "delivered") and w.chance(0.5):
        evidence = "order_id"
    w.orders.append({"doc": doc, "customer": customer, "day": day, "evidence": evidence})
    w.add("orders", doc)


def confirmations(w: World) -> None:
    bulk = {(boy, day): w.iso_js(day, 2) for boy in w.boys for day in w.days if w.chance(0.03)}
    orders = defaultdict(list)
    for order in w.orders:
        orders[(id(order["customer"]), order["day"])].append(order)
    seen: list[dict] = []
    for customer in w.customers:
        status = customer.doc["status"].strip().lower()
        served = status in ("active", "trial", "paused", "stopped")
        for day in w.days:
            rows = _day(w, customer, day, served, orders.get((id(customer), day), []))
            if (
                not rows
                and (customer.boy, day) in bulk
                and customer.doc["status"] in ("active", "trial")
            ):
                rows = [_row(w, customer, day, "delivered", at=bulk[(customer.boy, day)])]
            for row in rows:
                _emit(w, row, seen)
    for orphan in w.orphans:
        for day in w.days[::3]:
            _emit(w, _row(w, None, day, "delivered", customer_id=orphan), seen)
    for customer in w.customers[:3]:  # days still to come
        _emit(w, _row(w, customer, date(2026, 12, 5), "delivered"), seen)


def _due(w: World, customer: Customer, day: date, served: bool):
    due, extra = [], []
    if not served or (customer.served_until and day > customer.served_until):
        return due, extra
    for sub in customer.subscriptions:
        product = sub.get("productId") or sub.get("product_id")
        try:
            qty = compute_qty(day.isoformat(), {**sub, "status": "active"})
        except CRASHES:
            qty = 1.0  # the list failed: the boy delivered from memory
        if qty <= 0:
            continue
        until = customer.live_until.get(id(sub))
        if until is None or day <= until:
            due.append((product, qty))
        elif id(sub) in customer.off_list:
            extra.append((product, qty))
    return due, extra


def _day(w: World, customer: Customer, day: date, served: bool, orders: list) -> list[dict]:
    due, extra = _due(w, customer, day, served)
    rows = []
    if due:
        kind = w.pick(
            [("none", 4), ("plain", 82), ("items", 6), ("not", 3), ("partial", 2), ("twice", 3)]
        )
        if kind == "plain":
            rows.append(
                _row(
                    w,
                    customer,
                    day,
                    w.pick([("delivered", 90), ("Delivered", 6), ("DELIVERED", 4)]),
                )
            )
        elif kind == "items":
            rows.append(_itemised(w, customer, day, due))
        elif kind == "not":
            rows.append(_row(w, customer, day, "not_delivered", notes="gate locked"))
        elif kind == "partial":
            rows.append(_row(w, customer, day, "partially_delivered", notes="less"))
        elif kind == "twice":  # a second boy, a retry, or the shared link
            rows.append(_row(w, customer, day, "delivered"))
            if w.chance(0.5):
                rows.append(_row(w, customer, day, "delivered", boy=w.rng.choice(w.boys)))
            else:
                rows.append(_link_row(w, customer, day))
    if extra:
        rows.append(_itemised(w, customer, day, extra, exact=True))
    for order in orders:
        if order["evidence"] == "order_id":
            row = _row(w, customer, day, "delivered")
            row["order_id"] = order["doc"]["id"]
            rows.append(row)
        elif order["evidence"] == "items":
            items = [(i["product_id"], float(i["quantity"])) for i in order["doc"]["items"]]
            rows.append(_itemised(w, customer, day, items, exact=True))
    if rows and w.chance(0.01):
        rows[0]["order_id"] = w.ids.uuid()  # points at no order
    return rows


def _row(
    w: World,
    customer: Customer | None,
    day: date,
    status: str,
    *,
    at: str | None = None,
    notes: str | None = None,
    boy: str | None = None,
    customer_id: str | None = None,
) -> dict:
    new_era = day >= w.first + (w.last - w.first) / 2  # the audit fields went live mid-way
    boy = boy or (customer.boy if customer else w.boys[0])
    row = {
        "_id": w.ids.oid(day),
        "id": w.ids.uuid(),
        "customer_id": customer_id or customer.legacy_id,
        "delivery_date": day.isoformat()
        if not w.chance(0.01)
        else bson_date(day - ONE_DAY, 18, 30),
        "delivery_boy_id": boy,
        "status": status,
        "delivered_at": at or w.iso_js(day),
        "notes": notes,
        "created_at": w.iso_local(day),
        "order_id": None,
    }
    if new_era:
        row |= {
            "confirmation_method": "delivery_boy",
            "confirmed_by_user_id": boy,
            "confirmed_by_name": "Unknown",
            "confirmed_at": w.iso_local(day, 2),
        }
    else:
        row |= {
            "confirmation_method": None,
            "confirmed_by_user_id": None,
            "audit_migrated_at": w.iso_local(w.first),
        }
    return row


def _itemised(w: World, customer: Customer, day: date, due, *, exact: bool = False) -> dict:
    items, short = [], False
    names = {pid: name for pid, name, _p in w.products}
    for product, qty in due:
        delivered = qty
        if not exact:
            delivered = w.pick([(qty, 80), (max(qty - 0.5, 0), 12), (qty + 0.5, 8)])
        short = short or delivered < qty
        item = {
            "product_id": product,
            "product_name": names.get(product, "Old product"),
            "ordered_qty": qty,
            "delivered_qty": delivered,
            "status": "full" if delivered >= qty else "partial",
        }
        if w.chance(0.2) and product in names:
            del item["product_id"]  # named only
        items.append(item)
    status = "partially_delivered" if short else "delivered"
    row = _row(w, customer, day, status)
    row["items"] = items
    return row


def _link_row(w: World, customer: Customer, day: date) -> dict:
    """The shared link's singular collection: no id, the link's date."""
    return {
        "_id": w.ids.oid(day),
        "customer_id": customer.legacy_id,
        "delivery_date": day.isoformat(),
        "order_id": None,
        "status": "delivered",
        "delivered_at": w.iso_js(day, 3),
        "updated_at": w.iso_local(day, 3),
        "_collection": "delivery_status",
    }


def _emit(w: World, row: dict, seen: list[dict]) -> None:
    collection = row.pop("_collection", "delivery_statuses")
    if collection == "delivery_statuses" and seen and w.chance(0.002):
        row["id"] = w.rng.choice(seen)["id"]  # another row, the same id
    w.add(collection, row)
    if collection == "delivery_statuses":
        seen.append(row)
        if w.chance(0.002):  # the same row written twice
            again = copy.deepcopy(row)
            again["_id"] = w.ids.oid(w.first)
            w.add(collection, again)


def payments(w: World) -> None:
    months = sorted({day.replace(day=1) for day in w.days})
    methods = [
        ("Cash", 50),
        ("UPI", 25),
        ("QR", 10),
        ("cash", 5),
        ("GPay", 4),
        ("Bank Transfer", 3),
        ("cheque", 2),
        ("barter", 1),
    ]
    for customer in w.customers + [None] * 3:
        for month in months:
            if not w.chance(0.65):
                continue
            paid = min(month + w.rng.randint(25, 40) * ONE_DAY, w.last)
            amount = round(w.rng.uniform(200, 3000), 0) - 0.0000001
            doc = {
                "_id": w.ids.oid(paid),
                "id": w.ids.uuid(),
                "customer_id": customer.legacy_id if customer else w.rng.choice(w.orphans),
                "month": month.strftime("%Y-%m"),
                "amount": amount,
                "payment_date": paid.isoformat(),
                "payment_method": w.pick(methods),
                "notes": None,
                "created_at": w.iso_local(paid),
                "created_by": w.admin,
            }
            if w.chance(0.03):
                del doc["payment_date"]  # the day it was recorded is all there is
            if w.chance(0.01):
                doc["amount"] = w.rng.choice([0.0, -100.0])
            w.add("payment_transactions", doc)
            if w.chance(0.005):
                again = copy.deepcopy(doc)
                again["_id"] = w.ids.oid(paid + ONE_DAY)
                w.add("payment_transactions", again)
