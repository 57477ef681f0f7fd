"""Value decoding: Extended JSON and BSON values → the same plain Python values."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any


def _epoch_ms(ms: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)


def _ejson_hook(obj: dict[str, Any]) -> Any:
    """`json` object hook for relaxed and canonical Extended JSON (v2)."""
    if len(obj) != 1:
        if len(obj) == 2 and "$binary" in obj:  # legacy {"$binary": b64, "$type": "00"}
            return obj["$binary"]
        return obj
    ((key, value),) = obj.items()
    if not key.startswith("$"):
        return obj
    if key == "$oid":
        return value
    if key == "$date":
        if isinstance(value, int):
            return _epoch_ms(value)
        if isinstance(value, str):
            return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
        return obj
    if key in ("$numberLong", "$numberInt"):
        return int(value)
    if key == "$numberDouble":
        return float(value)
    if key == "$numberDecimal":
        return Decimal(value)
    if key == "$binary" and isinstance(value, dict):
        return value.get("base64", "")
    if key == "$timestamp" and isinstance(value, dict):
        return _epoch_ms(int(value.get("t", 0)) * 1000)
    if key == "$regularExpression" and isinstance(value, dict):
        return value.get("pattern", "")
    if key == "$symbol":
        return value
    return obj


_DECODER = json.JSONDecoder(object_hook=_ejson_hook)


def _plain_bson(doc: Any) -> Any:
    """BSON-decoded values → the plain values every source yields."""
    from bson import Binary, Decimal128, ObjectId, Regex, Timestamp

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, ObjectId):
            return str(value)
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=UTC)
        if isinstance(value, Decimal128):
            return value.to_decimal()
        if isinstance(value, Binary | bytes):
            return bytes(value).hex()
        if isinstance(value, Timestamp):
            return value.as_datetime()
        if isinstance(value, Regex):
            return value.pattern
        if isinstance(value, int) and not isinstance(value, bool):
            return int(value)  # Int64 → int
        return value

    return plain(doc)


def _bson_options():
    from bson.codec_options import CodecOptions

    return CodecOptions(tz_aware=True, tzinfo=UTC)
