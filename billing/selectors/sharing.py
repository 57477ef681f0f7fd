"""Sharing an issued bill: the WhatsApp message (in each language, from the messaging
templates the outbox sends too) and the UPI link and QR code, for the amount the
customer owes on it today."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import quote

from django.conf import settings
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from billing.models import Bill
from billing.selectors.balances import ZERO, balance_for, balances_for, bill_payments
from billing.selectors.bills import BillStatement
from billing.upi import qr_svg, upi_link
from earlybird.templatetags.money import format_inr
from messaging.models import Message
from messaging.rendering import fill, month_name
from messaging.selectors import active_texts


def still_due(amount_due: Decimal, balance: Decimal) -> Decimal:
    """What is asked for an issued bill: its amount due, or less when the customer owes
    less today (paid since), never below zero."""
    return max(min(amount_due, balance), ZERO)


def due_date(bill: Bill) -> date:
    """An issued bill is due OVERDUE_REMINDER_AFTER_DAYS after its issue (reminders
    follow from that day: billing.services.reminders)."""
    return timezone.localdate(bill.issued_at) + timedelta(days=settings.OVERDUE_REMINDER_AFTER_DAYS)


def amounts_still_due(bills: Iterable[Bill]) -> dict[int, Decimal]:
    """{bill id: still_due} of issued bills, two queries however many: the customers'
    balances, and their payments in each bill's month (amount due = previous balance −
    paid in the month + total, as BillStatement reads it)."""
    bills = list(bills)
    if not bills:
        return {}
    customers = {bill.customer_id for bill in bills}
    balances = balances_for(customers)
    periods = [bill.period for bill in bills]
    last = max(periods)
    payments = (
        bill_payments()
        .filter(
            customer_id__in=customers,
            paid_on__gte=min(periods),
            paid_on__lt=(last + timedelta(days=31)).replace(day=1),
        )
        .annotate(month=TruncMonth("paid_on"))
        .order_by()
        .values_list("customer_id", "month")
        .annotate(total=Sum("amount"))
    )
    paid = {(customer, month): total for customer, month, total in payments}
    return {
        bill.pk: still_due(
            bill.previous_balance - paid.get((bill.customer_id, bill.period), ZERO) + bill.total,
            balances.get(bill.customer_id, ZERO),
        )
        for bill in bills
    }


def bill_message_context(*, bill: Bill, amount: Decimal) -> dict:
    """The values of an issued bill's message (shared by wa.me, sent when issued,
    repeated by the overdue reminder), asking for `amount`."""
    return {
        "name": bill.customer.name,
        "month": lambda language: month_name(bill.period, language),
        "amount_due": amount,
        "bill_code": bill.code,
        "due_date": due_date(bill),
        "upi_link": upi_link(amount=amount, note=bill.code) or "",
        "business": settings.BUSINESS_NAME,
    }


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
    """The WhatsApp message (each language) and the UPI link and QR code of an issued
    bill; None for a draft or a void bill, which are not sent to anyone. Two queries.

    The amount asked is the bill's amount due, or less when the customer owes less today
    (paid since the bill's month): min(amount due, balance now), never below zero.
    """
    bill = statement.bill
    if bill.status != Bill.Status.ISSUED:
        return None
    customer = bill.customer
    amount = still_due(statement.amount_due, balance_for(customer))
    context = bill_message_context(bill=bill, amount=amount)
    link = context["upi_link"] or None
    labels = dict(Message.Language.choices)
    messages, whatsapp = {}, []
    for language, text in active_texts(Message.Purpose.BILL_ISSUED).items():
        messages[language] = fill(text, context, language).text
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
