"""Collections with no place in the new model (addresses, billing_records, delivery
actions, link access logs, the separate pause/override collections, wallets, GPS logs…)
and the subscription audit trail → ArchivedDocument: kept as they were, readable in the
admin, never lost.

The audit trail (`subscription_audit`) is also mapped, row by row, to the order its
subscription became; a row whose subscription was not imported is kept and reported.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from legacy_import.importer.base import (
    Context,
    checksum_of,
    chunked,
    documents,
    existing_records,
    json_safe,
    legacy_id_of,
    save_records,
    text,
)
from legacy_import.models import ArchivedDocument
from orders.models import Order

AUDIT = "subscription_audit"


def archive_collection(ctx: Context, collection: str) -> None:
    report = ctx.collection(collection)
    seen: set[str] = set()
    done = 0

    def keyed() -> Any:
        for doc in documents(ctx, collection):
            legacy_id = legacy_id_of(doc)
            checksum = checksum_of(doc)
            if legacy_id is None or legacy_id in seen:
                legacy_id = text(doc.get("_id")) or checksum[:40]
                if legacy_id in seen:
                    legacy_id = f"{legacy_id}#{checksum[:12]}"
            seen.add(legacy_id)
            yield legacy_id, checksum, doc

    for batch in chunked(keyed(), ctx.batch_size * 4):
        with transaction.atomic():
            _archive(ctx, collection, batch)
        done += len(batch)
        ctx.tick(collection, done)
    if collection == "system_settings" and report.read:
        report.notes.append(
            "business name, phone and UPI id come from the environment now (BUSINESS_NAME, "
            "BUSINESS_PHONE, BUSINESS_UPI_ID); the old values are in the archive"
        )


def _archive(ctx: Context, collection: str, batch: list[tuple[str, str, dict]]) -> None:
    report = ctx.collection(collection)
    found = dict(
        ArchivedDocument.objects.filter(
            collection=collection, legacy_id__in=[b[0] for b in batch]
        ).values_list("legacy_id", "checksum")
    )
    new, changed = [], []
    for legacy_id, checksum, doc in batch:
        if legacy_id not in found:
            new.append(
                ArchivedDocument(
                    collection=collection,
                    legacy_id=legacy_id,
                    checksum=checksum,
                    document=json_safe(doc),
                )
            )
        elif found[legacy_id] != checksum:
            changed.append((legacy_id, checksum, doc))
        else:
            report.unchanged += 1
    ArchivedDocument.objects.bulk_create(new)
    report.created += len(new)
    for legacy_id, checksum, doc in changed:
        ArchivedDocument.objects.filter(collection=collection, legacy_id=legacy_id).update(
            checksum=checksum, document=json_safe(doc)
        )
        report.updated += 1
    if collection == AUDIT:
        _map_audit(ctx, batch)


def _map_audit(ctx: Context, batch: list[tuple[str, str, dict]]) -> None:
    """Each audit row → the order of its subscription, in the legacy-id map."""
    report = ctx.collection(AUDIT)
    found = existing_records(AUDIT, Order, [b[0] for b in batch])
    rows = []
    for legacy_id, checksum, doc in batch:
        subscription = text(doc.get("subscription_id"))
        order = ctx.subscriptions.get(subscription)
        if order is None:
            report.warn(
                legacy_id, "orphan_subscription", f"subscription {subscription!r} not imported"
            )
            continue
        if found.get(legacy_id) != (order, checksum):
            rows.append((legacy_id, order, checksum))
    save_records(AUDIT, Order, rows)
