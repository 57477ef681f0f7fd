"""The new database beside (a) and (b), per person (new customer) and month, and which
report entries explain each difference with (b).

A customer-month matches when its delivered quantity and payments equal (b)'s and its
amount is within a paisa per delivery of it (each delivery is rounded on its own). A
difference is explained by the import's rejects and warnings of that customer (any of the
legacy customers that became it) dated in that month — entries of the payments for a
difference in payments, the others for a difference in deliveries — or by an undated
entry that concerns all of the customer's months (a subscription not imported, read in a
way the old engine never read it, a customer merged). Everything else is unexplained.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection

ZERO = Decimal(0)
CENTS = Decimal("0.01")
PAYMENTS = "payment_transactions"
# What can make the delivered quantity or amount of a customer-month differ from what the
# source confirms: the import's own cuts and refusals. Anything else (a row rejected for a
# reason the source count shares, a listing) explains nothing.
DELIVERY_CAUSES = frozenset(
    {
        "over_delivered",
        "deleted_product",
        "no_order_for_product",
        "bad_item_quantity",
        "subscription_not_imported",
        "order_of_another_customer",
        "cannot_save",
        "cannot_update",
        "billed_cannot_change",
        # the subscription itself: the source count cannot read what the old engine raised on
        "old_engine_crashed",
        "never_read_by_old_engine",
        "unstorable_quantity",
        "range_too_long",
    }
)
PAYMENT_CAUSES = frozenset({"cannot_save", "cannot_update"})
# Causes that concern every month of the customer (a subscription, not a day).
CUSTOMER_WIDE = frozenset(
    {
        "old_engine_crashed",
        "never_read_by_old_engine",
        "unstorable_quantity",
        "range_too_long",
    }
)


@dataclass
class New:
    quantity: Decimal = ZERO
    amount: Decimal = ZERO
    deliveries: int = 0
    paid: Decimal = ZERO


def database_totals() -> dict[tuple[int, date], New]:
    totals: dict[tuple[int, date], New] = defaultdict(New)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT customer_id, date_trunc('month', date)::date, sum(delivered_qty),
                   sum(round(delivered_qty * unit_price, 2)), count(*)
              FROM deliveries_delivery WHERE status IN ('delivered', 'partial')
             GROUP BY 1, 2
            """
        )
        for customer, month, qty, amount, count in cursor.fetchall():
            total = totals[(customer, month)]
            total.quantity, total.amount, total.deliveries = qty, amount, count
        cursor.execute(
            "SELECT customer_id, date_trunc('month', paid_on)::date, sum(amount)"
            " FROM billing_payment GROUP BY 1, 2"
        )
        for customer, month, paid in cursor.fetchall():
            totals[(customer, month)].paid = paid
    return totals


@dataclass(frozen=True)
class Entry:
    collection: str
    kind: str
    legacy_id: str
    customer: str
    day: date | None
    reason: str


class Explanations:
    """The report's rejects and warnings, by person."""

    def __init__(self, entries: Iterable[Entry], person: dict[str, Any]) -> None:
        self.by_person: dict[Any, list[Entry]] = defaultdict(list)
        for entry in entries:
            if entry.kind in ("rejected", "warning"):
                who = person.get(entry.customer)
                if who is not None:
                    self.by_person[who].append(entry)

    def explain(self, person: Any, month: date, *, payments: bool) -> list[str]:
        found = []
        causes = PAYMENT_CAUSES if payments else DELIVERY_CAUSES
        for entry in self.by_person.get(person, ()):
            if (entry.collection == PAYMENTS) != payments or entry.reason not in causes:
                continue
            dated = entry.day is not None and entry.day.replace(day=1) == month
            if dated or entry.reason in CUSTOMER_WIDE:
                found.append(f"{entry.collection}/{entry.legacy_id}: {entry.reason}")
        return found


def compare(
    *,
    confirmed: dict[tuple[Any, date], Any],
    paid: dict[tuple[Any, date], Decimal],
    old: dict[tuple[Any, date], Any],
    database: dict[tuple[int, date], New],
    people: dict[Any, list[str]],
    codes: dict[int, str],
    explanations: Explanations,
) -> list[dict[str, Any]]:
    """One row per imported person and month with anything in (b), the database or (a)."""
    keys = {k for k in set(confirmed) | set(paid) | set(old) if isinstance(k[0], int)}
    keys |= {k for k in database if k[0] in people}
    table = []
    for person, month in sorted(keys, key=lambda k: (k[0], k[1])):
        if person not in people:
            continue
        b = confirmed.get((person, month))
        new = database.get((person, month), New())
        a = old.get((person, month))
        b_qty, b_amount = (b.quantity, b.amount) if b else (ZERO, ZERO)
        b_paid = paid.get((person, month), ZERO)
        tolerance = CENTS * max(new.deliveries, b.lines if b else 0)
        delivered_ok = new.quantity == b_qty and abs(new.amount - b_amount) <= tolerance
        paid_ok = new.paid == b_paid
        delivered_why = [] if delivered_ok else explanations.explain(person, month, payments=False)
        paid_why = [] if paid_ok else explanations.explain(person, month, payments=True)
        status = "match" if delivered_ok and paid_ok else "unexplained"
        if status == "unexplained" and (delivered_ok or delivered_why) and (paid_ok or paid_why):
            status = "explained"
        why = delivered_why + paid_why + (sorted(b.flags) if b and not delivered_ok else [])
        table.append(
            {
                "customer": people[person][0],
                "legacy_ids": people[person],
                "code": codes.get(person, ""),
                "month": month.strftime("%Y-%m"),
                "old_engine": {
                    "quantity": str(a.quantity) if a else "0",
                    "amount": str(a.amount) if a else "0",
                    "failed": sorted(a.failed) if a else [],
                },
                "confirmed": {"quantity": str(b_qty), "amount": str(b_amount)},
                "new": {"quantity": str(new.quantity), "amount": str(new.amount)},
                "paid": {"source": str(b_paid), "new": str(new.paid)},
                "status": status,
                "differs_from_old_engine": a is not None
                and (a.quantity, a.amount) != (new.quantity, new.amount),
                "explained_by": why[:20],
            }
        )
    return table
