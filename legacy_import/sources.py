"""Where the old MongoDB data comes from: a `mongodump` folder, a folder of `mongoexport`
JSON files, or a live server. Every source streams documents one at a time, decoded to the
same plain Python values whatever the format:

* ObjectId → its 24-hex string; BSON date → an aware UTC `datetime`;
* int32/int64 → `int`; double → `float`; Decimal128 → `Decimal`;
* strings, booleans, null, arrays and sub-documents as they are.

So a document read from the BSON dump equals the same document read from the JSON export,
and its checksum is the same.

A damaged file is an error that names the file and where in it the damage is: the byte offset
for BSON (of the uncompressed data when gzipped), the line for JSON. `check_source` reads
every document of every collection once, so a command can refuse a bad source before it
writes anything (the import commits batch by batch, see services.py).

    open_source("../shared/legacy-sample/dump", db="earlybird_delivery")
    open_source("../shared/legacy-sample/json")
    MongoSource("mongodb://…", db="earlybird")
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

CHUNK = 1 << 20  # bytes read at a time from a JSON file
MAX_DOCUMENT = 48 << 20  # no BSON document is larger (MongoDB's own limit is 16 MiB)
# What reading a damaged gzip stream raises: cut off (EOFError), not gzip or a bad CRC
# (gzip.BadGzipFile, an OSError), corrupt deflate data (zlib.error).
_READ_ERRORS = (EOFError, OSError, zlib.error)
# What decoding one JSON document may raise besides ValueError, from the Extended JSON
# hook (a bad $numberDecimal, a $timestamp without numbers) or from nesting too deep.
_JSON_ERRORS = (ValueError, TypeError, ArithmeticError, RecursionError)


class SourceError(Exception):
    """The source cannot be read at all (missing folder, ambiguous layout, bad file)."""


@dataclass(frozen=True)
class BadDocument:
    """A line of an export that is not a JSON document: reported, never imported (and
    refused by `check_source`)."""

    where: str  # "<file name>:<line>"
    error: str
    path: str = ""  # the file, in full
    line: int = 0

    def message(self) -> str:
        if self.path and self.line:
            return f"{self.path}: line {self.line}: {self.error}"
        return f"{self.where}: {self.error}"


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
        if path.stat().st_size == 0:  # gzip of nothing still has a header: this is no gzip
            raise SourceError(f"{path}: byte offset 0: empty file, not gzip data (cut off?)")
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def _read(stream: io.BufferedIOBase, size: int) -> tuple[bytes, Exception | None]:
    """Up to `size` bytes, fewer only at the end of the data; with what stopped the reading
    early (a cut off or corrupt gzip stream), so the caller can say where it stopped."""
    parts: list[bytes] = []
    got = 0
    while got < size:
        try:
            piece = stream.read1(size - got)
        except _READ_ERRORS as exc:
            return b"".join(parts), exc
        if not piece:
            break
        parts.append(piece)
        got += len(piece)
    return b"".join(parts), None


def _bson_documents(path: Path) -> Iterator[tuple[int, bytes]]:
    """Each document of a .bson[.gz] file with its byte offset, its declared length checked
    against the data; SourceError naming the file and the offset at the first problem."""
    gzipped = path.name.endswith(".gz")
    uncompressed = " of the uncompressed data" if gzipped else ""
    with _open_maybe_gzip(path) as stream:
        size = None if gzipped else os.fstat(stream.fileno()).st_size
        offset = 0
        while True:
            head, error = _read(stream, 4)
            if error is None and not head:
                return
            if error is None and len(head) < 4:
                raise SourceError(
                    f"{path}: byte offset {offset}: the file ends {len(head)} byte(s) into a"
                    " document's length (truncated, or garbage at the end)"
                )
            length = int.from_bytes(head, "little", signed=True) if error is None else 0
            if error is None and length < 5:
                raise SourceError(
                    f"{path}: byte offset {offset}{uncompressed}: impossible document length"
                    f" {length} (not BSON, or corrupt)"
                )
            if error is None and size is not None and length > size - offset:
                raise SourceError(
                    f"{path}: byte offset {offset}: the document declares {length} bytes but"
                    f" the file ends {size - offset} bytes later (truncated or corrupt)"
                )
            if error is None and length > MAX_DOCUMENT:
                raise SourceError(
                    f"{path}: byte offset {offset}{uncompressed}: the document declares"
                    f" {length} bytes, more than any BSON document holds (corrupt)"
                )
            body = b""
            if error is None:
                body, error = _read(stream, length - 4)
            if error is not None:
                at = offset + len(head) + len(body)
                raise SourceError(
                    f"{path}: byte offset {at}{uncompressed}: the gzip data is cut off or"
                    f" corrupt ({error}), in the document at byte offset {offset}"
                    if gzipped
                    else f"{path}: byte offset {at}: cannot be read ({error})"
                ) from error
            if len(body) < length - 4:
                raise SourceError(
                    f"{path}: byte offset {offset}{uncompressed}: the document declares {length}"
                    f" bytes but the data ends {4 + len(body)} bytes later (truncated)"
                )
            yield offset, head + body
            offset += length


def _decode_bson(data: bytes, path: Path, offset: int, options: Any) -> dict[str, Any]:
    import bson

    try:
        return bson.decode(data, codec_options=options)
    except (bson.errors.InvalidBSON, ValueError, TypeError, OverflowError) as exc:
        where = " of the uncompressed data" if path.name.endswith(".gz") else ""
        raise SourceError(
            f"{path}: byte offset {offset}{where}: not a valid BSON document ({exc})"
        ) from exc


class DumpSource:
    """A `mongodump` tree: `<folder>/<db>/<collection>.bson[.gz]` (+ `.metadata.json[.gz]`).

    `path` may be the dump folder (then `db` picks the database, or the only one there is)
    or the database folder itself. An empty `.bson` file is an empty collection (mongodump
    writes one for each); an empty `.bson.gz` is an error (gzip of nothing is not empty).
    """

    def __init__(self, path: str | Path, *, db: str | None = None) -> None:
        self.root = Path(path)
        self.folder = _database_folder(
            self.root, db, suffixes=(".bson", ".bson.gz"), named_after_db=True
        )
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
        path = self._files().get(collection)
        if path is None:
            return
        options = _bson_options()
        for offset, data in _bson_documents(path):
            yield _plain_bson(_decode_bson(data, path, offset, options))

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
            if path.name.endswith(_METADATA) or not path.is_file():
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
        with _open_maybe_gzip(path) as raw:
            yield from _json_documents(_Utf8Reader(raw, path), path.name, path=str(path))

    def describe(self) -> str:
        return f"mongoexport {self.folder}"


class _Utf8Reader:
    """A binary stream read as UTF-8 text, chunk by chunk; bytes that are not UTF-8 and
    a cut off or corrupt gzip stream raise SourceError naming the file and the line."""

    def __init__(self, raw: io.BufferedIOBase, path: Path) -> None:
        self.raw, self.path = raw, path
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.lines = 0  # newlines in the text returned so far
        self.offset = 0  # bytes read so far

    def read(self, size: int) -> str:
        data, error = _read(self.raw, size)
        start = self.offset - len(self.decoder.getstate()[0])  # where exc.object starts
        self.offset += len(data)
        try:
            text = self.decoder.decode(data, final=error is None and not data)
        except UnicodeDecodeError as exc:
            line = self.lines + exc.object.count(b"\n", 0, exc.start) + 1
            raise SourceError(
                f"{self.path}: line {line}: not UTF-8 (byte {exc.object[exc.start]:#04x}"
                f" at byte offset {start + exc.start})"
            ) from None
        if error is not None:
            line = self.lines + text.count("\n") + 1
            gzipped = self.path.name.endswith(".gz")
            what = "the gzip data is cut off or corrupt" if gzipped else "cannot be read"
            raise SourceError(f"{self.path}: line {line}: {what} ({error})") from error
        self.lines += text.count("\n")
        return text


def _json_documents(
    text: io.TextIOBase | _Utf8Reader, name: str, *, path: str = ""
) -> Iterator[dict[str, Any] | BadDocument]:
    label = path or name
    head = text.read(CHUNK)
    stripped = head.lstrip()
    if not stripped:
        return
    first_line = stripped.split("\n", 1)[0].strip()
    if stripped.startswith("[") or first_line == "{":
        yield from _stream_values(text, head, name, label)
    else:
        yield from _lines(text, head, name, label)


def _lines(
    text: io.TextIOBase | _Utf8Reader, head: str, name: str, label: str
) -> Iterator[dict[str, Any] | BadDocument]:
    """One document per line (what mongoexport writes by default)."""
    number = 0
    rest = ""
    chunk = head
    while chunk:
        lines = (rest + chunk).split("\n")
        rest = lines.pop()
        for line in lines:
            number += 1
            yield from _one_line(line, name, label, number)
        chunk = text.read(CHUNK)
    if rest.strip():
        yield from _one_line(rest, name, label, number + 1)


def _one_line(
    line: str, name: str, label: str, number: int
) -> Iterator[dict[str, Any] | BadDocument]:
    if not line.strip():
        return
    where = f"{name}:{number}"
    try:
        doc = _DECODER.decode(line)
    except json.JSONDecodeError as exc:
        yield BadDocument(where, f"not valid JSON ({exc.msg}, column {exc.colno})", label, number)
        return
    except _JSON_ERRORS as exc:
        yield BadDocument(where, f"not valid Extended JSON ({exc})", label, number)
        return
    if isinstance(doc, dict):
        yield doc
    else:
        yield BadDocument(where, _not_a_document(doc), label, number)


def _not_a_document(value: Any) -> str:
    kinds = {list: "an array", str: "a string", int: "a number", float: "a number"}
    kind = "null" if value is None else kinds.get(type(value), type(value).__name__)
    if isinstance(value, bool):
        kind = "true or false"
    return f"{kind}, not a document (a JSON object)"


def _stream_values(
    text: io.TextIOBase | _Utf8Reader, head: str, name: str, label: str
) -> Iterator[dict[str, Any] | BadDocument]:
    """A JSON array of documents, or documents one after another, however laid out.
    Where a document ends is only known once it parses, so a bad one is fatal here."""
    buffer, pos, eof, opened, closed = head, 0, False, False, False
    count = 0
    dropped = 0  # newlines in the text dropped from the front of `buffer`
    separators = " \t\r\n,"

    def line_at(index: int) -> int:
        return dropped + buffer.count("\n", 0, index) + 1

    while True:
        while True:  # skip separators, reading on when the buffer runs out
            while pos < len(buffer) and buffer[pos] in separators:
                pos += 1
            if pos < len(buffer) or eof:
                break
            dropped += buffer.count("\n")
            buffer, pos = text.read(CHUNK), 0
            eof = not buffer
        if pos >= len(buffer):
            if opened and not closed:
                raise SourceError(
                    f"{label}: line {line_at(pos)}: the file ends inside the array, before"
                    " its closing ] (truncated)"
                )
            return
        if closed:
            raise SourceError(f"{label}: line {line_at(pos)}: more data after the closing ]")
        if buffer[pos] == "[" and not opened and count == 0:
            opened, pos = True, pos + 1
            continue
        if buffer[pos] == "]":
            if not opened:
                raise SourceError(f"{label}: line {line_at(pos)}: a ] that closes no array")
            closed, pos = True, pos + 1
            continue
        try:
            value, end = _DECODER.raw_decode(buffer, pos)
        except json.JSONDecodeError as exc:
            if eof:
                raise SourceError(
                    f"{label}: line {dropped + exc.lineno}: not valid JSON ({exc.msg};"
                    f" document {count + 1} of the file)"
                ) from exc
            more = text.read(CHUNK)
            eof = not more
            dropped += buffer.count("\n", 0, pos)
            buffer, pos = buffer[pos:] + more, 0
            continue
        except _JSON_ERRORS as exc:
            raise SourceError(
                f"{label}: line {line_at(pos)}: not valid Extended JSON ({exc};"
                f" document {count + 1} of the file)"
            ) from exc
        count += 1
        if isinstance(value, dict):
            yield value
        else:
            line = line_at(pos)
            yield BadDocument(f"{name}:{line}", _not_a_document(value), label, line)
        pos = end
        if pos > CHUNK:
            dropped += buffer.count("\n", 0, pos)
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

DUMP_SUFFIXES = (".bson", ".bson.gz")
_METADATA = (".metadata.json", ".metadata.json.gz")


def _has(folder: Path, suffixes: tuple[str, ...]) -> bool:
    return any(
        p.is_file() and p.name.endswith(suffixes) and not p.name.endswith(_METADATA)
        for p in folder.iterdir()
    )


def _databases(root: Path, suffixes: tuple[str, ...]) -> list[Path]:
    return [p for p in sorted(root.iterdir()) if p.is_dir() and _has(p, suffixes)]


def _database_folder(
    root: Path, db: str | None, *, suffixes: tuple[str, ...], named_after_db: bool = False
) -> Path:
    """The folder holding the collections' files: `root/db`, or `root` itself. A mongodump
    database folder is named after its database (`named_after_db`), so `db` must match it;
    an export folder's name says nothing."""
    if not root.is_dir():
        raise SourceError(f"{root} is not a folder.")
    files = " or ".join(suffixes)
    databases = _databases(root, suffixes)
    if db:
        if (root / db).is_dir() and _has(root / db, suffixes):
            return root / db
        if _has(root, suffixes):
            if not named_after_db or root.name == db:  # the database's own folder
                return root
            raise SourceError(
                f"{root} is the dump of the database {root.name!r}, not {db!r}: leave out"
                " --db, or give the folder that holds the database's folder."
            )
        if databases:
            names = ", ".join(p.name for p in databases)
            raise SourceError(f"{root} holds no database named {db!r}; it holds {names}.")
        raise SourceError(f"{root} holds no database named {db!r} (no {files} files).")
    if _has(root, suffixes):
        return root
    if len(databases) == 1:
        return databases[0]
    if not databases:
        raise SourceError(f"{root} holds no {files} files.")
    names = ", ".join(p.name for p in databases)
    raise SourceError(f"{root} holds several databases ({names}): choose one with --db.")


