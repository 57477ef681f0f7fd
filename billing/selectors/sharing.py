"""Sharing an issued bill: the WhatsApp message (English and Telugu) and the UPI link
and QR code, for the amount the customer owes on it today."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import quote

from django.conf import settings

from billing.models import Bill, MessageTemplate, format_message
from billing.selectors.balances import ZERO, balance_for
from billing.selectors.bills import BillStatement
from billing.upi import qr_svg, upi_link
from earlybird.templatetags.money import format_inr

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
