"""manage.py reconcile_legacy SOURCE [--db NAME] | --mongo-uri URI --db NAME [--report FILE]

(Named so because billing's `manage.py reconcile` checks the new database's own books.)
Per customer and month, the old side computed from the source documents on its own —
(a) what the old engine's rules deliver and bill, (b) what was actually confirmed as
delivered — beside the new database. Every customer-month where the database differs
from (b) must be explained by the latest import's report entries of that customer and
month: the unexplained ones are printed and the exit status is 1 when there are any.
`--report FILE` writes the per-customer-month table as JSON. The source is checked whole
first, as by import_legacy: a damaged file is an error naming the file and the byte
offset or line.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from legacy_import.management.commands._source import add_source_arguments, checked_source
from legacy_import.reconcile import reconciliation
from legacy_import.reconcile.lines import reconciliation_lines
from legacy_import.sources import SourceError


class Command(BaseCommand):
    help = "Compare what the old data confirms as delivered and paid with the new database."

    def add_arguments(self, parser):
        add_source_arguments(parser)
        parser.add_argument("--report", metavar="FILE", help="also write the table as JSON")

    def handle(self, *args, **options):
        source = checked_source(options, nothing="Nothing was compared.")
        try:
            result = reconciliation(source)
        except SourceError as exc:  # it was whole when checked: it changed since
            raise CommandError(f"{exc}\nThe source changed during the comparison.") from exc
        self.stdout.write("\n".join(reconciliation_lines(result)))
        if options["report"]:
            with open(options["report"], "w", encoding="utf-8") as out:
                json.dump(result, out, indent=2, ensure_ascii=False)
            self.stdout.write(f"Table written to {options['report']}")
        if result["unexplained"]:
            sys.exit(1)
