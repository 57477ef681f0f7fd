"""Bills: paid or not (first in first out), what a bill says (BillStatement) and the
printable bill with its calendar and per-product totals (BillDetail)."""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Sum

from billing.models import Adjustment, Bill, Payment
from billing.selectors.balances import ZERO, bill_payments, money_or_zero
from customers.models import Customer


class PaymentStatus:
    PAID = "paid"
    PARTLY_PAID = "partly_paid"
    UNPAID = "unpaid"
    LABELS = {PAID: "Paid", PARTLY_PAID: "Partly paid", UNPAID: "Unpaid"}


# --- paid or not, and what a bill says ----------------------------------------------------

# Owed through a bill: the opening balance and the customer's issued bills up to it
# (by period, then issue time, then id), read bill by bill from the customer's index —
# not every issued bill of the customers at once (a page reads a few dozen).
_BILL_COVERAGE_SQL = """
    SELECT b.id, b.total,
           (SELECT c.opening_balance FROM customers_customer c WHERE c.id = b.customer_id)
             + (SELECT sum(e.total) FROM billing_bill e
                 WHERE e.customer_id = b.customer_id AND e.status = 'issued'
                   AND (e.period, e.issued_at, e.id) <= (b.period, b.issued_at, b.id)),
           coalesce((SELECT sum(p.amount) FROM billing_payment p
                      WHERE p.customer_id = b.customer_id AND p.purpose = 'bill'), 0)
      FROM billing_bill b
     WHERE b.id = ANY(%(ids)s) AND b.status = 'issued'
"""


@dataclass(frozen=True)
class Coverage:
    status: str  # PaymentStatus
    outstanding: Decimal  # what is still unpaid of this bill's total


def _coverage(total: Decimal, owed_through: Decimal, paid: Decimal) -> Coverage:
    owed_before = owed_through - total
    if total <= 0 or paid >= owed_through:
        return Coverage(PaymentStatus.PAID, ZERO)
    outstanding = min(total, owed_through - paid)
    status = PaymentStatus.PARTLY_PAID if paid > owed_before else PaymentStatus.UNPAID
    return Coverage(status, outstanding)


def bill_coverage_sql(ids: str) -> str:
    """bill_coverage's query with `ids`, an SQL expression for an array of bill ids, in
    place of its parameter: for a page that reads the coverage inside a statement of its
    own. Rows of (issued bill id, total, owed through it, paid); decide with coverage_of."""
    return _BILL_COVERAGE_SQL.replace("%(ids)s", ids)


def coverage_of(total: Decimal, owed_through: Decimal, paid: Decimal) -> Coverage:
    """A bill's coverage from a row of bill_coverage_sql."""
    return _coverage(total, owed_through, paid)


def bill_coverage(bills: Iterable[Bill | int]) -> dict[int, Coverage]:
    """{issued bill id: paid / partly paid / unpaid and what is outstanding}, one query.

    Drafts and void bills are left out: they are not owed.
    """
    ids = [b if isinstance(b, int) else b.pk for b in bills]
    if not ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_BILL_COVERAGE_SQL, {"ids": ids})
        return {
            bill_id: _coverage(Decimal(total), Decimal(through), Decimal(paid))
            for bill_id, total, through, paid in cursor.fetchall()
        }


@dataclass(frozen=True)
class BillStatement:
    """What a bill tells the customer, the way a monthly bill reads:

        previous balance − payments received in the month + this month's charges
        = amount due

    The previous balance is what was owed when the month began: opening balance + the
    issued bills of earlier months − payments dated before the month. It is recorded on
    the bill when it is issued (for a draft it is computed now), so the amount due on one
    bill is the previous balance of the next, and a payment dated after the month shows on
    the next bill. The ledger stays the authority on what is owed today.
    """

    bill: Bill
    previous_balance: Decimal
    payments: list[Payment]  # dated in the bill's month
    paid: Decimal
    charges: Decimal  # this month's deliveries
    adjustments_total: Decimal
    total: Decimal  # this month's charges + adjustments
    amount_due: Decimal  # previous balance − paid + total
    outstanding: Decimal | None  # of this bill's total, still unpaid (issued bills)
    payment_status: str | None  # PaymentStatus, for issued bills


