"""Writing a generated dump as the old tools did: `mongoexport` (relaxed Extended JSON, one
document per line) or `mongodump` (BSON, optionally gzipped, with metadata files)."""

from __future__ import annotations

import gzip
import json
import random
import uuid
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import bson


class Ids:
    """Ids as the old code made them: UUID4 strings and ObjectIds whose time is the
    document's creation time (so ObjectId order is creation order, as in MongoDB)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def uuid(self, prefix: str = "") -> str:
        value = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        return f"{prefix}_{value}" if prefix else value

    def oid(self, when: date | datetime) -> bson.ObjectId:
        if not isinstance(when, datetime):
            when = datetime.combine(when, time(6), tzinfo=UTC)
        seconds = int(when.timestamp()) + self.rng.randrange(0, 3600)
        return bson.ObjectId(f"{seconds:08x}{self.rng.getrandbits(64):016x}")


def bson_date(day: date, hour: int = 0, minute: int = 0) -> datetime:
    """A BSON date in a business-date field: UTC midnight, or IST midnight in UTC."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def _ejson(value: Any) -> Any:
    if isinstance(value, bson.ObjectId):
        return {"$oid": str(value)}
    if isinstance(value, datetime):
        return {
            "$date": value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        }
    if isinstance(value, dict):
        return {k: _ejson(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_ejson(v) for v in value]
    return value


def write(
    collections: dict[str, list[dict[str, Any]]],
    folder: Path,
    *,
    fmt: str = "json",
    db: str = "earlybird_delivery",
) -> Path:
    """Write the dump; returns the folder to import (`fmt`: json, dump or dump.gz)."""
    folder = Path(folder)
    if fmt == "json":
        folder.mkdir(parents=True, exist_ok=True)
        for name, docs in collections.items():
            with open(folder / f"{name}.json", "w", encoding="utf-8") as out:
                for doc in docs:
                    out.write(json.dumps(_ejson(doc), separators=(",", ":")) + "\n")
        return folder
    target = folder / db
    target.mkdir(parents=True, exist_ok=True)
    gz = fmt == "dump.gz"
    for name, docs in collections.items():
        data = b"".join(bson.encode(doc) for doc in docs)
        meta = json.dumps(
            {"indexes": [{"v": 2, "key": {"_id": 1}, "name": "_id_"}], "collectionName": name}
        ).encode()
        suffix = ".gz" if gz else ""
        opener = gzip.open if gz else open
        with opener(target / f"{name}.bson{suffix}", "wb") as out:
            out.write(data)
        with opener(target / f"{name}.metadata.json{suffix}", "wb") as out:
            out.write(meta)
    return folder
