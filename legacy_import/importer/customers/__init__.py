"""`customers_v2` → Customer with its login, route stop and own prices.

logins.py   linking each customer to its `users` login (§9.2)
phones.py   duplicate phones: reported with what was left out, merged on request (rule 7)
desired.py  what a document should become; statuses in any casing (rule 1), own prices
write.py    creating, updating, remembering

Ids that repeat (rule 6, keys.py): a true duplicate is merged, a different document with
the same id is a customer of its own, keyed `<id>#<_id>` (other documents refer to the
plain id, so to the first one).

The customer's username is its phone (as for every customer of the new system); its
password is the old one (bcrypt or SHA-256, upgraded at the first login). A customer with
no login gets one with an unusable password (reported).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction

from earlybird import roles
from legacy_import.importer.base import Context, documents, gate, text
from legacy_import.importer.catalogue import area_for
from legacy_import.importer.customers.logins import (
    LINKS,
    CustomerRow,
    link_logins,
    reject_unlinked_logins,
)
from legacy_import.importer.customers.phones import resolve_phones
from legacy_import.importer.customers.write import write_batch
from legacy_import.importer.keys import Keys
from legacy_import.importer.requests import reject_orphan_requests
from legacy_import.importer.users import UserIndex, legacy_phone
from legacy_import.sources import BadDocument


def first_pass(ctx: Context, index: UserIndex):
    """Read every customer once: key it (rule 6), reject bad and duplicate phones (or merge
    them, rule 7), link the logins, and create the areas the customers name (committed
    before any customer batch). Returns (links, the keys' groups, merged documents)."""
    report = ctx.collection("customers_v2")
    keys = gate(ctx, "customers_v2", owner=lambda doc: text(doc.get("id")) or None)
    in_groups = {m for group in ctx.merge_groups for m in group}
    rows: list[CustomerRow] = []
    areas: set[str] = set()
    kept_docs: dict[str, dict[str, Any]] = {}
    for order, doc in enumerate(documents(ctx, "customers_v2")):
        legacy_id = keys.admit(report, doc, what="customer")
        if legacy_id is None:
            continue
        user_id = doc.get("user_id")
        rows.append(
            CustomerRow(
                legacy_id=legacy_id,
                plain_id=text(doc.get("id")) or legacy_id,
                oid=text(doc.get("_id")),
                order=order,
                phone=legacy_phone(doc.get("phone")),
                raw_phone=doc.get("phone"),
                user_id=user_id if isinstance(user_id, str) and user_id else None,
                name=text(doc.get("name"), 150),
            )
        )
        if legacy_id in in_groups:
            kept_docs[legacy_id] = doc
        if text(doc.get("area")):
            areas.add(text(doc.get("area"), 100))
    links = link_logins(rows, index)
    resolve_phones(ctx, rows)
    with transaction.atomic():
        for name in sorted(areas):
            area_for(ctx, name)
    for customer, (user, _how) in links.items():
        if customer in ctx.customer_rejected or customer in ctx.customer_alias:
            ctx.lost_logins[user.legacy_id] = customer
        if customer in ctx.customer_alias:  # its orders (placed by that login) are kept's
            ctx.customer_of_user[user.legacy_id] = customer
    merged: dict[str, dict[str, dict[str, Any]]] = {}
    for other, kept in ctx.customer_alias.items():
        merged.setdefault(kept, {})[other] = kept_docs[other]
    linked = {
        k: v
        for k, v in links.items()
        if k not in ctx.customer_rejected and k not in ctx.customer_alias
    }
    return linked, keys.keys.groups, merged


def import_customers(ctx: Context, index: UserIndex) -> None:
    report = ctx.collection("customers_v2")
    links, groups, merged = first_pass(ctx, index)
    group = Group.objects.get(name=roles.CUSTOMER)
    for n, link in enumerate(sorted({how for _user, how in links.values()}, key=LINKS.index)):
        count = sum(1 for _user, how in links.values() if how == link)
        report.notes.insert(n, f"{count} linked to their login by {link}")
    keys = Keys(groups)  # the same keys as the first pass gave, in the same order
    done = 0
    batch: list[tuple[str, dict[str, Any]]] = []
    for doc in ctx.source.documents("customers_v2"):
        if isinstance(doc, BadDocument) or not isinstance(doc, dict):
            continue
        legacy_id, outcome = keys.key(doc)
        if legacy_id is None or outcome == "merged":
            continue
        if legacy_id in ctx.customer_rejected or legacy_id in ctx.customer_alias:
            continue
        batch.append((legacy_id, doc))
        if len(batch) >= ctx.batch_size:
            done += write_batch(ctx, batch, links, group, merged)
            batch = []
            ctx.tick("customers_v2", done)
    if batch:
        done += write_batch(ctx, batch, links, group, merged)
        ctx.tick("customers_v2", done)
    reject_unlinked_logins(ctx, index, links)
    reject_orphan_requests(ctx)
