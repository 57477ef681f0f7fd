"""Reads on money: balances, a customer's ledger, what a bill says and whether it is paid.

The balance is derived, never stored:

    balance = opening balance + totals of issued bills − payments

* Issued bills count from the moment they are issued; a bill's total already includes
  the adjustments on it (corrections, credits). Void bills count for nothing.
* Draft bills do not count: a draft is a preview that the next run may still extend or
  recompute, so it is shown apart, as "not yet billed", together with open adjustments
  (those no bill holds yet). They enter the balance when the bill is issued.
* A negative balance is credit: an overpayment carries forward and pays the next bills.
* Which bill a payment pays is derived too, first in first out: payments pay the opening
  balance, then the issued bills in period order. A bill is paid when the payments cover
  everything owed up to and including it, partly paid when they cover some of it.
* A bill reads: previous balance (owed when its month began, recorded at issue) −
  payments dated in the month + the month's charges = amount due (BillStatement).
"""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import quote

from django.conf import settings
from django.db import connection
from django.db.models import DecimalField, F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from billing.models import Adjustment, Bill, MessageTemplate, Payment, format_message
from billing.upi import qr_svg, upi_link
from customers.models import Customer
from earlybird.templatetags.money import format_inr

ZERO = Decimal("0.00")


class PaymentStatus:
    PAID = "paid"
    PARTLY_PAID = "partly_paid"
    UNPAID = "unpaid"
    LABELS = {PAID: "Paid", PARTLY_PAID: "Partly paid", UNPAID: "Unpaid"}


