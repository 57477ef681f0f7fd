"""Products, staff, delivery boys, areas, customers and their logins — every linking path
of §9.2, statuses in every casing, duplicate phones, own prices, carried balances."""

from __future__ import annotations

import hashlib

from legacy_import.tests.legacy_dump.world import ONE_DAY, Customer, World

PRODUCTS = [
    ("Full Cream Milk", "Liter", {"default_price": 66.0, "price": None}),
    ("Toned Milk", "L", {"default_price": 56.0000001, "price": 56.0000001}),
    ("Buffalo Milk", "liter", {"default_price": 80.0}),
    ("A2 Cow Milk", "Litre", {"default_price": 95.0}),
    ("Curd 500g", "Packet", {"default_price": 35.0, "price": None}),
    ("Paneer 200g", "Packet", {"default_price": 89.999999}),
    ("Cow Ghee 500ml", "Jar", {"default_price": 360.0}),
    ("Brown Bread", "Packet", {"price": 45.0, "category": "bakery"}),  # consolidated create
    ("20L Water Tin", "Tin", {"default_price": None, "price": 49.999999}),
    ("Sample Sachet", "Packet", {}),  # no price at all
]
FAKE_BCRYPT = "$2b$12$" + "a" * 53


def catalogue(w: World) -> None:
    for index, (name, unit, prices) in enumerate(PRODUCTS):
        pid = w.ids.uuid("prd") if name == "Brown Bread" else w.ids.uuid()
        w.products.append((pid, name, prices))
        w.add(
            "products",
            {
                "_id": w.ids.oid(w.first - (400 - index) * ONE_DAY),
                "id": pid,
                "name": name,
                "unit": unit,
                **prices,
            },
        )
    w.deleted_product = w.ids.uuid()  # hard-deleted: still referenced
    w.add(
        "users",
        {
            "_id": w.ids.oid(w.first - 500 * ONE_DAY),
            "id": w.admin,
            "role": "admin",
            "email": "admin@earlybird.com",
            "name": "Admin",
            "password_hash": FAKE_BCRYPT,
            "created_at": "2024-01-01",
        },
    )
    w.add(
        "users",
        {
            "_id": w.ids.oid(w.first - 499 * ONE_DAY),
            "id": "marketing-001",
            "role": "marketing_staff",
            "email": "kiran@earlybird.com",
            "name": "Kiran",
            "password": hashlib.sha256(b"kiran").hexdigest(),
        },
    )
    w.add(
        "users",
        {
            "_id": w.ids.oid(w.first - 300 * ONE_DAY),
            "id": w.ids.uuid("usr"),
            "role": "supplier",
            "email": "supplier@dairy.in",
            "name": "Supplier",
            "password_hash": FAKE_BCRYPT,
        },
    )
    for n in range(max(3, w.size // 60)):
        boy = w.ids.uuid()
        area = f"Hyderabad - Area {n}"
        w.boys.append(boy)
        w.areas.append(area)
        w.add(
            "users",
            {
                "_id": w.ids.oid(w.first - 200 * ONE_DAY),
                "id": boy,
                "role": "delivery_boy",
                "email": f"boy{n}@earlybird.com",
                "name": f"Boy {n}",
                "phone": None,
                "password_hash": FAKE_BCRYPT,
            },
        )
        w.add(
            "delivery_boys_v2",
            {
                "_id": w.ids.oid(w.first - 200 * ONE_DAY),
                "id": boy,
                "name": f"Boy {n}",
                "area_assigned": area,
                "assigned_areas": [area],
            },
        )
        area_doc = {
            "_id": w.ids.oid(w.first - 200 * ONE_DAY),
            "id": w.ids.uuid(),
            "main_area": "Hyderabad",
            "sub_area": f"Area {n}",
            "delivery_boy_ids": [boy],
        }
        if n:  # the first area is an old one without full_name
            area_doc["full_name"] = area
        w.add("areas_v2", area_doc)
    w.add(
        "delivery_boys_v2",
        {
            "_id": w.ids.oid(w.first - 600 * ONE_DAY),
            "id": "db-001",
            "name": "Seed Boy",
            "phone": "9000000001",
            "shift": "morning",
            "is_active": True,
            "created_at": "2024-01-01",
        },
    )


def _shown(w: World, phone: str, path: str) -> str:
    if path == "excel":
        return w.pick([(phone + ".0", 6), (phone, 2), ("+91 " + phone[:5] + " " + phone[5:], 1)])
    return w.pick(
        [
            (phone, 8),
            ("+91 " + phone[:5] + " " + phone[5:], 1),
            ("0" + phone[:5] + "-" + phone[5:], 1),
        ]
    )


def customers(w: World) -> None:
    for c in range(w.size):
        created = w.first - w.rng.randint(5, 400) * ONE_DAY
        cid = f"cust-{c + 1:03d}" if c < 3 else w.ids.uuid()
        phone = f"{'6789'[c % 4]}{c:09d}"
        duplicate = c > 10 and w.chance(0.025)
        if duplicate:  # the same household entered again, later
            original = w.customers[w.rng.randrange(len(w.customers))]
            phone, created = original.phone, w.first - w.rng.randint(1, 4) * ONE_DAY
        path = w.pick([("admin", 45), ("dashboard", 15), ("excel", 30), ("none", 10)])
        status = w.pick(
            [
                ("active", 70),
                ("trial", 8),
                ("paused", 6),
                ("stopped", 4),
                ("Active", 4),
                ("TRIAL", 2),
                ("Trial ", 2),
                ("active ", 2),
                ("Paused", 1),
                ("weird", 1),
            ]
        )
        if path == "dashboard" and status in ("active", "paused", "stopped"):
            status = "trial"
        n = c % len(w.boys)
        boy = w.boys[n] if not w.chance(0.01) else w.ids.uuid()
        doc = {
            "_id": w.ids.oid(created),
            "id": cid,
            "name": f"Customer {c}",
            "phone": _shown(w, phone, path),
            "address": f"Flat {c}, Block {n}",
            "area": w.areas[n] if not w.chance(0.03) else f"Street {c % 7}",
            "status": status,
            "delivery_boy_id": boy,
            "map_link": None,
            "location": {"lat": 17.4 + c / 1e4, "lng": 78.4, "accuracy_meters": None},
        }
        if duplicate:
            doc["name"] = f"{original.doc['name']} (again)"
        if status.strip().lower() == "trial":
            doc["trial_start_date"] = (created + 3 * ONE_DAY).isoformat()
        if w.chance(0.2):
            doc["custom_product_prices"] = {w.product("Full Cream Milk"): 60.0}
        elif w.chance(0.04):
            doc["custom_product_prices"] = {w.product("Toned Milk"): 0, w.deleted_product: 50.0}
        elif w.chance(0.04):
            doc["custom_product_prices"] = {w.product("20L Water Tin"): 44.999999}
        if w.chance(0.3):
            doc["previous_balance"] = round(w.rng.uniform(0, 3000), 2) + 0.0000001
        if w.chance(0.02):
            doc["marketing_boy_id"], doc["marketing_boy"] = "marketing-001", "Kiran"
        user_id = _login(w, doc, cid, phone, path, created)
        served_until = None
        folded = status.strip().lower()
        if folded in ("paused", "stopped"):
            served_until = w.day_in_window(10)  # paused / stopped during the period
        customer = Customer(cid, doc, phone, boy, doc["area"], user_id, served_until)
        w.customers.append(customer)
        w.add("customers_v2", doc)
    for _ in range(2):  # customers that were deleted (their rows stay)
        w.orphans.append(w.ids.uuid())


def _login(w: World, doc: dict, cid: str, phone: str, path: str, created) -> str | None:
    if path == "none":
        return None
    digits = phone
    migrated = w.chance(0.2)  # migration 004 nulled both link fields
    password = (
        {"password": hashlib.sha256(cid.encode()).hexdigest()}
        if w.chance(0.05)
        else {"password_hash": FAKE_BCRYPT}
    )
    if path == "excel":
        user = {
            "_id": w.ids.oid(created),
            "id": cid,
            "role": "customer",
            "name": doc["name"],
            "email": f"{digits}.0@customer.earlybird.com",
            "phone": digits,
            **password,
        }
        w.add("users", user)
        return cid
    uid = w.ids.uuid()
    user = {
        "_id": w.ids.oid(created),
        "id": uid,
        "role": "customer",
        "name": doc["name"],
        "email": f"customer-{cid}@earlybird.local",
        "phone": doc["phone"],
        "customer_v2_id": None if migrated else cid,
        "is_active": True,
        "created_at": w.iso_local(created),
        **password,
    }
    if migrated:
        user["users_migrated_at"] = w.iso_local(w.first)
    w.add("users", user)
    if migrated:
        doc["user_id"], doc["customers_migrated_at"] = None, w.iso_local(w.first)
    elif w.chance(0.05):
        doc["user_id"] = str(user["_id"])  # the backfill's users._id
    else:
        doc["user_id"] = uid
    return uid
