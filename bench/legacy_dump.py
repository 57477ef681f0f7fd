"""A synthetic legacy dump shaped like ../shared/legacy-sample/, for bench/import_legacy.py:
a mongoexport folder (one Extended JSON document per line) of N customers with their logins
(every linking path), subscriptions of every mode, one-time orders, daily confirmations
(with duplicates, area-wide rows, BSON dates, the singular shared-link collection),
payments and requests."""

import datetime as dt
import json
import random
import uuid
from pathlib import Path

FIRST_DAY = dt.date(2026, 1, 1)
PRODUCTS = [
    ("Full Cream Milk", "Liter", 66.0),
    ("Toned Milk", "Liter", 56.0),
    ("Buffalo Milk", "Liter", 80.0000001),
    ("A2 Cow Milk", "L", 95.0),
    ("Curd 500g", "Packet", 35.0),
    ("Paneer 200g", "Packet", 90.0),
    ("Cow Ghee 500ml", "Jar", 360.0),
    ("20L Water Tin", "Tin", 49.999999),
]
BCRYPT_CHARS = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def oid(rng: random.Random, day: dt.date) -> dict:
    seconds = int(dt.datetime.combine(day, dt.time(6)).timestamp())
    return {"$oid": f"{seconds:08x}{rng.getrandbits(64):016x}"}


