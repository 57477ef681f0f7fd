"""Customers paused for low balance: today's and tomorrow's holds of prepaid customers,
with what the wallet holds, what is already due from it and what a recharge must bring
(billing.selectors.wallet_overview.low_balance_report). Reads only; a recharge is
recorded on the customer's page."""

from django.shortcuts import render
from django.utils import timezone

from billing.selectors.wallet_overview import low_balance_report
from earlybird.access import staff_required

DAYS = 2  # today and tomorrow


@staff_required
def low_balance(request):
    today = timezone.localdate()
    rows = low_balance_report(today=today, days=DAYS)
    return render(
        request,
        "billing/low_balance.html",
        {"rows": rows, "today": today, "days": DAYS},
    )
