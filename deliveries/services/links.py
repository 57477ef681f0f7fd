"""Shared links for a substitute with no login: one route, one shift, today only.

The token is long and random and shown once; only its SHA-256 is stored.
"""

import hashlib
import secrets
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from deliveries.models import DeliveryBoy, DeliveryLink

TOKEN_BYTES = 32


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_link(
    *,
    delivery_boy: DeliveryBoy,
    shift: str,
    valid_from: date,
    valid_until: date,
    expires_at: datetime,
    created_by,
    label: str = "",
) -> tuple[DeliveryLink, str]:
    """Make a link; returns it with the token (the only time the token is known)."""
    if valid_until < valid_from:
        raise ValidationError({"valid_until": "The last day cannot be before the first."})
    if expires_at <= timezone.now():
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = DeliveryLink(
        delivery_boy=delivery_boy,
        shift=shift,
        label=label,
        token_hash=hash_token(token),
        valid_from=valid_from,
        valid_until=valid_until,
        expires_at=expires_at,
        created_by=created_by,
    )
    with transaction.atomic():
        link.full_clean()
        link.save()
    return link, token


def valid_link(token: str, *, now: datetime | None = None) -> DeliveryLink | None:
    """The link this token opens today, or None: unknown, tampered, malformed, expired,
    revoked or outside its dates all look the same to the caller. Read-only."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    now = now or timezone.now()
    today = timezone.localdate(now)
    link = (
        DeliveryLink.objects.select_related("delivery_boy")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if (
        link is None
        or link.revoked_at is not None
        or link.expires_at <= now
        or not link.valid_from <= today <= link.valid_until
    ):
        return None
    return link


def revoke_link(*, link: DeliveryLink, by) -> DeliveryLink:
    with transaction.atomic():
        if link.revoked_at is None:
            link.revoked_at = timezone.now()
            link.revoked_by = by
            link.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    return link
