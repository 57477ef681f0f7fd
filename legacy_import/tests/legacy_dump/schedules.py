"""`subscriptions_v2` with every quirk of §3.6 and §9: every mode (and none), camelCase
approval documents and seeds with both spellings, statuses in every casing (and none),
stopping by status with `stopped_at`, pauses with open or empty ends and with the wrong
keys, BSON dates, quantities as strings and ints, overrides and irregular entries, ids
reused by another customer's subscription and documents written twice, orphans — and,
for each, until when it was really delivered (what the confirmations follow)."""

from __future__ import annotations

import copy

from legacy_import.tests.legacy_dump.output import bson_date
from legacy_import.tests.legacy_dump.world import ONE_DAY, Customer, World

WEIGHTS = [
    ("Full Cream Milk", 25),
    ("Toned Milk", 25),
    ("Buffalo Milk", 10),
    ("A2 Cow Milk", 8),
    ("Curd 500g", 12),
    ("Paneer 200g", 3),
    ("Brown Bread", 5),
    ("20L Water Tin", 7),
    ("Sample Sachet", 1),
    ("deleted", 1),
]


def _quantity(w: World, value: float):
    if w.chance(0.1):
        return str(value)
    if value.is_integer() and w.chance(0.3):
        return int(value)
    return value


def _status(w: World, customer: Customer, first: bool) -> str | None:
    folded = customer.doc["status"].strip().lower()
    if folded == "paused":
        return "draft"  # "pause indefinitely": the customer paused, its subscriptions draft
    if folded == "stopped":
        return "stopped"
    if first and customer.doc.get("trial_start_date") and w.chance(0.25):
        return None  # the dashboard form's subscription has no status
    return w.pick(
        [("active", 86), ("Active", 2), (None, 3), ("draft", 3), ("paused", 3), ("stopped", 3)]
    )


def subscriptions(w: World) -> None:
    earlier: list[dict] = []
    for customer in w.customers:
        for n in range(w.pick([(1, 70), (2, 25), (3, 5)])):
            doc = _subscription(w, customer, first=n == 0)
            if earlier and w.chance(0.01):  # another customer's subscription, the same id
                doc["id"] = w.rng.choice(earlier)["id"]
            earlier.append(doc)
            customer.subscriptions.append(doc)
            w.add("subscriptions_v2", doc)
            if w.chance(0.01):  # written twice (a retried insert): a true duplicate
                again = copy.deepcopy(doc)
                again["_id"] = w.ids.oid(w.first - ONE_DAY)
                again["created_at"] = w.iso_local(w.first - ONE_DAY)
                w.add("subscriptions_v2", again)
    for orphan in w.orphans:
        w.add(
            "subscriptions_v2",
            {
                "_id": w.ids.oid(w.first - 90 * ONE_DAY),
                "id": w.ids.uuid(),
                "customer_id": orphan,
                "product_id": w.products[0][0],
                "mode": "fixed_daily",
                "default_qty": 1.0,
                "status": "active",
                "auto_start": True,
            },
        )


