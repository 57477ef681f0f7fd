"""Where the old MongoDB data comes from: a `mongodump` folder, a folder of `mongoexport`
JSON files, or a live server. Every source streams documents one at a time, decoded to the
same plain Python values whatever the format:

* ObjectId → its 24-hex string; BSON date → an aware UTC `datetime`;
* int32/int64 → `int`; double → `float`; Decimal128 → `Decimal`;
* strings, booleans, null, arrays and sub-documents as they are.

So a document read from the BSON dump equals the same document read from the JSON export,
and its checksum is the same.

    open_source("../shared/legacy-sample/dump", db="earlybird_delivery")
    open_source("../shared/legacy-sample/json")
    MongoSource("mongodb://…", db="earlybird")
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

CHUNK = 1 << 20  # bytes read at a time from a JSON file


class SourceError(Exception):
    """The source cannot be read at all (missing folder, ambiguous layout, bad file)."""


@dataclass(frozen=True)
class BadDocument:
    """A line of an export that is not a JSON document: reported, never imported."""

    where: str
    error: str


class Source(Protocol):
    def collections(self) -> list[str]: ...

    def documents(self, collection: str) -> Iterator[dict[str, Any] | BadDocument]: ...

    def describe(self) -> str: ...


# --- value decoding -------------------------------------------------------------------------


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


# --- mongodump ---------------------------------------------------------------------------


def _open_maybe_gzip(path: Path) -> io.BufferedIOBase:
    if path.name.endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


class DumpSource:
    """A `mongodump` tree: `<folder>/<db>/<collection>.bson[.gz]` (+ `.metadata.json[.gz]`).

    `path` may be the dump folder (then `db` picks the database, or the only one there is)
    or the database folder itself.
    """

    def __init__(self, path: str | Path, *, db: str | None = None) -> None:
        self.root = Path(path)
        self.folder = _database_folder(self.root, db, suffixes=(".bson", ".bson.gz"))
        self.db = self.folder.name

    def _files(self) -> dict[str, Path]:
        files: dict[str, Path] = {}
        for path in sorted(self.folder.iterdir()):
            for suffix in (".bson.gz", ".bson"):
                if path.name.endswith(suffix) and path.is_file():
                    files.setdefault(path.name[: -len(suffix)], path)
        return files

    def collections(self) -> list[str]:
        return sorted(self._files())

    def documents(self, collection: str) -> Iterator[dict[str, Any]]:
        import bson

        path = self._files().get(collection)
        if path is None:
            return
        options = _bson_options()
        with _open_maybe_gzip(path) as stream:
            try:
                for doc in bson.decode_file_iter(stream, codec_options=options):
                    yield _plain_bson(doc)
            except bson.errors.InvalidBSON as exc:
                raise SourceError(f"{path}: not a readable BSON file ({exc})") from exc

    def describe(self) -> str:
        return f"mongodump {self.folder}"


# --- mongoexport ---------------------------------------------------------------------------


class ExportSource:
    """A folder of `mongoexport` files: `<collection>.json` (or `.jsonl`, either gzipped),
    each holding relaxed or canonical Extended JSON, one document per line or one JSON
    array (`--jsonArray`), pretty-printed or not. Read in chunks, never whole."""

    SUFFIXES = (".json.gz", ".jsonl.gz", ".json", ".jsonl")

    def __init__(self, path: str | Path, *, db: str | None = None) -> None:
        self.root = Path(path)
        self.folder = _database_folder(self.root, db, suffixes=self.SUFFIXES)

    def _files(self) -> dict[str, Path]:
        files: dict[str, Path] = {}
        for path in sorted(self.folder.iterdir()):
            if path.name.endswith(".metadata.json") or not path.is_file():
                continue
            for suffix in self.SUFFIXES:
                if path.name.endswith(suffix):
                    files.setdefault(path.name[: -len(suffix)], path)
                    break
        return files

    def collections(self) -> list[str]:
        return sorted(self._files())

    def documents(self, collection: str) -> Iterator[dict[str, Any] | BadDocument]:
        path = self._files().get(collection)
        if path is None:
            return
        with _open_maybe_gzip(path) as raw, io.TextIOWrapper(raw, encoding="utf-8") as text:
            yield from _json_documents(text, path.name)

    def describe(self) -> str:
        return f"mongoexport {self.folder}"


def _json_documents(text: io.TextIOBase, name: str) -> Iterator[dict[str, Any] | BadDocument]:
    head = text.read(CHUNK)
    stripped = head.lstrip()
    if not stripped:
        return
    first_line = stripped.split("\n", 1)[0].strip()
    if stripped.startswith("[") or first_line == "{":
        yield from _stream_values(text, head, name)
    else:
        yield from _lines(text, head, name)


def _lines(text: io.TextIOBase, head: str, name: str) -> Iterator[dict[str, Any] | BadDocument]:
    """One document per line (what mongoexport writes by default)."""
    number = 0
    rest = ""
    chunk = head
    while chunk:
        lines = (rest + chunk).split("\n")
        rest = lines.pop()
        for line in lines:
            number += 1
            yield from _one_line(line, f"{name}:{number}")
        chunk = text.read(CHUNK)
    if rest.strip():
        yield from _one_line(rest, f"{name}:{number + 1}")


def _one_line(line: str, where: str) -> Iterator[dict[str, Any] | BadDocument]:
    if not line.strip():
        return
    try:
        doc = _DECODER.decode(line)
    except ValueError as exc:
        yield BadDocument(where, str(exc))
        return
    if isinstance(doc, dict):
        yield doc
    else:
        yield BadDocument(where, f"a {type(doc).__name__}, not a document")


def _stream_values(
    text: io.TextIOBase, head: str, name: str
) -> Iterator[dict[str, Any] | BadDocument]:
    """A JSON array of documents, or documents one after another, however laid out."""
    buffer, pos, eof, count, opened = head, 0, False, 0, False
    separators = " \t\r\n,"
    while True:
        while True:  # skip separators, reading on when the buffer runs out
            while pos < len(buffer) and buffer[pos] in separators:
                pos += 1
            if pos < len(buffer) or eof:
                break
            buffer, pos = text.read(CHUNK), 0
            eof = not buffer
        if pos >= len(buffer):
            return
        if buffer[pos] == "[" and not opened and count == 0:
            opened, pos = True, pos + 1
            continue
        if buffer[pos] == "]":
            return
        try:
            value, end = _DECODER.raw_decode(buffer, pos)
        except ValueError as exc:
            if eof:
                raise SourceError(f"{name}: not valid JSON at document {count + 1}: {exc}") from exc
            more = text.read(CHUNK)
            eof = not more
            buffer, pos = buffer[pos:] + more, 0
            continue
        count += 1
        pos = end
        if isinstance(value, dict):
            yield value
        else:
            yield BadDocument(f"{name}#{count}", f"a {type(value).__name__}, not a document")
        if pos > CHUNK:
            buffer, pos = buffer[pos:], 0


# --- a live server ----------------------------------------------------------------------------


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


# --- choosing ---------------------------------------------------------------------------------


def _has(folder: Path, suffixes: tuple[str, ...]) -> bool:
    return any(
        p.is_file() and p.name.endswith(suffixes) and not p.name.endswith(".metadata.json")
        for p in folder.iterdir()
    )


def _database_folder(root: Path, db: str | None, *, suffixes: tuple[str, ...]) -> Path:
    if not root.is_dir():
        raise SourceError(f"{root} is not a folder.")
    if db:
        if (root / db).is_dir() and _has(root / db, suffixes):
            return root / db
        if _has(root, suffixes):  # the database's own folder: --db changes nothing
            return root
        raise SourceError(f"{root} holds no database named {db!r}.")
    if _has(root, suffixes):
        return root
    candidates = [p for p in sorted(root.iterdir()) if p.is_dir() and _has(p, suffixes)]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise SourceError(f"{root} holds no {' or '.join(suffixes)} files.")
    names = ", ".join(p.name for p in candidates)
    raise SourceError(f"{root} holds several databases ({names}): choose one with --db.")


def open_source(path: str | Path, *, db: str | None = None) -> Source:
    """A dump folder (BSON) or an export folder (JSON), whichever `path` holds."""
    root = Path(path)
    try:
        return DumpSource(root, db=db)
    except SourceError as dump_error:
        try:
            return ExportSource(root, db=db)
        except SourceError:
            raise SourceError(
                f"{root}: neither a mongodump folder nor a mongoexport folder ({dump_error})"
            ) from None


__all__ = [
    "BadDocument",
    "DumpSource",
    "ExportSource",
    "MongoSource",
    "Source",
    "SourceError",
    "open_source",
]


def source_from_options(
    *, source: str | None, db: str | None, mongo_uri: str | None
) -> Source | MongoSource:
    """What the commands read: a live server (--mongo-uri with --db) or a folder."""
    if mongo_uri:
        if not db:
            raise SourceError("--mongo-uri needs --db NAME.")
        return MongoSource(mongo_uri, db=db)
    if source:
        return open_source(source, db=db)
    raise SourceError("Give a SOURCE folder or --mongo-uri URI --db NAME.")
