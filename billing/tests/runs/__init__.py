"""run_billing: every delivered unit billed exactly once, late confirmations included,
reruns harmless, two runs at once harmless."""

import datetime as dt

from billing.models import Bill

JAN = dt.date(2026, 1, 1)
FEB = dt.date(2026, 2, 1)


def day(month: dt.date, n: int) -> dt.date:
    return month.replace(day=n)


def the_bill(customer, period=JAN) -> Bill:
    return Bill.objects.exclude(status=Bill.Status.VOID).get(customer=customer, period=period)