def _subscription(w: World, customer: Customer, *, first: bool) -> dict:
    created = w.first - w.rng.randint(1, 200) * ONE_DAY
    name = w.pick(WEIGHTS)
    product = w.deleted_product if name == "deleted" else w.product(name)
    milk = "Milk" in name
    qty = w.rng.choice([0.5, 1.0, 1.5, 2.0] if milk else [1.0, 2.0])
    mode = w.pick(
        [
            ("fixed_daily", 60),
            ("weekly_pattern", 15),
            ("day_by_day", 5),
            ("irregular", 5),
            ("one_time", 4),
            (None, 3),
        ]
    )
    status = _status(w, customer, first)
    if mode == "one_time":
        return _approval(w, customer, product, qty, created)
    sid = f"sub-{len(w.collections['subscriptions_v2']) + 1:03d}" if mode is None else w.ids.uuid()
    doc = {
        "_id": w.ids.oid(created),
        "id": sid,
        "customer_id": customer.legacy_id,
        "product_id": product,
        "price_per_unit": 56.0,
        "default_qty": _quantity(w, qty),
        "shift": w.pick([("morning", 8), ("evening", 2)]),
        "weekly_pattern": None,
        "day_overrides": [],
        "irregular_list": [],
        "shift_overrides": [],
        "pause_intervals": [],
        "stop_date": None,
        "auto_start": True,
        "created_at": w.iso_local(created),
    }
    if mode is None:  # a seed: both spellings, `quantity`, no mode
        doc |= {"customerId": customer.legacy_id, "productId": product, "quantity": qty}
    else:
        doc["mode"] = mode
    if status is not None:
        doc["status"] = status
    if w.chance(0.1):
        del doc["auto_start"]
    if mode == "weekly_pattern":
        days = sorted(w.rng.sample(range(7), w.rng.randint(2, 4)))
        doc["weekly_pattern"] = days + (["2"] if w.chance(0.1) else [])
        if w.chance(0.02):
            doc["weekly_pattern"] = []
    if mode in ("day_by_day", "irregular") or w.chance(0.1):
        key = "irregular_list" if mode == "irregular" else "day_overrides"
        for day in sorted({w.day_in_window() for _ in range(w.rng.randint(2, 8))}):
            entry = {"date": day.isoformat(), "quantity": w.rng.choice([0, 1.0, 1.5, 2.0])}
            if w.chance(0.5):
                entry["shift"] = "morning"
            doc[key].append(entry)
    _pauses_and_stops(w, doc, status)
    if mode == "fixed_daily" and w.chance(0.004):
        doc["default_qty"] = None  # crashed the old engine
    if w.chance(0.01):  # a camelCase id that says otherwise: the lists used it
        doc["customerId"], doc["customer_id"] = customer.legacy_id, w.ids.uuid()
    customer.live_until[id(doc)] = _live_until(w, customer, doc, status)
    if status is None and w.chance(0.3):
        customer.off_list.add(id(doc))  # served from memory, confirmed item by item
    return doc


def _pauses_and_stops(w: World, doc: dict, status: str | None) -> None:
    if w.chance(0.12):
        start = w.day_in_window(0, 60)
        end = w.pick([(start + w.rng.randint(2, 12) * ONE_DAY, 7), (None, 2), ("", 1)])
        doc["pause_intervals"].append(
            {"start": start.isoformat(), "end": end.isoformat() if end else end}
        )
    if w.chance(0.01):  # the delivery boy's "pause till date": the wrong keys
        start = w.day_in_window(0, 60)
        doc["pause_intervals"].append(
            {
                "start_date": start.isoformat(),
                "end_date": (start + 5 * ONE_DAY).isoformat(),
                "reason": "Travelling",
            }
        )
    if w.chance(0.005):
        doc["pause_intervals"].append(
            {"start": bson_date(w.day_in_window(), 18, 30), "end": w.day_in_window().isoformat()}
        )
    if w.chance(0.03):
        doc["stop_date"] = w.day_in_window(20).isoformat()
    elif w.chance(0.005):
        doc["stop_date"] = bson_date(w.day_in_window(20))
    if doc["pause_intervals"] == [] and w.chance(0.05):
        doc["pause_start"], doc["pause_end"] = "", ""


def _live_until(w: World, customer: Customer, doc: dict, status: str | None):
    """The last day the old lists really served it (None: all along)."""
    if status == "stopped":
        stopped = customer.served_until or w.day_in_window(5)
        doc["stopped_at"] = (w.moment(stopped + ONE_DAY, 4).replace(tzinfo=None)).isoformat(
            timespec="microseconds"
        )
        doc["stop_reason"], doc["stopped_by"] = "Customer asked", w.admin
        return stopped
    if status == "draft" and customer.served_until:
        return customer.served_until
    if status in ("active", "Active"):
        return customer.served_until
    return w.first - ONE_DAY  # never on a list (no status, draft, paused since long)


def _approval(w: World, customer: Customer, product: str, qty: float, created) -> dict:
    """A product request approved by an admin: camelCase only, packets as liters."""
    day = w.day_in_window()
    doc = {
        "_id": w.ids.oid(created),
        "id": w.ids.uuid("sub"),
        "customerId": customer.legacy_id,
        "productId": product,
        "mode": "one_time",
        "quantity": w.rng.choice([2, 4]),
        "shift": "morning",
        "startDate": day.isoformat(),
        "endDate": day.isoformat(),
        "status": "active",
        "auto_start": True,
        "isActive": True,
        "dayOverrides": [],
        "customPricing": None,
        "createdAt": w.iso_local(created),
    }
    customer.live_until[id(doc)] = customer.served_until
    return doc
