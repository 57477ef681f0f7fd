"""Values of the old data that every part of the translation reads: Extended JSON, BSON
dates in business-date fields (§1.2), customer statuses (rule 1)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from customers.models import Customer

LEGACY_START = date(2000, 1, 1)
"""The start date given to imported subscriptions, which had none."""

QUANTUM = Decimal("0.001")
MAX_QUANTITY = Decimal("9999999.999")  # QuantityField: 10 digits, 3 places
MAX_EXPANDED_DAYS = 3660
"""A one-time range written out day by day (see module doc) may not be longer."""

IST_OFFSET = timedelta(hours=5, minutes=30)
ONE_DAY = timedelta(days=1)


# --- reading mongoexport Extended JSON ------------------------------------------------


def decode_extended_json(value: Any) -> Any:
    """Relaxed or canonical Extended JSON (as parsed by `json`) → Python values.

    `$date` → an aware UTC datetime (what a BSON date is); `$oid` → its hex string;
    `$numberLong`/`$numberInt` → int; `$numberDouble` → float; `$numberDecimal` →
    Decimal. Everything else is returned as is, recursively.
    """
    if isinstance(value, list):
        return [decode_extended_json(v) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((key, inner),) = value.items()
        if key == "$date":
            return _decode_date(inner)
        if key == "$oid":
            return inner
        if key in ("$numberLong", "$numberInt"):
            return int(inner)
        if key == "$numberDouble":
            return float(inner)
        if key == "$numberDecimal":
            return Decimal(inner)
    return {k: decode_extended_json(v) for k, v in value.items()}


def _decode_date(inner: Any) -> datetime:
    if isinstance(inner, dict):  # canonical: {"$numberLong": "<ms since epoch>"}
        inner = int(inner["$numberLong"])
    if isinstance(inner, int):
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=inner)
    return datetime.fromisoformat(inner.replace("Z", "+00:00")).astimezone(UTC)


def read_export(path) -> list[dict[str, Any]]:
    """Every document of a mongoexport file (one Extended JSON document per line)."""
    with open(path, encoding="utf-8") as lines:
        return [decode_extended_json(json.loads(line)) for line in lines if line.strip()]


def business_date_of_bson(value: datetime) -> date:
    """§1.2: a BSON date in a business-date field, read as UTC + 5 h 30 min."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return (value + IST_OFFSET).date()


# --- statuses -------------------------------------------------------------------------


def translate_customer_status(raw: Any) -> str:
    """A `customers_v2.status` → `Customer.Status`: lower-cased; anything else paused."""
    if isinstance(raw, str) and raw.strip().lower() in Customer.Status.values:
        return raw.strip().lower()
    return Customer.Status.PAUSED
