"""manage.py reconcile_legacy SOURCE [--db NAME] | --mongo-uri URI --db NAME

(Named so because billing's `manage.py reconcile` checks the new database's own books.)
Per customer and month, the delivered quantity, its amount and the payments in the old
data beside the new database; prints every difference (exit status 1 if any).
"""

import sys

from django.core.management.base import BaseCommand, CommandError

from legacy_import.importer.report import reconciliation_lines
from legacy_import.selectors import reconciliation
from legacy_import.sources import SourceError, source_from_options


class Command(BaseCommand):
    help = "Compare delivered quantities, amounts and payments of the old data and the new."

    def add_arguments(self, parser):
        parser.add_argument("source", nargs="?", help="a mongodump or mongoexport folder")
        parser.add_argument("--db", help="the database inside the dump (or on the server)")
        parser.add_argument("--mongo-uri", help="read a live server instead of a folder")

    def handle(self, *args, **options):
        try:
            source = source_from_options(
                source=options["source"], db=options["db"], mongo_uri=options["mongo_uri"]
            )
        except SourceError as exc:
            raise CommandError(str(exc)) from exc
        result = reconciliation(source)
        self.stdout.write("\n".join(reconciliation_lines(result)))
        if result["mismatches"]:
            sys.exit(1)
