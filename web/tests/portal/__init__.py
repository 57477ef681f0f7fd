"""The customer's own pages at /me/: the owner, another customer, staff, a delivery boy
and an anonymous visitor. The clock is frozen (django.utils.timezone.now) at 10:00 on
Tuesday 10 March 2026, so the cut-off for Wednesday 11 March is 21:00 today."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from billing.models import Bill
from customers.tests.factories import UserFactory
from deliveries.models import Delivery
from deliveries.services import Confirmer, confirm_delivery
from earlybird import roles

IST = dt.timezone(dt.timedelta(hours=5, minutes=30))
TOMORROW = dt.date(2026, 3, 11)
BEFORE_CUTOFF = dt.datetime(2026, 3, 10, 10, 0, tzinfo=IST)


def d(day: int, month: int = 3) -> dt.date:
    return dt.date(2026, month, day)


def iso(day: dt.date) -> str:
    return day.isoformat()


def page_of(response) -> str:
    return response.content.decode()


def staff_confirm(delivery: Delivery, delivered: str, reason: str = "") -> None:
    confirm_delivery(
        delivery=delivery,
        delivered_qty=Decimal(delivered),
        reason=reason,
        by=Confirmer(via=Delivery.Via.STAFF, user=UserFactory(roles=[roles.SUPPORT])),
    )


_bill_numbers = iter(range(1, 10_000))


def issued_bill(customer, *, period=dt.date(2026, 2, 1), total=Decimal("0"), code=None, **fields):
    return Bill.objects.create(
        customer=customer,
        period=period,
        status=Bill.Status.ISSUED,
        code=code or f"BI-{period:%Y%m}-{next(_bill_numbers):04d}",
        issued_at=timezone.now(),
        charges=total,
        total=total,
        **fields,
    )
