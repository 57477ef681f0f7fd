"""Duplicate phones (§9.4, rule 7): reported, not merged — unless ops say which legacy
customers are one person.

The phone is unique in the new system. Of the customers sharing a phone (after
normalisation), the one created first (smallest ObjectId) is imported; each other one is
rejected as `duplicate_phone`, and so is everything that is theirs (subscriptions, orders,
confirmations, payments: `customer_not_imported`). The report lists each such customer
with its legacy id, name and phone, the one kept, and what was left out because of it —
subscriptions, one-time orders, confirmation rows with the quantity and amount they
confirmed, payments with their total — so ops can resolve them by hand.

`--merge-duplicate-phones FILE` says which are one person: one line per person, the legacy
customer ids separated by commas or spaces, the one to keep first (its name, address,
login and prices; `#` starts a comment). On the next run each other id of the line is
imported into the kept customer: its subscriptions, orders, confirmations and payments
become the kept customer's, its own prices fill the products the kept one has none for,
its previous_balance is added to the opening balance, and its document is mapped to the
kept customer (counted `merged`). Ids of one line must share a phone.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from legacy_import.importer.base import Context, text
from legacy_import.importer.customers.logins import CustomerRow, creation_key
from legacy_import.importer.keys import keyed
from legacy_import.importer.users import legacy_phone

_SPLIT = re.compile(r"[\s,;]+")


class MergeError(ValueError):
    """The merge file names something that cannot be merged."""


def read_merge_file(path: str | Path) -> list[list[str]]:
    """The groups of a merge file (see module doc)."""
    groups = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        ids = [i for i in _SPLIT.split(line.split("#", 1)[0].strip()) if i]
        if not ids:
            continue
        if len(ids) < 2:
            raise MergeError(f"{path}: line {number}: one id alone merges nothing")
        groups.append(ids)
    return groups


def check_merge_groups(source, groups: list[list[str]]) -> None:
    """MergeError unless every id exists, appears once, and each group shares a phone."""
    phones: dict[str, str | None] = {}
    if "customers_v2" in source.collections():
        for key, doc in keyed(lambda: source.documents("customers_v2")):
            phones[key] = legacy_phone(doc.get("phone"))
    seen: set[str] = set()
    for group in groups:
        for legacy_id in group:
            if legacy_id not in phones:
                raise MergeError(f"customer {legacy_id} is not in customers_v2")
            if legacy_id in seen:
                raise MergeError(f"customer {legacy_id} is in two merge groups")
            seen.add(legacy_id)
        found = {phones[i] for i in group}
        if len(found) != 1 or None in found:
            shown = ", ".join(f"{i}: {phones[i] or 'no valid phone'}" for i in group)
            raise MergeError(f"customers to merge must share a phone ({shown})")


def resolve_phones(ctx: Context, rows: list[CustomerRow]) -> None:
    """Reject invalid and duplicate phones, alias merged customers (see module doc)."""
    report = ctx.collection("customers_v2")
    merge_into = {m: group[0] for group in ctx.merge_groups for m in group[1:]}
    names = {row.legacy_id: row.name for row in rows}
    kept: dict[str, CustomerRow] = {}
    for row in sorted(rows, key=creation_key):
        if row.phone is None:
            report.reject(
                row.legacy_id,
                "invalid_phone",
                f"{row.raw_phone!r} is not a 10-digit Indian mobile: give it a real phone "
                "and run again",
                customer=row.legacy_id,
            )
            ctx.customer_rejected[row.legacy_id] = "invalid_phone"
        elif row.legacy_id in merge_into:
            ctx.customer_alias[row.legacy_id] = merge_into[row.legacy_id]
        elif row.phone in kept:
            first = kept[row.phone]
            ctx.duplicate_issues[row.legacy_id] = report.reject(
                row.legacy_id,
                "duplicate_phone",
                f"{row.name or 'no name'}: phone {row.phone} is also customer "
                f"{first.legacy_id} ({names[first.legacy_id] or 'no name'}, created first, "
                "imported); not merged",
                customer=row.legacy_id,
            )
            ctx.customer_rejected[row.legacy_id] = f"duplicate_phone of {first.legacy_id}"
        else:
            kept[row.phone] = row
    ctx.phone_groups = _groups(rows, kept)


def _groups(rows: list[CustomerRow], kept: dict[str, CustomerRow]) -> list[dict[str, Any]]:
    by_phone: dict[str, list[CustomerRow]] = defaultdict(list)
    for row in rows:
        if row.phone:
            by_phone[row.phone].append(row)
    groups = []
    for phone, members in sorted(by_phone.items()):
        if len(members) > 1:
            groups.append(
                {
                    "phone": phone,
                    "kept": kept[phone].legacy_id if phone in kept else None,
                    "members": [(m.legacy_id, m.name) for m in sorted(members, key=creation_key)],
                }
            )
    return groups


def _totals(entry: dict[str, Any] | None) -> dict[str, Any]:
    if not entry:
        return {"count": 0, "quantity": "0", "amount": "0.00", "ids": []}
    return {
        "count": entry["count"],
        "quantity": str(entry["quantity"]),
        "amount": str(Decimal(entry["amount"]).quantize(Decimal("0.01"))),
        "ids": entry["ids"],
    }


def report_duplicate_phones(ctx: Context, confirmed: dict[str, tuple[Decimal, Decimal]]) -> None:
    """The report's duplicate-phone section, and each reject's detail completed with what
    was left out. `confirmed`: customer → (quantity, amount) its confirmations delivered,
    as the reconciliation counts them from the source."""
    section = []
    for group in ctx.phone_groups:
        members = []
        for legacy_id, name in group["members"]:
            left = ctx.left_out.get(legacy_id, {})
            quantity, amount = confirmed.get(legacy_id, (Decimal(0), Decimal(0)))
            status = (
                "kept"
                if legacy_id == group["kept"]
                else f"merged into {ctx.customer_alias[legacy_id]}"
                if legacy_id in ctx.customer_alias
                else "not imported"
            )
            member = {"customer": legacy_id, "name": name, "status": status}
            if status == "not imported":
                confirmations = _totals(left.get("confirmations"))
                confirmations["quantity"] = str(quantity)
                confirmations["amount"] = str(amount)
                member["left_out"] = {
                    "subscriptions": _totals(left.get("subscriptions")),
                    "orders": _totals(left.get("orders")),
                    "confirmations": confirmations,
                    "payments": _totals(left.get("payments")),
                }
                issue = ctx.duplicate_issues.get(legacy_id)
                if issue is not None:
                    issue.detail += (
                        "; left out: "
                        + left_out_text(member["left_out"])
                        + (
                            ". To import it as the same person, list "
                            f"'{group['kept']} {legacy_id}' in --merge-duplicate-phones; "
                            "to import it apart, give it its own phone"
                        )
                    )
            members.append(member)
        section.append({"phone": group["phone"], "kept": group["kept"], "members": members})
    ctx.report.duplicate_phones = section


def left_out_text(left: dict[str, Any]) -> str:
    subs, orders = left["subscriptions"], left["orders"]
    rows, payments = left["confirmations"], left["payments"]
    return (
        f"{subs['count']} subscription(s){_ids(subs)}, {orders['count']} one-time order(s), "
        f"{rows['count']} confirmation row(s) delivering {rows['quantity']} worth "
        f"₹{rows['amount']}, {payments['count']} payment(s) of ₹{payments['amount']}"
    )


def _ids(entry: dict[str, Any]) -> str:
    return f" ({', '.join(entry['ids'][:5])})" if entry["ids"] else ""


def merged_notes(ctx: Context, kept: str, docs: dict[str, dict[str, Any]]) -> str:
    """The kept customer's note about the legacy customers merged into it."""
    merged = [m for m, k in ctx.customer_alias.items() if k == kept]
    if not merged:
        return ""
    described = "; ".join(
        f"{m} ({text(docs.get(m, {}).get('name')) or 'no name'}, "
        f"{text(docs.get(m, {}).get('address')) or 'no address'})"
        for m in sorted(merged)
    )
    return f"Merged from legacy customers (one person, --merge-duplicate-phones): {described}"
