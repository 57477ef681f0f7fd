"""`pause_requests` and `product_requests` → lines in the customer's notes.

Rule: the old system never acted on a pause request (nothing approved them, and they carry
no dates), and an approved product request already became a camelCase one-time
subscription (imported with the subscriptions). What is left worth keeping is the request
itself: each becomes one dated line under "Requests in the old system" in the customer's
notes, with its status, product, quantity, dates and notes. Nothing is paused or ordered
from a request. A request whose customer does not exist is rejected.

The lines are part of the customer's desired state (and checksum), so they are written with
the customer, and each request document is mapped to that customer in the legacy-id map.
"""

from __future__ import annotations

from typing import Any

from legacy_import.importer.base import (
    Context,
    business_date,
    checksum_of,
    documents,
    legacy_id_of,
    text,
    timestamp,
)
from legacy_import.translate import business_date_of_bson

COLLECTIONS = ("pause_requests", "product_requests")


def _when(doc: dict[str, Any]) -> str:
    for key in ("requested_at", "created_at", "updated_at"):
        moment = timestamp(doc.get(key))
        if moment is not None:
            return business_date_of_bson(moment).isoformat()
    return "undated"


def _qty(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def describe_request(collection: str, doc: dict[str, Any], product_names: dict[str, str]) -> str:
    status = text(doc.get("status")).lower() or "no status"
    via = text(doc.get("requested_via")).replace("_", " ")
    if collection == "pause_requests":
        head = f"pause request{' via ' + via if via else ''}, {status}"
        body = text(doc.get("reason")) or "(no reason)"
    else:
        product = text(doc.get("product_name")) or product_names.get(
            text(doc.get("product_id")), text(doc.get("product_id")) or "?"
        )
        if "quantity_packets" in doc or "tentative_date" in doc:
            head = f"product request by the delivery boy, {status}"
            day = business_date(doc.get("tentative_date"))
            body = f"{product} × {_qty(doc.get('quantity_packets'))} packets" + (
                f" for {day}" if day else " (no date)"
            )
        elif via:
            head = f"product request via {via}, {status}"
            day = business_date(doc.get("delivery_date"))
            body = f"{product} × {_qty(doc.get('quantity', 1))}" + (f" for {day}" if day else "")
        else:
            head = f"request for a new product, {status}"
            body = product + (f": {text(doc.get('description'))}" if doc.get("description") else "")
            if doc.get("urgency"):
                body += f" (urgency {text(doc.get('urgency'))})"
    extras = [
        text(doc.get(key))
        for key in ("notes", "admin_notes", "rejection_reason")
        if text(doc.get(key))
    ]
    line = f"[{_when(doc)}, {head}] {body}"
    return line + ("; " + "; ".join(extras) if extras else "")


def read_requests(ctx: Context, product_names: dict[str, str]) -> None:
    """Group request lines by customer legacy id, into ctx.customer_notes."""
    for collection in COLLECTIONS:
        report = ctx.collection(collection)
        seen: set[str] = set()
        for doc in documents(ctx, collection):
            legacy_id = legacy_id_of(doc)
            if legacy_id is None:
                report.reject("", "no_id", "a request without id or _id: nothing to keep it by")
                continue
            if legacy_id in seen:
                report.merged += 1
                report.entry(legacy_id, "duplicate_merged", "the same id again: kept once")
                continue
            seen.add(legacy_id)
            customer = doc.get("customer_id")
            if not isinstance(customer, str) or not customer:
                report.reject(
                    legacy_id,
                    "orphan_customer",
                    f"customer_id {customer!r}: whose request it was is not known",
                )
                continue
            line = describe_request(collection, doc, product_names)
            ctx.customer_notes.setdefault(customer, []).append(
                (collection, legacy_id, checksum_of(doc), line)
            )


def reject_orphan_requests(ctx: Context) -> None:
    """Requests whose customer was not imported (written with no customer)."""
    for customer, notes in ctx.customer_notes.items():
        if ctx.customer(customer) is not None:
            continue
        reason, detail = ctx.customer_missing(customer)
        for collection, legacy_id, _checksum, _line in notes:
            ctx.collection(collection).reject(legacy_id, reason, detail, customer=customer)


def notes_text(legacy_notes: str, lines: list[tuple[str, str, str, str]]) -> str:
    if not lines:
        return legacy_notes
    ordered = sorted(lines, key=lambda entry: (entry[3], entry[1]))
    block = "Requests in the old system:\n" + "\n".join(entry[3] for entry in ordered)
    return f"{legacy_notes}\n\n{block}" if legacy_notes else block
