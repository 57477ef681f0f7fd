"""manage.py import_legacy SOURCE [--db NAME] | --mongo-uri URI --db NAME
                         [--dry-run] [--billed-through YYYY-MM] [--report FILE]
                         [--batch-size N] [--no-reconcile]
                         [--merge-duplicate-phones FILE]

Imports the old MongoDB data (a mongodump folder, BSON gzipped or not; a folder of
mongoexport JSON files; or a live server) and prints what it read, created, updated, left
unchanged and rejected per collection, with the reconciliation. Safe to run again: a
second run over the same source changes nothing.

The import commits batch by batch (an interrupted run keeps what it wrote and the next run
finishes it), so a folder is first read whole: a bad option, a damaged file (truncated or
corrupt BSON or gzip, bytes that are not UTF-8, a line that is not a JSON document) is an
error naming the file and the byte offset or line, and nothing is written.

Customers sharing a phone are reported (each one left out with what it had); ops list the
ones that are one person in a file (one line per person, legacy customer ids separated by
spaces or commas, the one to keep first) and run again with --merge-duplicate-phones FILE.
"""

import json
import re
import sys
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from legacy_import.importer.customers.phones import (
    MergeError,
    check_merge_groups,
    read_merge_file,
)
from legacy_import.management.commands._source import add_source_arguments, checked_source
from legacy_import.services import import_legacy
from legacy_import.sources import SourceError

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class Progress:
    """A progress line on a terminal; a plain log line now and then otherwise."""

    def __init__(self, stream, *, tty: bool) -> None:
        self.stream, self.tty = stream, tty
        self.last_name, self.last_time = None, 0.0

    def __call__(self, collection: str, done: int) -> None:
        now = time.monotonic()
        if self.tty:
            self.stream.write(f"\r  {collection}: {done:,} documents ")
            if collection != self.last_name and self.last_name is not None:
                self.stream.write("\n")
            self.stream.flush()
        elif collection != self.last_name or now - self.last_time > 10:
            self.stream.write(f"{collection}: {done:,} documents\n")
            self.last_time = now
        self.last_name = collection


def billed_month(value: str) -> date:
    """--billed-through: YYYY-MM, a real month."""
    match = _MONTH.match(value.strip())
    if match and int(match[1]) >= 1 and 1 <= int(match[2]) <= 12:
        return date(int(match[1]), int(match[2]), 1)
    raise CommandError(f"--billed-through is a month: YYYY-MM, e.g. 2026-01 (not {value!r}).")


class Command(BaseCommand):
    help = "Import the old MongoDB data (mongodump, mongoexport or a live server)."

    def add_arguments(self, parser):
        add_source_arguments(parser)
        parser.add_argument("--dry-run", action="store_true", help="write nothing")
        parser.add_argument(
            "--billed-through",
            metavar="YYYY-MM",
            help="months up to this one were billed by the old system",
        )
        parser.add_argument("--report", metavar="FILE", help="also write the report as JSON")
        parser.add_argument(
            "--batch-size", type=int, default=500, help="documents per transaction (1 or more)"
        )
        parser.add_argument("--no-reconcile", action="store_true", help="skip the reconciliation")
        parser.add_argument(
            "--merge-duplicate-phones",
            metavar="FILE",
            help="legacy customers that are one person: one line each, the one to keep first",
        )

    def handle(self, *args, **options):
        batch_size = options["batch_size"]
        if batch_size < 1:
            raise CommandError(
                f"--batch-size is a number of documents, 1 or more (not {batch_size})."
            )
        billed_through = None
        if options["billed_through"] is not None:
            billed_through = billed_month(options["billed_through"])
        progress = Progress(sys.stderr, tty=sys.stderr.isatty())
        source = checked_source(
            options, progress=progress if progress.tty else None, nothing="Nothing was imported."
        )
        if progress.tty:
            sys.stderr.write("\n")
        merge_groups = []
        if options["merge_duplicate_phones"]:
            try:
                merge_groups = read_merge_file(options["merge_duplicate_phones"])
                check_merge_groups(source, merge_groups)
            except (OSError, UnicodeDecodeError, MergeError) as exc:
                raise CommandError(
                    f"--merge-duplicate-phones: {exc}\nNothing was imported."
                ) from exc
        try:
            report = import_legacy(
                source,
                dry_run=options["dry_run"],
                billed_through=billed_through,
                batch_size=batch_size,
                progress=progress,
                reconcile=not options["no_reconcile"],
                merge_groups=merge_groups,
            )
        except SourceError as exc:  # it was whole when checked: it changed since
            raise CommandError(
                f"{exc}\nThe source changed during the import. What was written before stays;"
                " run the import again once the source is whole."
            ) from exc
        if progress.tty:
            sys.stderr.write("\n")
        self.stdout.write("\n".join(report.summary_lines()))
        if options["report"]:
            with open(options["report"], "w", encoding="utf-8") as out:
                json.dump(report.as_dict(), out, indent=2, ensure_ascii=False)
            self.stdout.write(f"Report written to {options['report']}")
