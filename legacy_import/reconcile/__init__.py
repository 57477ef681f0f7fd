"""Reconciliation that cannot agree with itself by construction.

The old side is computed from the source documents, per customer and month,
independently of the import's rules (documents.py reads the dump; only identity — which
new customer a legacy customer became — comes from the legacy-id map):

(a) what the old engine's rules deliver and bill (old_engine.py, §5/§6/§7): shown, not
    required to match (the new system bills what was delivered, not the schedule);
(b) what was actually confirmed as delivered (confirmed.py), priced as rule 5.

Both are compared with the new database (compare.py). Every customer-month where the
database differs from (b) must be explained by report entries of that customer and month;
the unexplained ones are listed (and `reconcile_legacy` exits non-zero when there are
any). The result carries the per-customer-month table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from customers.models import Customer
from legacy_import.reconcile.compare import (
    Entry,
    Explanations,
    compare,
    database_totals,
)
from legacy_import.reconcile.confirmed import confirmed
from legacy_import.reconcile.documents import SourceData, load
from legacy_import.reconcile.old_engine import months_between, old_engine
from legacy_import.sources import Source

ZERO = Decimal(0)


def reconciliation(
    source: Source,
    *,
    entries: Iterable[Entry] | None = None,
    aliases: dict[str, str] | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """Compare the source with the database (see module doc). `entries`: the import's
    rejects and warnings; `aliases`: legacy customers merged into another (both by default
    from the latest import run)."""
    if entries is None or aliases is None:
        latest_entries, latest_aliases = _latest_run()
        entries = latest_entries if entries is None else entries
        aliases = latest_aliases if aliases is None else aliases
    data = load(source, today=today or timezone.localdate())
    b = confirmed(data, aliases)
    paid: dict[tuple[Any, date], Decimal] = defaultdict(Decimal)
    for person, _customer, paid_on, amount in data.payments:
        paid[(person, paid_on.replace(day=1))] += amount
    days = [day for _person, day in data.rows]  # the period the confirmations cover
    months = months_between(min(days), min(max(days), data.today)) if days else []
    a = old_engine(data, months)
    people: dict[Any, list[str]] = defaultdict(list)
    for key, person in data.person.items():
        if isinstance(person, int):
            people[person].append(key)
    for keys in people.values():
        keys.sort(key=lambda k: (k in aliases, k))
    codes = dict(Customer.objects.filter(pk__in=list(people)).values_list("pk", "code"))
    entries = list(entries)
    table = compare(
        confirmed=b,
        paid=paid,
        old=a,
        database=database_totals(),
        people=people,
        codes=codes,
        explanations=Explanations(entries, data.person),
    )
    unexplained = [row for row in table if row["status"] == "unexplained"]
    sums = defaultdict(Decimal)
    for row in table:
        for side in ("confirmed", "new", "old_engine"):
            sums[f"{side}_quantity"] += Decimal(row[side]["quantity"])
            sums[f"{side}_amount"] += Decimal(row[side]["amount"])
        sums["source_paid"] += Decimal(row["paid"]["source"])
        sums["new_paid"] += Decimal(row["paid"]["new"])
    return {
        "customers": len(people),
        "months": len(table),
        "matched": sum(1 for row in table if row["status"] == "match"),
        "explained": sum(1 for row in table if row["status"] == "explained"),
        "unexplained": unexplained,
        "mismatches": unexplained,
        "differs_from_old_engine": sum(1 for row in table if row["differs_from_old_engine"]),
        "totals": {k: str(v) for k, v in sorted(sums.items())},
        "not_imported": _not_imported(data, b, paid, entries),
        "table": table,
    }


def not_imported_only(
    source: Source, *, entries: Iterable[Entry], aliases: dict[str, str], today: date
) -> dict[str, Any]:
    """Only the reconciliation's `not_imported` part (what the customers not imported had
    confirmed and paid), without the old engine and the comparison with the database: what
    the import's duplicate-phone report needs. `source` may hold, of the confirmation
    collections, only the rows of those customers and the rows naming an order (the rest
    cannot change their totals)."""
    data = load(source, today=today)
    b = confirmed(data, aliases)
    paid: dict[tuple[Any, date], Decimal] = defaultdict(Decimal)
    for person, _customer, paid_on, amount in data.payments:
        paid[(person, paid_on.replace(day=1))] += amount
    return {"not_imported": _not_imported(data, b, paid, list(entries))}


def not_imported_totals(rec: dict[str, Any]) -> dict[str, tuple[Decimal, Decimal]]:
    """customer → (quantity, amount) confirmed for the customers not imported."""
    return {
        m["customer"]: (Decimal(m["source_quantity"]), Decimal(m["source_amount"]))
        for m in rec.get("not_imported", ())
    }


def _not_imported(data: SourceData, b, paid, entries: list[Entry]) -> list[dict[str, Any]]:
    reasons = {
        e.legacy_id: e.reason
        for e in entries
        if e.collection == "customers_v2" and e.kind == "rejected"
    }
    delivered: dict[Any, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for (person, _month), total in b.items():
        if not isinstance(person, int):
            delivered[person][0] += total.quantity
            delivered[person][1] += total.amount
    payments: dict[Any, Decimal] = defaultdict(Decimal)
    for (person, _month), value in paid.items():
        if not isinstance(person, int):
            payments[person] += value
    rows = []
    for key, person in sorted(data.person.items()):
        if isinstance(person, int):
            continue
        qty, amount = delivered.get(person, (ZERO, ZERO))
        money = payments.get(person, ZERO)
        if not (qty or money or data.row_count.get(key)):
            continue
        rows.append(
            {
                "customer": key,
                "confirmations": data.row_count.get(key, 0),
                "source_quantity": str(qty),
                "source_amount": str(amount),
                "source_paid": str(money),
                "cause": f"customer not imported: {reasons.get(key, 'not imported')}",
            }
        )
    return rows


def _latest_run() -> tuple[list[Entry], dict[str, str]]:
    from legacy_import.models import ImportIssue, ImportRun

    run = ImportRun.objects.order_by("-pk").first()
    if run is None:
        return [], {}
    entries = [
        Entry(c, kind, legacy_id, customer, day, reason)
        for c, kind, legacy_id, customer, day, reason in ImportIssue.objects.filter(
            run=run, kind__in=["rejected", "warning"]
        ).values_list("collection", "kind", "legacy_id", "customer_legacy_id", "day", "reason")
    ]
    return entries, dict(run.report.get("merged_customers") or {})


def entries_of(report) -> list[Entry]:
    """The rejects and warnings of an ImportReport, as Entry rows."""
    return [
        Entry(collection, kind, issue.legacy_id, issue.customer, issue.day, issue.reason)
        for collection, kind, issue in report.issues()
        if kind in ("rejected", "warning")
    ]
