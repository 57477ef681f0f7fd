"""A bill's life (issue, void, discard), adjustments, payments, and the derived balances:
the ledger, a bill's statement, paid / partly paid / unpaid."""

import datetime as dt
from decimal import Decimal

from billing.models import Bill, Payment
from billing.services import add_adjustment, issue_bill, run_billing
from billing.tests.factories import PaymentFactory

JAN = dt.date(2026, 1, 1)
FEB = dt.date(2026, 2, 1)


def billed(customer, period, amount, *, issue=True) -> Bill:
    """A bill of `amount` for the period, made the way accounts would: an adjustment (a
    charge outside the deliveries), a run, and (by default) issuing it."""
    add_adjustment(customer=customer, amount=amount, reason="Monthly charge", day=period)
    run_billing(period=period)
    bill = Bill.objects.get(customer=customer, period=period, status=Bill.Status.DRAFT)
    return issue_bill(bill=bill) if issue else bill


def paid(customer, amount, on) -> Payment:
    return PaymentFactory(customer=customer, amount=Decimal(amount), paid_on=on)
