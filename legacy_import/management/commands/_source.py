"""What both legacy commands share: the source arguments, and opening the source checked
whole, so that a bad option or a damaged file is a CommandError before anything is
written. (A module whose name starts with "_" is not a command.)"""

from __future__ import annotations

from collections.abc import Callable

from django.core.management.base import CommandError

from legacy_import.sources import (
    MongoSource,
    Source,
    SourceError,
    check_source,
    source_from_options,
)


def add_source_arguments(parser) -> None:
    parser.add_argument("source", nargs="?", help="a mongodump or mongoexport folder")
    parser.add_argument("--db", help="the database inside the dump (or on the server)")
    parser.add_argument("--mongo-uri", help="read a live server instead of a folder")


def checked_source(
    options: dict, *, progress: Callable[[str, int], None] | None = None, nothing: str
) -> Source | MongoSource:
    """The source the options name, every document of it read once: a CommandError naming
    the file and the byte offset or line at the first damage. `nothing`: what the command
    did not do, said after the error."""
    try:
        source = source_from_options(
            source=options["source"], db=options["db"], mongo_uri=options["mongo_uri"]
        )
        check_source(source, progress=progress)
    except SourceError as exc:
        raise CommandError(f"{exc}\n{nothing}") from exc
    return source