def _money(expression) -> Coalesce:
    return Coalesce(
        expression,
        Value(ZERO),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def _sum_per_customer(queryset: QuerySet, field: str) -> Subquery:
    return Subquery(
        queryset.filter(customer=OuterRef("pk"))
        .order_by()
        .values("customer")
        .annotate(total=Sum(field))
        .values("total")
    )


def with_balances(customers: QuerySet) -> QuerySet:
    """Annotate `billed` (issued bills), `paid` (payments) and `balance`, in the same query."""
    return customers.annotate(
        billed=_money(_sum_per_customer(Bill.objects.filter(status=Bill.Status.ISSUED), "total")),
        paid=_money(_sum_per_customer(Payment.objects.all(), "amount")),
    ).annotate(balance=F("opening_balance") + F("billed") - F("paid"))


def balances_for(customers: Iterable[Customer | int] | QuerySet) -> dict[int, Decimal]:
    """{customer id: balance} for a list page, in one query whatever the number of rows."""
    if isinstance(customers, QuerySet):
        queryset = customers
    else:
        ids = [c if isinstance(c, int) else c.pk for c in customers]
        queryset = Customer.objects.filter(pk__in=ids)
    return dict(with_balances(queryset.order_by()).values_list("pk", "balance"))


def balance_for(customer: Customer) -> Decimal:
    return balances_for([customer]).get(customer.pk, ZERO)


# --- the ledger -----------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerEntry:
    date: date | None  # None for the opening balance
    kind: str  # "opening", "bill" or "payment"
    description: str
    amount: Decimal  # + owed (bills), − paid (payments)
    balance: Decimal  # running balance after this entry
    bill: Bill | None = None
    payment: Payment | None = None


@dataclass(frozen=True)
class Ledger:
    customer: Customer
    entries: list[LedgerEntry]
    balance: Decimal  # what the customer owes now (negative: credit)
    draft_total: Decimal  # on draft bills, not yet in the balance
    open_adjustments: Decimal  # adjustments no bill holds yet, not in the balance either

    @property
    def not_yet_billed(self) -> Decimal:
        return self.draft_total + self.open_adjustments


def customer_ledger(*, customer: Customer) -> Ledger:
    """Opening balance, issued bills and payments in date order with a running balance.

    Four queries, whatever the length of the history; the balance is computed here, in
    Decimal, from the rows themselves.
    """
    bills = list(
        Bill.objects.filter(customer=customer)
        .exclude(status=Bill.Status.VOID)
        .order_by("period", "issued_at", "pk")
    )
    payments = list(Payment.objects.filter(customer=customer).order_by("paid_on", "pk"))
    open_adjustments = Adjustment.objects.filter(customer=customer, bill__isnull=True).aggregate(
        total=_money(Sum("amount"))
    )["total"]
    opening = Decimal(customer.opening_balance)

    dated: list[tuple[tuple, str, Decimal, Bill | None, Payment | None]] = []
    draft_total = ZERO
    for bill in bills:
        if bill.status == Bill.Status.DRAFT:
            draft_total += bill.total
            continue
        day = timezone.localdate(bill.issued_at)
        description = f"Bill {bill.code} for {bill.period:%B %Y}"
        dated.append(((day, 0, bill.pk), description, bill.total, bill, None))
    for payment in payments:
        description = f"Payment {payment.code} ({payment.get_method_display()})"
        if payment.reference:
            description += f", ref. {payment.reference}"
        dated.append(
            ((payment.paid_on, 1, payment.pk), description, -payment.amount, None, payment)
        )
    dated.sort(key=lambda row: row[0])

    balance = opening
    entries = [LedgerEntry(None, "opening", "Opening balance", opening, opening)]
    for (day, _, _), description, amount, bill, payment in dated:
        balance += amount
        kind = "bill" if bill else "payment"
        entries.append(LedgerEntry(day, kind, description, amount, balance, bill, payment))
    return Ledger(
        customer=customer,
        entries=entries,
        balance=balance,
        draft_total=draft_total,
        open_adjustments=open_adjustments,
    )


# --- bills: paid or not, and what a bill says ------------------------------------------

_BILL_COVERAGE_SQL = """
    WITH issued AS (
        SELECT b.id, b.customer_id, b.total,
               sum(b.total) OVER (PARTITION BY b.customer_id
                                  ORDER BY b.period, b.issued_at, b.id) AS through
          FROM billing_bill b
         WHERE b.status = 'issued'
           AND b.customer_id IN (SELECT customer_id FROM billing_bill WHERE id = ANY(%(ids)s))
    )
    SELECT issued.id, issued.total, c.opening_balance + issued.through,
           coalesce((SELECT sum(p.amount) FROM billing_payment p
                      WHERE p.customer_id = issued.customer_id), 0)
      FROM issued JOIN customers_customer c ON c.id = issued.customer_id
     WHERE issued.id = ANY(%(ids)s)
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
    ).aggregate(total=_money(Sum("total")))["total"]
    paid = Payment.objects.filter(customer=customer, paid_on__lt=period).aggregate(
        total=_money(Sum("amount"))
    )["total"]
    return customer.opening_balance + billed - paid


def bill_statement(*, bill: Bill) -> BillStatement:
    """Previous balance, payments in the month, this month's charges and amount due."""
    coverage = bill_coverage([bill]).get(bill.pk) if bill.status == Bill.Status.ISSUED else None
    if bill.status == Bill.Status.DRAFT:
        previous = previous_balance_for(customer=bill.customer, period=bill.period)
    else:
        previous = bill.previous_balance
    payments = list(
        Payment.objects.filter(
            customer_id=bill.customer_id,
            paid_on__range=(bill.period, bill.period.replace(day=_days_in(bill.period))),
        ).order_by("paid_on", "pk")
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


# --- sharing a bill: the WhatsApp message and the UPI link ---------------------------

# When no active MessageTemplate exists for a language (see migration 0004 for the seeds).
DEFAULT_BILL_MESSAGES = {
    MessageTemplate.Language.ENGLISH: (
        "Hello {name},\n"
        "your {business} bill for {month} is ready.\n"
        "Bill number: {bill_code}\n"
        "Amount due: {amount_due}\n"
        "Pay by UPI: {upi_link}\n"
        "Thank you!"
    ),
    MessageTemplate.Language.TELUGU: (
        "నమస్కారం {name} గారు,\n"
        "{month} నెలకు మీ {business} బిల్లు సిద్ధంగా ఉంది.\n"
        "బిల్లు నంబరు: {bill_code}\n"
        "చెల్లించవలసిన మొత్తం: {amount_due}\n"
        "UPI ద్వారా చెల్లించండి: {upi_link}\n"
        "ధన్యవాదాలు!"
    ),
}
TELUGU_MONTHS = (
    "జనవరి",
    "ఫిబ్రవరి",
    "మార్చి",
    "ఏప్రిల్",
    "మే",
    "జూన్",
    "జులై",
    "ఆగస్టు",
    "సెప్టెంబరు",
    "అక్టోబరు",
    "నవంబరు",
    "డిసెంబరు",
)


def month_name(period: date, language: str) -> str:
    if language == MessageTemplate.Language.TELUGU:
        return f"{TELUGU_MONTHS[period.month - 1]} {period.year}"
    return f"{period:%B %Y}"


def message_texts(kind: str = MessageTemplate.Kind.BILL) -> dict[str, str]:
    """{language: text} of the active templates of `kind`, the defaults where none. One query."""
    texts = dict(DEFAULT_BILL_MESSAGES)
    for language, text in MessageTemplate.objects.filter(kind=kind, is_active=True).values_list(
        "language", "text"
    ):
        texts[language] = text
    return texts


def render_bill_message(text: str, values: dict[str, str]) -> str:
    """The message with its placeholders filled (unknown ones kept, never an exception);
    without a UPI link the line that would carry it is left out."""
    if not values.get("upi_link"):
        text = "\n".join(line for line in text.splitlines() if "{upi_link}" not in line)
    return format_message(text, values).strip()


def whatsapp_link(*, phone: str, text: str) -> str:
    """wa.me link that opens a chat with an Indian mobile number, the text filled in."""
    return f"https://wa.me/91{phone}?text={quote(text, safe='')}"


@dataclass(frozen=True)
class BillShare:
    """What the bill page offers to pay and share an issued bill."""

    amount_due: Decimal  # to pay now for this bill: its amount due less later payments
    upi_link: str | None  # None: no UPI id set, or nothing due
    upi_qr: str | None  # the link as a QR code (inline SVG markup)
    messages: dict[str, str]  # language -> the message
    whatsapp: list[tuple[str, str]]  # (language label, wa.me link)


def bill_share(*, statement: BillStatement) -> BillShare | None:
    """The WhatsApp message (English and Telugu) and the UPI link and QR code of an issued
    bill; None for a draft or a void bill, which are not sent to anyone. Two queries.

    The amount asked is the bill's amount due, or less when the customer owes less today
    (paid since the bill's month): min(amount due, balance now), never below zero.
    """
    bill = statement.bill
    if bill.status != Bill.Status.ISSUED:
        return None
    customer = bill.customer
    amount = max(min(statement.amount_due, balance_for(customer)), ZERO)
    link = upi_link(amount=amount, note=bill.code)
    labels = dict(MessageTemplate.Language.choices)
    messages, whatsapp = {}, []
    for language, text in message_texts(MessageTemplate.Kind.BILL).items():
        values = {
            "name": customer.name,
            "month": month_name(bill.period, language),
            "amount_due": format_inr(amount),
            "bill_code": bill.code,
            "upi_link": link or "",
            "business": settings.BUSINESS_NAME,
        }
        messages[language] = render_bill_message(text, values)
        whatsapp.append(
            (
                labels.get(language, language),
                whatsapp_link(phone=customer.phone, text=messages[language]),
            )
        )
    return BillShare(
        amount_due=amount,
        upi_link=link,
        upi_qr=qr_svg(link, title=f"UPI: pay {format_inr(amount)} for {bill.code}")
        if link
        else None,
        messages=messages,
        whatsapp=whatsapp,
    )
