"""A live MongoDB server as a source."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC
from typing import Any

from legacy_import.sources.errors import SourceError
from legacy_import.sources.values import _plain_bson


class MongoSource:
    """A live MongoDB server, read with pymongo (`pip install "pymongo>=4.6,<5"`)."""

    def __init__(self, uri: str, *, db: str) -> None:
        try:
            import pymongo
        except ImportError as exc:  # pragma: no cover - pymongo is a requirement
            raise SourceError("Reading a live server needs pymongo.") from exc
        self.uri = uri
        self.client = pymongo.MongoClient(uri, tz_aware=True, tzinfo=UTC)
        self.db = self.client[db]

    def collections(self) -> list[str]:
        return sorted(n for n in self.db.list_collection_names() if not n.startswith("system."))

    def documents(self, collection: str) -> Iterator[dict[str, Any]]:
        cursor = self.db[collection].find({}, batch_size=2000, no_cursor_timeout=True)
        try:
            for doc in cursor:
                yield _plain_bson(doc)
        finally:
            cursor.close()

    def describe(self) -> str:
        return f"mongodb {self.db.name}"