def previous_balance_for(*, customer: Customer, period: date) -> Decimal:
    """Owed when the period began: opening + issued bills of earlier periods − payments
    dated before it. What issue_bill records on a bill."""
    billed = Bill.objects.filter(
        customer=customer, status=Bill.Status.ISSUED, period__lt=period
    ).aggregate(total=money_or_zero(Sum("total")))["total"]
    paid = (
        bill_payments()
        .filter(customer=customer, paid_on__lt=period)
        .aggregate(total=money_or_zero(Sum("amount")))["total"]
    )
    return customer.opening_balance + billed - paid


def bill_statement(*, bill: Bill) -> BillStatement:
    """Previous balance, payments in the month, this month's charges and amount due."""
    coverage = bill_coverage([bill]).get(bill.pk) if bill.status == Bill.Status.ISSUED else None
    if bill.status == Bill.Status.DRAFT:
        previous = previous_balance_for(customer=bill.customer, period=bill.period)
    else:
        previous = bill.previous_balance
    payments = list(
        bill_payments()
        .filter(
            customer_id=bill.customer_id,
            paid_on__range=(bill.period, bill.period.replace(day=_days_in(bill.period))),
        )
        .order_by("paid_on", "pk")
    )
    paid = sum((payment.amount for payment in payments), ZERO)
    return BillStatement(
        bill=bill,
        previous_balance=previous,
        payments=payments,
        paid=paid,
        charges=bill.charges,
        adjustments_total=bill.adjustments_total,
        total=bill.total,
        amount_due=previous - paid + bill.total,
        outstanding=coverage.outstanding if coverage else None,
        payment_status=coverage.status if coverage else None,
    )


def _days_in(period: date) -> int:
    return calendar.monthrange(period.year, period.month)[1]


# --- the printable bill -------------------------------------------------------------


@dataclass(frozen=True)
class BilledItem:
    product: str
    unit: str
    quantity: Decimal
    status: str  # delivered / partial


@dataclass(frozen=True)
class CalendarDay:
    day: date | None  # None: a blank cell before the 1st or after the month's end
    items: list[BilledItem]


@dataclass(frozen=True)
class ProductTotal:
    product: str
    unit: str
    unit_price: Decimal
    quantity: Decimal
    amount: Decimal


@dataclass(frozen=True)
class BillDetail:
    bill: Bill
    weeks: list[list[CalendarDay]]  # Monday-first weeks of the billed month
    earlier: list[tuple[date, BilledItem]]  # late deliveries of earlier months billed here
    products: list[ProductTotal]  # one row per product and price
    adjustments: list[Adjustment]
    statement: BillStatement


def bill_detail(*, bill_id: int) -> BillDetail:
    """Everything the printable bill shows, in a handful of queries whatever its size."""
    bill = Bill.objects.select_related("customer__area").get(pk=bill_id)
    lines = list(
        bill.lines.select_related("delivery__product").order_by(
            "delivery__date", "delivery__product__sort_order", "delivery__product__name", "pk"
        )
    )
    per_day: dict[date, list[BilledItem]] = {}
    totals: dict[tuple, list[Decimal]] = {}
    earlier: list[tuple[date, BilledItem]] = []
    for line in lines:
        delivery = line.delivery
        product = delivery.product
        item = BilledItem(product.name, product.unit, line.quantity, delivery.status)
        if delivery.date < bill.period:
            earlier.append((delivery.date, item))
        else:
            per_day.setdefault(delivery.date, []).append(item)
        total = totals.setdefault(
            (product.sort_order, product.name, product.unit, line.unit_price),
            [Decimal(0), Decimal("0.00")],
        )
        total[0] += line.quantity
        total[1] += line.amount
    month = calendar.Calendar(firstweekday=0).monthdatescalendar(
        bill.period.year, bill.period.month
    )
    weeks = [
        [CalendarDay(d if d.month == bill.period.month else None, per_day.get(d, [])) for d in week]
        for week in month
    ]
    products = [
        ProductTotal(name, unit, price, quantity, amount)
        for (_, name, unit, price), (quantity, amount) in sorted(totals.items())
    ]
    return BillDetail(
        bill=bill,
        weeks=weeks,
        earlier=earlier,
        products=products,
        adjustments=list(bill.adjustments.order_by("date", "pk")),
        statement=bill_statement(bill=bill),
    )
