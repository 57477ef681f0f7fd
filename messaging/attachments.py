"""Attachments made when a message is sent, by kind. Upper layers register how to make
theirs at start-up (billing: "bill_pdf"), so messaging never imports them."""

from __future__ import annotations

from collections.abc import Callable

# kind -> maker(ref) -> (file name, content bytes, MIME type)
Maker = Callable[[int], tuple[str, bytes, str]]
_makers: dict[str, Maker] = {}


def register(kind: str, maker: Maker) -> None:
    _makers[kind] = maker


def make(kind: str, ref: int) -> tuple[str, bytes, str]:
    """The attachment `kind` made from the object `ref`; LookupError when unknown."""
    try:
        maker = _makers[kind]
    except KeyError:
        raise LookupError(f"No attachment of kind {kind!r} is registered.") from None
    return maker(ref)
