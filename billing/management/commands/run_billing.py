import time
from contextlib import nullcontext
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from billing.models import Bill
from billing.services import issue_bills, month_end, run_billing
from earlybird.bounds import option_month


def month_from(value: str):
    this_month = timezone.localdate().replace(day=1)
    if value == "current":
        return this_month
    if value == "previous":
        return (this_month - timedelta(days=1)).replace(day=1)
    return option_month(value, option="--month")


class Command(BaseCommand):
    help = (
        "Bill every confirmed, unbilled delivery up to the month's end onto the customers' "
        "draft bills for the month (idempotent: a rerun bills nothing twice)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--month", default="previous", help="YYYY-MM, previous (default) or current"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would be billed, save nothing"
        )
        parser.add_argument(
            "--issue", action="store_true", help="then issue (number and freeze) the drafts"
        )
        parser.add_argument(
            "--before-month-end",
            action="store_true",
            help="bill the current month although it has not ended (logged)",
        )

    def handle(
        self, *args, month: str, dry_run: bool, issue: bool, before_month_end: bool, **options
    ):
        period = month_from(month)
        started = time.perf_counter()
        # A real run commits as it goes (the run shows as running meanwhile); a dry run
        # does the same work inside one transaction and rolls it back.
        try:
            with transaction.atomic() if dry_run else nullcontext():
                run = run_billing(period=period, before_month_end=before_month_end)
                issued = issue_bills(period=period) if issue else 0
                drafts = Bill.objects.filter(period=period, status=Bill.Status.DRAFT).count()
                if dry_run:
                    transaction.set_rollback(True)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        seconds = time.perf_counter() - started
        prefix = "Dry run, nothing saved — would bill" if dry_run else "Billed"
        self.stdout.write(
            f"{prefix} {period:%Y-%m} (deliveries up to {month_end(period)}): "
            f"{run.lines_created} deliveries on {run.bills_touched} bills, "
            f"₹{run.amount_billed} including adjustments, in {seconds:.1f} s."
        )
        if issue:
            self.stdout.write(f"Issued {issued} bills.")
        else:
            self.stdout.write(f"{drafts} draft bills for {period:%Y-%m} await issue.")
