"""Cash in a delivery boy's hands: what his cash payments of a day add up to (toward
bills and wallet recharges alike: the cash is in his pocket either way), and the
hand-overs confirmed at the office (billing.handover_models.CashHandover)."""

from datetime import date
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from billing.models import CashHandover, Payment
from billing.selectors.balances import ZERO
from deliveries.models import DeliveryBoy


def cash_payments_by_delivery_boys() -> QuerySet[Payment]:
    """Payments in cash received by a delivery boy (his login records them at the door)."""
    return Payment.objects.filter(
        method=Payment.Method.CASH, received_by__delivery_boy__isnull=False
    )


def cash_collected(*, delivery_boy: DeliveryBoy, day: date) -> Decimal:
    """What one delivery boy collected in cash on one day. One query."""
    total = (
        cash_payments_by_delivery_boys()
        .filter(received_by__delivery_boy=delivery_boy, paid_on=day)
        .aggregate(total=Sum("amount"))["total"]
    )
    return total or ZERO


def cash_collected_by_day(
    *, first: date, last: date
) -> dict[tuple[int, date], tuple[Decimal, int]]:
    """{(delivery boy id, day): (amount, number of payments)} from `first` to `last`.
    One query, whatever the number of payments."""
    rows = (
        cash_payments_by_delivery_boys()
        .filter(paid_on__range=(first, last))
        .order_by()
        .values_list("received_by__delivery_boy", "paid_on")
        .annotate(total=Sum("amount"), count=Count("pk"))
    )
    return {(boy, day): (total, count) for boy, day, total, count in rows}


def handovers_between(*, first: date, last: date) -> QuerySet[CashHandover]:
    return CashHandover.objects.filter(day__range=(first, last)).select_related(
        "delivery_boy", "confirmed_by"
    )
