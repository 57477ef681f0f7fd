"""manage.py import_legacy SOURCE [--db NAME] | --mongo-uri URI --db NAME
                         [--dry-run] [--billed-through YYYY-MM] [--report FILE]

Imports the old MongoDB data (a mongodump folder, BSON gzipped or not; a folder of
mongoexport JSON files; or a live server) and prints what it read, created, updated, left
unchanged and rejected per collection, with the reconciliation. Safe to run again: a
second run over the same source changes nothing.
"""

import json
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from legacy_import.importer.base import month_of
from legacy_import.services import import_legacy
from legacy_import.sources import SourceError, source_from_options


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


class Command(BaseCommand):
    help = "Import the old MongoDB data (mongodump, mongoexport or a live server)."

    def add_arguments(self, parser):
        parser.add_argument("source", nargs="?", help="a mongodump or mongoexport folder")
        parser.add_argument("--db", help="the database inside the dump (or on the server)")
        parser.add_argument("--mongo-uri", help="read a live server instead of a folder")
        parser.add_argument("--dry-run", action="store_true", help="write nothing")
        parser.add_argument(
            "--billed-through",
            metavar="YYYY-MM",
            help="months up to this one were billed by the old system",
        )
        parser.add_argument("--report", metavar="FILE", help="also write the report as JSON")
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--no-reconcile", action="store_true", help="skip the reconciliation")

    def handle(self, *args, **options):
        try:
            source = source_from_options(
                source=options["source"], db=options["db"], mongo_uri=options["mongo_uri"]
            )
        except SourceError as exc:
            raise CommandError(str(exc)) from exc
        billed_through = None
        if options["billed_through"]:
            billed_through = month_of(options["billed_through"])
            if billed_through is None:
                raise CommandError("--billed-through is a month: YYYY-MM, e.g. 2026-01.")
        progress = Progress(sys.stderr, tty=sys.stderr.isatty())
        report = import_legacy(
            source,
            dry_run=options["dry_run"],
            billed_through=billed_through,
            batch_size=options["batch_size"],
            progress=progress,
            reconcile=not options["no_reconcile"],
        )
        if progress.tty:
            sys.stderr.write("\n")
        self.stdout.write("\n".join(report.summary_lines()))
        if options["report"]:
            with open(options["report"], "w", encoding="utf-8") as out:
                json.dump(report.as_dict(), out, indent=2, ensure_ascii=False)
            self.stdout.write(f"Report written to {options['report']}")
