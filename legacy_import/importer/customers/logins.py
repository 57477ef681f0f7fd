"""Linking a customer to its `users` login, strongest link first (§9.2), each login used
once:

1. `customers_v2.user_id` equal to a `users.id`;
2. `customers_v2.user_id` equal to a `users._id` (24-hex, the backfill's mistake);
3. `users.customer_v2_id` equal to the customer's id (admin form);
4. a user whose `id` equals the customer's id (Excel import);
5. the generated email `customer-<id>@earlybird.local` (admin and dashboard forms, also
   after migration 004 nulled both link fields);
6. the same phone after normalisation (Excel users' `<phone>@customer.earlybird.com`).

Only logins with role customer are linked. A customer login linked to no imported
customer is rejected, saying why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from legacy_import.importer.base import Context
from legacy_import.importer.users import LegacyUser, UserIndex, is_customer_login

LINKS = ("user_id", "user_id_objectid", "customer_v2_id", "equal_id", "email_pattern", "phone")
HEX24 = re.compile(r"^[0-9a-f]{24}$")


@dataclass
class CustomerRow:
    """A `customers_v2` document as the first pass keeps it."""

    legacy_id: str  # its key (rule 6: the id, or id#_id for a colliding second document)
    plain_id: str  # its `id`
    oid: str
    order: int
    phone: str | None
    raw_phone: Any
    user_id: str | None
    name: str


def creation_key(row: CustomerRow) -> tuple:
    """Creation order: ObjectIds sort by creation time; other _ids after, in stream order."""
    is_oid = bool(HEX24.match(row.oid))
    return (0, row.oid, row.order) if is_oid else (1, "", row.order)


def link_logins(rows: list[CustomerRow], index: UserIndex) -> dict[str, tuple[LegacyUser, str]]:
    """customer key → (its login, how it was linked)."""
    by_link: dict[str, list[LegacyUser]] = {}
    by_phone: dict[str, list[LegacyUser]] = {}
    for legacy_id in index.order:
        user = index.by_id[legacy_id]
        if not is_customer_login(user):
            continue
        if user.customer_v2_id:
            by_link.setdefault(user.customer_v2_id, []).append(user)
        if user.phone:
            by_phone.setdefault(user.phone, []).append(user)
    candidates: list[tuple[int, int, str, LegacyUser]] = []
    for row in rows:
        found: list[tuple[int, LegacyUser]] = []
        if row.user_id:
            if (user := index.by_id.get(row.user_id)) is not None:
                found.append((0, user))
            elif HEX24.match(row.user_id) and (user := index.by_oid.get(row.user_id)):
                found.append((1, user))
        if row.legacy_id == row.plain_id:  # a colliding copy is linked by phone only
            found += [(2, user) for user in by_link.get(row.plain_id, [])]
            if (user := index.by_id.get(row.plain_id)) is not None:
                found.append((3, user))
            email = f"customer-{row.plain_id}@earlybird.local"
            if (user := index.by_email.get(email)) is not None:
                found.append((4, user))
        found += [(5, user) for user in by_phone.get(row.phone or "", [])]
        candidates += [(rank, row.order, row.legacy_id, user) for rank, user in found]
    links: dict[str, tuple[LegacyUser, str]] = {}
    claimed: set[str] = set()
    for rank, _order, customer, user in sorted(candidates, key=lambda c: (c[0], c[1])):
        if customer in links or user.legacy_id in claimed or not is_customer_login(user):
            continue
        links[customer] = (user, LINKS[rank])
        claimed.add(user.legacy_id)
    return links


def reject_unlinked_logins(ctx: Context, index: UserIndex, links) -> None:
    """Customer logins no imported customer links to: their customer was rejected or
    merged into another, or there is none."""
    report = ctx.collection("users")
    linked = {user.legacy_id for user, _how in links.values()}
    for legacy_id in index.order:
        user = index.by_id[legacy_id]
        if not is_customer_login(user) or legacy_id in linked:
            continue
        customer = ctx.lost_logins.get(legacy_id)
        if customer is not None and customer in ctx.customer_alias:
            kept = ctx.customer_alias[customer]
            report.reject(
                legacy_id,
                "customer_merged",
                f"its customer {customer} was merged into {kept} (one person, by "
                f"--merge-duplicate-phones); {kept} keeps its own login",
                customer=customer,
            )
        elif customer is not None:
            report.reject(
                legacy_id,
                "customer_not_imported",
                f"its customer {customer} was not imported ({ctx.customer_rejected[customer]})",
                customer=customer,
            )
        else:
            report.reject(
                legacy_id,
                "no_customer",
                f"a customer login ({user.email or user.phone or 'no email'}) that no "
                "customers_v2 document links to: nothing to import it with",
            )
