"""Reading `mongodump` .bson[.gz] files document by document, with byte offsets (of the
uncompressed data when gzipped), and reading gzip streams."""

from __future__ import annotations

import gzip
import io
import os
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from legacy_import.sources.errors import SourceError

MAX_DOCUMENT = 48 << 20  # no BSON document is larger (MongoDB's own limit is 16 MiB)
# What reading a damaged gzip stream raises: cut off (EOFError), not gzip or a bad CRC
# (gzip.BadGzipFile, an OSError), corrupt deflate data (zlib.error).
_READ_ERRORS = (EOFError, OSError, zlib.error)


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
