"""manage.py reconcile_gateway FILE.csv [--paise]

Compares the payment gateway's settlement report (Razorpay Dashboard > Reports >
Settlement recon, CSV) with the payments recorded from its webhooks: payments in the
report but not recorded, recorded but not in the report (on the days it covers), and
amounts that differ (billing/gateway/reconcile.py). Reads only; exit status 1 on any
difference, so cron can alert.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from billing.gateway import payment_gateway
from billing.gateway.base import SettlementError
from billing.gateway.reconcile import reconcile_settlement

MAX_BYTES = 50_000_000


class Command(BaseCommand):
    help = (
        "Compare the gateway's settlement report (CSV) with the payments recorded online. "
        "Exit status 1 on any difference."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the settlement report, CSV as the dashboard exports it")
        parser.add_argument(
            "--paise", action="store_true", help="amounts are in paise (the API's figures)"
        )

    def handle(self, *args, file: str, paise: bool = False, **options):
        path = Path(file)
        try:
            if path.stat().st_size > MAX_BYTES:
                raise CommandError(f"{file}: larger than {MAX_BYTES:,} bytes.")
            text = path.read_bytes().decode("utf-8-sig")
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror or exc}.") from None
        except UnicodeDecodeError:
            raise CommandError(f"{file}: not UTF-8 text; export the report as CSV.") from None
        try:
            rows = payment_gateway().parse_settlement(text, in_paise=paise)
        except SettlementError as exc:
            raise CommandError(f"{file}: {exc}") from None
        result = reconcile_settlement(rows)
        days = (
            f"paid {result.first_day:%d %b %Y} to {result.last_day:%d %b %Y}"
            if result.first_day
            else "no payment days in the report"
        )
        self.stdout.write(f"{file}: {result.rows} payments ({days}), {result.matched} match.")
        self.stdout.write(f"In the report, not recorded: {len(result.not_recorded)}")
        for row in result.not_recorded:
            self.stdout.write(f"  line {row.line}: {row.payment_id} ₹{row.amount}")
        self.stdout.write(f"Recorded, not in the report: {len(result.not_in_report)}")
        for payment in result.not_in_report:
            self.stdout.write(
                f"  {payment.code} {payment.gateway_payment_id} ₹{payment.amount} "
                f"{payment.customer.code} on {payment.paid_on:%d %b %Y}"
            )
        self.stdout.write(f"Amounts that differ: {len(result.mismatched)}")
        for mismatch in result.mismatched:
            self.stdout.write(
                f"  line {mismatch.row.line}: {mismatch.row.payment_id} report "
                f"₹{mismatch.row.amount}, recorded ₹{mismatch.payment.amount} "
                f"({mismatch.payment.code})"
            )
        if not result.ok:
            raise CommandError(f"{result.total} differences found.", returncode=1)
        self.stdout.write(self.style.SUCCESS("No difference: the report and the payments agree."))
