"""Dump and export folders: finding the database's folder (--db), the `DumpSource` and
`ExportSource` that read them, opening whichever a path holds, and checking a source
whole before anything is written."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

from legacy_import.sources.bson_files import _bson_documents, _decode_bson, _open_maybe_gzip
from legacy_import.sources.errors import BadDocument, SourceError
from legacy_import.sources.json_files import _json_documents, _Utf8Reader
from legacy_import.sources.mongo import MongoSource
from legacy_import.sources.values import _bson_options, _plain_bson


class Source(Protocol):
    def collections(self) -> list[str]: ...

    def documents(self, collection: str) -> Iterator[dict[str, Any] | BadDocument]: ...

    def describe(self) -> str: ...


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
