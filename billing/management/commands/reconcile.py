"""manage.py reconcile [--month YYYY-MM]

Checks that every delivered unit is billed once and that money adds up (see
billing/reconciliation.py); prints each violation and exits with status 1 if there is
any, so cron can alert.
"""

from django.core.management.base import BaseCommand, CommandError

from billing.reconciliation import reconcile
from earlybird.bounds import option_month


class Command(BaseCommand):
    help = (
        "Check billing: delivered but never billed after a run, billed twice, bill totals "
        "against their lines and adjustments, the ledger against bills − payments. "
        "Exit status 1 on any violation."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--month", help="YYYY-MM: only that month's deliveries and bills (ledger: all)"
        )

    def handle(self, *args, month: str | None = None, **options):
        period = option_month(month, option="--month") if month else None
        result = reconcile(month=period)
        scope = f"{period:%Y-%m}" if period else "all months"
        self.stdout.write(f"Reconciliation of {scope}:")
        for _, label, count, violations in result.summary():
            self.stdout.write(f"  {label}: {count}")
            for violation in violations:
                self.stdout.write(f"    {violation}")
        if not result.ok:
            raise CommandError(f"{result.total} violations found.", returncode=1)
        self.stdout.write(self.style.SUCCESS("No violation: every check passes."))