def _holds(root: Path, suffixes: tuple[str, ...]) -> bool:
    return _has(root, suffixes) or bool(_databases(root, suffixes))


def open_source(path: str | Path, *, db: str | None = None) -> Source:
    """A dump folder (BSON) or an export folder (JSON), whichever `path` holds."""
    root = Path(path)
    if not root.exists():
        raise SourceError(f"{root} is not a folder: there is nothing at that path.")
    if not root.is_dir():
        raise SourceError(
            f"{root} is not a folder: give a mongodump folder or a folder of mongoexport files."
        )
    try:
        try:
            return DumpSource(root, db=db)
        except SourceError:
            if _holds(root, DUMP_SUFFIXES):  # a dump, but not as asked: say why
                raise
        try:
            return ExportSource(root, db=db)
        except SourceError:
            if _holds(root, ExportSource.SUFFIXES):
                raise
    except OSError as exc:
        raise SourceError(f"{root}: cannot be read ({exc})") from exc
    raise SourceError(
        f"{root}: neither a mongodump folder (.bson files) nor a mongoexport folder (.json"
        " files), nor a folder holding one database's folder of either."
    )


def check_source(
    source: Source | MongoSource, *, progress: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Read every document of every collection of a dump or export folder once, before
    anything is written: SourceError at the first damaged file, document or line, naming
    the file and the byte offset (BSON) or line (JSON). Returns the documents per
    collection. A live server is not read twice: what it sends is whole documents."""
    counts: dict[str, int] = {}
    if isinstance(source, MongoSource):
        return counts
    try:
        for name in source.collections():
            counts[name] = 0
            for doc in source.documents(name):
                if isinstance(doc, BadDocument):
                    raise SourceError(doc.message())
                counts[name] += 1
                if progress is not None and counts[name] % 10000 == 0:
                    progress(f"checking {name}", counts[name])
            if progress is not None:
                progress(f"checking {name}", counts[name])
    except OSError as exc:
        raise SourceError(f"{source.describe()}: cannot be read ({exc})") from exc
    return counts


__all__ = [
    "BadDocument",
    "DumpSource",
    "ExportSource",
    "MongoSource",
    "Source",
    "SourceError",
    "check_source",
    "open_source",
]


def source_from_options(
    *, source: str | None, db: str | None, mongo_uri: str | None
) -> Source | MongoSource:
    """What the commands read: a live server (--mongo-uri with --db) or a folder."""
    if mongo_uri:
        if source:
            raise SourceError("Give a SOURCE folder or --mongo-uri, not both.")
        if not db:
            raise SourceError("--mongo-uri needs --db NAME.")
        return MongoSource(mongo_uri, db=db)
    if source:
        return open_source(source, db=db)
    raise SourceError("Give a SOURCE folder or --mongo-uri URI --db NAME.")
