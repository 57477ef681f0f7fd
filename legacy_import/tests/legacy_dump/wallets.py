"""The customer app's wallets (COLLECTIONS.md §4): `wallets` and `customer_wallets`
(`{customer_id, balance}`, no id) and `wallet_transactions` (`{id, customer_id, type,
amount, reason, timestamp, balance_after}`) — with what a real database carries: doubles
that are not quite rupees, a users.id for a customer id, two collections disagreeing,
movements without a balance after them, a wallet at ₹0, one below zero, one of a customer
who is gone."""

from __future__ import annotations

from legacy_import.tests.legacy_dump.world import ONE_DAY, World


def wallets(w: World) -> None:
    app = [c for c in w.customers if c.user_id and c.user_id != c.legacy_id]
    others = [c for c in w.customers if c not in app]
    if len(others) < 8:
        return
    picked = w.rng.sample(others, 8)
    plain, zero, negative, both, moved, unbalanced, recent, _spare = picked
    for customer, balance in ((plain, 449.99999999), (zero, 0.0), (negative, -84.0)):
        w.add(
            "wallets",
            {"_id": w.ids.oid(w.last), "customer_id": customer.legacy_id, "balance": balance},
        )
    w.add("wallets", {"_id": w.ids.oid(w.last), "customer_id": both.legacy_id, "balance": 1299.5})
    w.add(
        "customer_wallets",
        {"_id": w.ids.oid(w.last), "customer_id": both.legacy_id, "balance": 1250.0},
    )
    if app:
        w.add(
            "customer_wallets",
            {"_id": w.ids.oid(w.last), "customer_id": app[0].user_id, "balance": 75.5},
        )
    w.add(
        "wallets",
        {
            "_id": w.ids.oid(w.last),
            "customer_id": w.orphans[0] if w.orphans else "cust-gone",
            "balance": 60.0,
        },
    )
    # Movements only: the last one (by time, not as stored) says what is left.
    steps = [("credit", 500.0, 500.0, 0), ("debit", 56.0, 444.0, 1), ("debit", 56.0, 388.0, 2)]
    for kind, amount, after, day in reversed(steps):
        _movement(w, moved.legacy_id, kind, amount, w.last - (3 - day) * ONE_DAY, after=after)
    # Movements without balance_after: credits less debits.
    _movement(w, unbalanced.legacy_id, "credit", 300.0, w.last - 5 * ONE_DAY)
    _movement(w, unbalanced.legacy_id, "debit", 119.9999999, w.last - 2 * ONE_DAY)
    # A wallet document and movements: the document wins.
    w.add("wallets", {"_id": w.ids.oid(w.last), "customer_id": recent.legacy_id, "balance": 210.0})
    _movement(w, recent.legacy_id, "credit", 999.0, w.last - ONE_DAY, after=999.0)


def _movement(w: World, customer: str, kind: str, amount: float, day, *, after=None) -> None:
    doc = {
        "_id": w.ids.oid(day),
        "id": w.ids.uuid(),
        "customer_id": customer,
        "type": kind,
        "amount": amount,
        "reason": "Recharge" if kind == "credit" else "Milk delivery",
        "timestamp": w.iso_local(day),
    }
    if after is not None:
        doc["balance_after"] = after
    w.add("wallet_transactions", doc)
