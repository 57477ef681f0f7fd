"""Reading `mongoexport` files: Extended JSON, one document per line or one JSON array,
in chunks, with line numbers."""

from __future__ import annotations

import codecs
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from legacy_import.sources.bson_files import _read
from legacy_import.sources.errors import BadDocument, SourceError
from legacy_import.sources.values import _DECODER

CHUNK = 1 << 20  # bytes read at a time from a JSON file
# What decoding one JSON document may raise besides ValueError, from the Extended JSON
# hook (a bad $numberDecimal, a $timestamp without numbers) or from nesting too deep.
_JSON_ERRORS = (ValueError, TypeError, ArithmeticError, RecursionError)


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
            if line and not line.isspace():
                yield _one_line(line, name, label, number)
        chunk = text.read(CHUNK)
    if rest.strip():
        yield _one_line(rest, name, label, number + 1)


def _one_line(line: str, name: str, label: str, number: int) -> dict[str, Any] | BadDocument:
    """The document on a line that is not blank (a plain call: a generator per line of a
    large dump costs more than the decoding around it)."""
    try:
        doc = _DECODER.decode(line)
    except json.JSONDecodeError as exc:
        return BadDocument(
            f"{name}:{number}", f"not valid JSON ({exc.msg}, column {exc.colno})", label, number
        )
    except _JSON_ERRORS as exc:
        return BadDocument(f"{name}:{number}", f"not valid Extended JSON ({exc})", label, number)
    if isinstance(doc, dict):
        return doc
    return BadDocument(f"{name}:{number}", _not_a_document(doc), label, number)


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
