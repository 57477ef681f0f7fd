"""Benchmark: import a large legacy dump shaped like ../shared/legacy-sample/.

    .venv/bin/python bench/import_legacy.py [--customers 5000] [--days 30] [--keep DIR]

Writes a mongoexport folder (one Extended JSON document per line) of N customers with
their logins (every linking path), subscriptions of every mode, one-time orders, daily
confirmations for `days` days (with duplicates, area-wide rows, BSON dates, the singular
shared-link collection), payments and requests, into a temporary folder; imports it into a
database of its own (earlybird_bench_import), then runs the import again (idempotent),
then the reconciliation, and prints seconds, documents per second and peak memory of each,
beside the time PostgreSQL's COPY takes to load the same number of delivery rows.
The issue's scale is --customers 10000 --days 90 (about a million delivery documents).
"""

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import peak_rss_mb, setup_django

FIRST_DAY = dt.date(2026, 1, 1)
PRODUCTS = [
    ("Full Cream Milk", "Liter", 66.0), ("Toned Milk", "Liter", 56.0),
    ("Buffalo Milk", "Liter", 80.0000001), ("A2 Cow Milk", "L", 95.0),
    ("Curd 500g", "Packet", 35.0), ("Paneer 200g", "Packet", 90.0),
    ("Cow Ghee 500ml", "Jar", 360.0), ("20L Water Tin", "Tin", 49.999999),
]  # fmt: skip
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
        emit("products", {"_id": oid(rng, FIRST_DAY), "id": pid, "name": name, "unit": unit,
                          "default_price": price, "price": price})  # fmt: skip
    boys = [uid(rng) for _ in range(max(2, customers // 70))]
    areas = [f"Hyderabad - Area {n}" for n in range(20)]
    for n, area in enumerate(areas):
        emit("areas_v2", {"_id": oid(rng, FIRST_DAY), "id": uid(rng), "main_area": "Hyderabad",
                          "sub_area": f"Area {n}", "full_name": area,
                          "delivery_boy_ids": [boys[n % len(boys)]]})  # fmt: skip
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
        emit("users", {"_id": oid(rng, FIRST_DAY), "id": boy, "email": f"boy{n}@earlybird.com",
                       "role": "delivery_boy", "name": f"Boy {n}", "phone": None,
                       "password_hash": fake_bcrypt(rng)})  # fmt: skip
        emit("delivery_boys_v2", {"_id": oid(rng, FIRST_DAY), "id": boy, "name": f"Boy {n}",
                                  "assigned_areas": [areas[n % 20]]})  # fmt: skip
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
        customer = {"_id": oid(rng, FIRST_DAY), "id": cid, "name": f"Customer {c}",
                    "phone": shown, "address": f"Flat {c}", "area": areas[c % 20],
                    "status": status, "delivery_boy_id": boy,
                    "user_id": user_id if path == "admin" else None}  # fmt: skip
        if rng.random() < 0.2:
            customer["custom_product_prices"] = {product_ids[0][0]: 60.0}
        if rng.random() < 0.3:
            customer["previous_balance"] = float(rng.randrange(0, 3000))
        emit("customers_v2", customer)
        if path != "none":
            user = {"_id": oid(rng, FIRST_DAY), "id": user_id, "role": "customer",
                    "name": f"Customer {c}", "phone": phone, "is_active": True,
                    "email": f"customer-{cid}@earlybird.local" if path != "excel"
                    else f"{phone}@customer.earlybird.com",
                    "customer_v2_id": cid if path == "admin" else None}  # fmt: skip
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
            emit("orders", {"_id": oid(rng, day), "id": uid(rng), "user_id": user_id,
                            "customer_id": user_id if path != "none" else cid,
                            "order_type": "one_time", "delivery_date": day.isoformat(),
                            "status": "DELIVERED", "delivery_confirmed": True,
                            "delivered_at": f"{day.isoformat()}T01:10:00.000Z",
                            "items": [{"product_id": pid, "quantity": 2, "price": price}]})  # fmt: skip
        for month in sorted({d.replace(day=1) for d in dates}):
            if rng.random() < 0.8:
                paid = month + dt.timedelta(days=rng.randrange(28))
                emit("payment_transactions", {
                    "_id": oid(rng, paid), "id": uid(rng), "customer_id": cid,
                    "month": month.strftime("%Y-%m"), "amount": float(rng.randrange(500, 3000)),
                    "payment_date": paid.isoformat(), "payment_method": rng.choice(["Cash", "UPI", "qr"]),
                    "created_at": f"{paid.isoformat()}T10:00:00.000000", "created_by": "admin-001",
                })  # fmt: skip
        if rng.random() < 0.02:
            emit("pause_requests", {"_id": oid(rng, FIRST_DAY), "customer_id": cid,
                                    "reason": "Travelling", "requested_via": "shared_link",
                                    "status": "pending",
                                    "requested_at": "2026-01-10T00:30:00.000000"})  # fmt: skip
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
    sub = {"_id": oid(rng, FIRST_DAY), "id": uid(rng), "mode": mode,
           "default_qty": rng.choice([0.5, 1.0, 1.5, 2.0]), "shift": "morning",
           "status": rng.choices(["active", "draft", "stopped"], [90, 5, 5])[0],
           "auto_start": True, "day_overrides": [], "irregular_list": [], "pause_intervals": [],
           "stop_date": None, "weekly_pattern": None}  # fmt: skip
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
    status_word = rng.choices(["delivered", "Delivered", "not_delivered", "partially_delivered"],
                              [90, 5, 3, 2])[0]  # fmt: skip
    when = f"{day.isoformat()}T01:{rng.randrange(60):02d}:00.000Z"
    row = {"_id": oid(rng, day), "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
           "customer_id": customer, "delivery_boy_id": boy, "status": status_word,
           "delivery_date": day.isoformat() if rng.random() > 0.03
           else {"$date": f"{day.isoformat()}T00:00:00Z"},
           "delivered_at": when, "created_at": f"{day.isoformat()}T06:{rng.randrange(60):02d}:00.000000",
           "order_id": None}  # fmt: skip
    if status_word == "partially_delivered" and due:
        sub = due[0]
        row["items"] = [{"product_id": sub.get("product_id") or sub.get("productId"),
                         "ordered_qty": sub["default_qty"], "delivered_qty": sub["default_qty"] / 2,
                         "status": "partial"}]  # fmt: skip
    emit("delivery_statuses", row)
    if rng.random() < 0.02:  # a second boy, or a retry
        emit("delivery_statuses", {**row, "_id": oid(rng, day), "id": str(uuid.uuid4())})
    if rng.random() < 0.01:
        emit("delivery_status", {"_id": oid(rng, day), "customer_id": customer,
                                 "delivery_date": day.isoformat(), "status": "delivered",
                                 "delivered_at": when, "updated_at": when})  # fmt: skip


def copy_floor(rows: int) -> float:
    """Seconds for PostgreSQL's COPY to load `rows` delivery rows (into a copy of the table)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_copy")
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_copy (LIKE deliveries_delivery INCLUDING DEFAULTS"
            " INCLUDING INDEXES)"
        )
        start = time.perf_counter()
        with cursor.cursor.copy(
            "COPY bench_copy (id, code, order_id, order_line_id, product_id, customer_id, date,"
            " shift, ordered_qty, delivered_qty, unit_price, status, reason, reason_note,"
            " confirmed_by_name, confirmed_via, confirmed_at, confirmed_user_agent, created_at,"
            " updated_at) FROM STDIN"
        ) as copy:
            now = dt.datetime.now(dt.UTC)
            for n in range(rows):
                copy.write_row((n, f"DL-20260101-{n:07d}", n, n, 1, n, FIRST_DAY, "morning", 1,
                                1, 56, "delivered", "", "", "Boy (import)", "import", now, "",
                                now, now))  # fmt: skip
        seconds = time.perf_counter() - start
        cursor.execute("DROP TABLE bench_copy")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--keep", help="write the dump here (kept) instead of a temp folder")
    args = parser.parse_args()

    setup_django("earlybird_bench_import")
    from django.core.management import call_command

    from deliveries.models import Delivery
    from earlybird.roles import ensure_role_groups
    from legacy_import.selectors import reconciliation
    from legacy_import.services import import_legacy
    from legacy_import.sources import open_source

    call_command("flush", interactive=False, verbosity=0)
    ensure_role_groups()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        documents = generate(folder, args.customers, args.days)
        print(f"dump: {documents:,} documents ({args.customers:,} customers, {args.days} days) "
              f"written in {time.perf_counter() - start:.1f} s")  # fmt: skip
        rows = {}
        for label in ("import", "rerun"):
            before = peak_rss_mb()
            start = time.perf_counter()
            report = import_legacy(open_source(folder), reconcile=False)
            seconds = time.perf_counter() - start
            rows[label] = (seconds, report)
            totals = report.totals
            print(f"{label:>9}: {seconds:7.1f} s  {documents / seconds:9,.0f} documents/s  "
                  f"peak RSS {peak_rss_mb():6.0f} MB (was {before:.0f})  created "
                  f"{totals['created']:,} updated {totals['updated']:,} unchanged "
                  f"{totals['unchanged']:,} rejected {totals['rejected']:,}")  # fmt: skip
        start = time.perf_counter()
        rec = reconciliation(open_source(folder))
        print(f"reconcile: {time.perf_counter() - start:7.1f} s  peak RSS {peak_rss_mb():6.0f} MB  "
              f"{rec['matched']:,} customer-months match, {len(rec['mismatches'])} differ")  # fmt: skip
        deliveries = Delivery.objects.count()
        floor = copy_floor(deliveries)
        print(f"COPY floor: {floor:.1f} s for {deliveries:,} delivery rows; import = "
              f"{rows['import'][0] / floor:.1f} × the floor")  # fmt: skip


if __name__ == "__main__":
    main()
