"""`shared_delivery_links` → DeliveryLink, imported revoked.

The old links let anyone holding them confirm anything: none may keep working. Each is
kept for the record (label, boy, shift, dates, who made it) with a fresh random token
that nobody ever sees (only its SHA-256 is stored) and `revoked_at` set at its first
import. A link for "All Boys" (no delivery boy) has no route to belong to in the new
system: rejected. A shift other than morning or evening (null, both, all) is recorded as
morning.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import transaction

from deliveries.models import DeliveryLink
from deliveries.services.links import hash_token
from legacy_import.importer.base import (
    Context,
    business_date,
    checksum_of,
    documents,
    existing_records,
    save_records,
    text,
    timestamp,
)
from legacy_import.translate import business_date_of_bson
from orders.models import Order


def import_links(ctx: Context) -> None:
    collection = "shared_delivery_links"
    report = ctx.collection(collection)
    seen: set[str] = set()
    with transaction.atomic():
        for doc in documents(ctx, collection):
            legacy_id = text(doc.get("link_id"), 100) or text(doc.get("_id"), 100)
            if not legacy_id or legacy_id in seen:
                report.reject(
                    legacy_id,
                    "duplicate_id" if legacy_id else "no_id",
                    "a second link with this link_id: the first is imported (all are revoked)"
                    if legacy_id
                    else "a link without link_id or _id",
                )
                continue
            seen.add(legacy_id)
            boy = ctx.boys.get(text(doc.get("delivery_boy_id")))
            if boy is None:
                who = text(doc.get("delivery_boy_name")) or "no delivery boy"
                report.reject(
                    legacy_id,
                    "no_delivery_boy",
                    f"link for {who!r}: no delivery boy, so no route to belong to (it was "
                    "revoked anyway)",
                )
                continue
            shift = text(doc.get("shift")).lower()
            if shift not in (Order.Shift.MORNING, Order.Shift.EVENING):
                report.warn(legacy_id, "shift", f"shift {doc.get('shift')!r} recorded as morning")
                shift = Order.Shift.MORNING
            created = timestamp(doc.get("created_at"), naive_is_utc=True) or ctx.now
            expires = timestamp(doc.get("expires_at"), naive_is_utc=True) or created
            valid_from = business_date(doc.get("date")) or business_date_of_bson(created)
            valid_until = max(business_date_of_bson(expires), valid_from)
            fields = {
                "delivery_boy_id": boy,
                "shift": shift,
                "label": text(doc.get("name"), 100),
                "valid_from": valid_from,
                "valid_until": valid_until,
                "expires_at": max(expires, created + timedelta(seconds=1)),
                "created_by_id": ctx.users.get(text(doc.get("created_by"))),
            }
            checksum = checksum_of(doc)
            record = existing_records(collection, DeliveryLink, [legacy_id]).get(legacy_id)
            link = DeliveryLink.objects.filter(pk=record[0]).first() if record else None
            if link is not None and record[1] == checksum:
                report.unchanged += 1
                continue
            if link is None:
                link = DeliveryLink(
                    token_hash=hash_token(secrets.token_urlsafe(32)), revoked_at=ctx.now
                )
                report.created += 1
            else:
                report.updated += 1
            for key, value in fields.items():
                setattr(link, key, value)
            link.revoked_at = link.revoked_at or ctx.now
            link.full_clean()
            link.save()
            save_records(collection, DeliveryLink, [(legacy_id, link.pk, checksum)])
    ctx.tick(collection, report.read)