def uid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def generate(folder: Path, customers: int, days: int, seed: int = 7) -> int:
    """Write the dump; returns the number of documents."""
    rng = random.Random(seed)
    out = {}
    count = 0

    def emit(collection: str, doc: dict) -> None:
        nonlocal count
        if collection not in out:
            out[collection] = open(folder / f"{collection}.json", "w")  # noqa: SIM115
        out[collection].write(json.dumps(doc, separators=(",", ":")) + "\n")
        count += 1

    dates = [FIRST_DAY + dt.timedelta(days=n) for n in range(days)]
    product_ids = []
    for name, unit, price in PRODUCTS:
        pid = uid(rng)
        product_ids.append((pid, price))
        emit(
            "products",
            {
                "_id": oid(rng, FIRST_DAY),
                "id": pid,
                "name": name,
                "unit": unit,
                "default_price": price,
                "price": price,
            },
        )
    boys = [uid(rng) for _ in range(max(2, customers // 70))]
    areas = [f"Hyderabad - Area {n}" for n in range(20)]
    for n, area in enumerate(areas):
        emit(
            "areas_v2",
            {
                "_id": oid(rng, FIRST_DAY),
                "id": uid(rng),
                "main_area": "Hyderabad",
                "sub_area": f"Area {n}",
                "full_name": area,
                "delivery_boy_ids": [boys[n % len(boys)]],
            },
        )
    emit(
        "users",
        {
            "_id": oid(rng, FIRST_DAY),
            "id": "admin-001",
            "email": "admin@earlybird.com",
            "role": "admin",
            "name": "Admin",
            "password_hash": fake_bcrypt(rng),
        },
    )
    for n, boy in enumerate(boys):
        emit(
            "users",
            {
                "_id": oid(rng, FIRST_DAY),
                "id": boy,
                "email": f"boy{n}@earlybird.com",
                "role": "delivery_boy",
                "name": f"Boy {n}",
                "phone": None,
                "password_hash": fake_bcrypt(rng),
            },
        )
        emit(
            "delivery_boys_v2",
            {
                "_id": oid(rng, FIRST_DAY),
                "id": boy,
                "name": f"Boy {n}",
                "assigned_areas": [areas[n % 20]],
            },
        )
    for c in range(customers):
        cid = uid(rng)
        phone = f"{rng.choice('6789')}{c:09d}"
        if c > 10 and rng.random() < 0.01:  # the same household entered twice
            phone = f"{rng.choice('6789')}{c - 1:09d}"
        shown = rng.choice(
            [phone, phone, phone, phone + ".0", "+91 " + phone[:5] + " " + phone[5:]]
        )
        status = rng.choices(["active", "trial", "paused", "stopped"], [85, 7, 5, 3])[0]
        boy = boys[c % len(boys)]
        path = rng.choices(["admin", "excel", "dashboard", "none"], [50, 30, 15, 5])[0]
        user_id = cid if path == "excel" else uid(rng)
        customer = {
            "_id": oid(rng, FIRST_DAY),
            "id": cid,
            "name": f"Customer {c}",
            "phone": shown,
            "address": f"Flat {c}",
            "area": areas[c % 20],
            "status": status,
            "delivery_boy_id": boy,
            "user_id": user_id if path == "admin" else None,
        }
        if rng.random() < 0.2:
            customer["custom_product_prices"] = {product_ids[0][0]: 60.0}
        if rng.random() < 0.3:
            customer["previous_balance"] = float(rng.randrange(0, 3000))
        emit("customers_v2", customer)
        if path != "none":
            user = {
                "_id": oid(rng, FIRST_DAY),
                "id": user_id,
                "role": "customer",
                "name": f"Customer {c}",
                "phone": phone,
                "is_active": True,
                "email": f"customer-{cid}@earlybird.local"
                if path != "excel"
                else f"{phone}@customer.earlybird.com",
                "customer_v2_id": cid if path == "admin" else None,
            }
            if rng.random() < 0.05:
                user["password_hash"] = f"{rng.getrandbits(256):064x}"
            else:
                user["password_hash"] = fake_bcrypt(rng)
            emit("users", user)
        subs = []
        for _ in range(2 if rng.random() < 0.15 else 1):
            sub = subscription(rng, cid, product_ids, dates)
            subs.append(sub)
            emit("subscriptions_v2", sub)
        for day in dates:
            confirmations(rng, emit, cid, boy, day, status, subs)
        if rng.random() < 0.1:
            day = rng.choice(dates)
            pid, price = rng.choice(product_ids[4:])
            emit(
                "orders",
                {
                    "_id": oid(rng, day),
                    "id": uid(rng),
                    "user_id": user_id,
                    "customer_id": user_id if path != "none" else cid,
                    "order_type": "one_time",
                    "delivery_date": day.isoformat(),
                    "status": "DELIVERED",
                    "delivery_confirmed": True,
                    "delivered_at": f"{day.isoformat()}T01:10:00.000Z",
                    "items": [{"product_id": pid, "quantity": 2, "price": price}],
                },
            )
        for month in sorted({d.replace(day=1) for d in dates}):
            if rng.random() < 0.8:
                paid = month + dt.timedelta(days=rng.randrange(28))
                emit(
                    "payment_transactions",
                    {
                        "_id": oid(rng, paid),
                        "id": uid(rng),
                        "customer_id": cid,
                        "month": month.strftime("%Y-%m"),
                        "amount": float(rng.randrange(500, 3000)),
                        "payment_date": paid.isoformat(),
                        "payment_method": rng.choice(["Cash", "UPI", "qr"]),
                        "created_at": f"{paid.isoformat()}T10:00:00.000000",
                        "created_by": "admin-001",
                    },
                )
        if rng.random() < 0.02:
            emit(
                "pause_requests",
                {
                    "_id": oid(rng, FIRST_DAY),
                    "customer_id": cid,
                    "reason": "Travelling",
                    "requested_via": "shared_link",
                    "status": "pending",
                    "requested_at": "2026-01-10T00:30:00.000000",
                },
            )
    for stream in out.values():
        stream.close()
    return count


def fake_bcrypt(rng: random.Random) -> str:
    return "$2b$12$" + "".join(rng.choice(BCRYPT_CHARS) for _ in range(53))


def subscription(rng: random.Random, customer: str, products, dates) -> dict:
    pid, _price = rng.choice(products[:5])
    mode = rng.choices(
        ["fixed_daily", "weekly_pattern", "irregular", "day_by_day", "one_time"], [70, 15, 5, 5, 5]
    )[0]
    sub = {
        "_id": oid(rng, FIRST_DAY),
        "id": uid(rng),
        "mode": mode,
        "default_qty": rng.choice([0.5, 1.0, 1.5, 2.0]),
        "shift": "morning",
        "status": rng.choices(["active", "draft", "stopped"], [90, 5, 5])[0],
        "auto_start": True,
        "day_overrides": [],
        "irregular_list": [],
        "pause_intervals": [],
        "stop_date": None,
        "weekly_pattern": None,
    }
    if rng.random() < 0.1:
        sub["customerId"], sub["productId"] = customer, pid
    else:
        sub["customer_id"], sub["product_id"] = customer, pid
    if mode == "weekly_pattern":
        sub["weekly_pattern"] = sorted(rng.sample(range(7), 3))
    if mode in ("irregular", "day_by_day"):
        key = "irregular_list" if mode == "irregular" else "day_overrides"
        sub[key] = [
            {"date": d.isoformat(), "quantity": 1.0} for d in rng.sample(dates, min(8, len(dates)))
        ]
    if mode == "one_time":
        start = rng.choice(dates)
        sub.update(quantity=2.0, startDate=start.isoformat(), endDate=start.isoformat())
    if rng.random() < 0.1:
        start = rng.choice(dates)
        sub["pause_intervals"] = [
            {"start": start.isoformat(), "end": (start + dt.timedelta(days=5)).isoformat()}
        ]
    return sub


def confirmations(rng, emit, customer, boy, day, status, subs) -> None:
    if status not in ("active", "trial"):
        return
    from legacy_import.legacy_rule import compute_qty

    due = [s for s in subs if s.get("status") == "active" and compute_qty(day.isoformat(), s) > 0]
    if not due and rng.random() > 0.3:
        return  # an area-wide "mark delivered" row now and then on days with nothing due
    status_word = rng.choices(
        ["delivered", "Delivered", "not_delivered", "partially_delivered"], [90, 5, 3, 2]
    )[0]
    when = f"{day.isoformat()}T01:{rng.randrange(60):02d}:00.000Z"
    row = {
        "_id": oid(rng, day),
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "customer_id": customer,
        "delivery_boy_id": boy,
        "status": status_word,
        "delivery_date": day.isoformat()
        if rng.random() > 0.03
        else {"$date": f"{day.isoformat()}T00:00:00Z"},
        "delivered_at": when,
        "created_at": f"{day.isoformat()}T06:{rng.randrange(60):02d}:00.000000",
        "order_id": None,
    }
    if status_word == "partially_delivered" and due:
        sub = due[0]
        row["items"] = [
            {
                "product_id": sub.get("product_id") or sub.get("productId"),
                "ordered_qty": sub["default_qty"],
                "delivered_qty": sub["default_qty"] / 2,
                "status": "partial",
            }
        ]
    emit("delivery_statuses", row)
    if rng.random() < 0.02:  # a second boy, or a retry
        emit("delivery_statuses", {**row, "_id": oid(rng, day), "id": str(uuid.uuid4())})
    if rng.random() < 0.01:
        emit(
            "delivery_status",
            {
                "_id": oid(rng, day),
                "customer_id": customer,
                "delivery_date": day.isoformat(),
                "status": "delivered",
                "delivered_at": when,
                "updated_at": when,
            },
        )
