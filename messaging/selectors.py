"""Reads on the outbox: who wants which message, the active texts, the outbox list and
the template preview."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from customers.models import Customer
from customers.selectors import search_digits
from messaging import defaults
from messaging.models import (
    PLACEHOLDERS,
    Message,
    MessagePreference,
    MessageSwitch,
    MessageTemplate,
)
from messaging.rendering import fill, localised, month_name

ENGLISH = Message.Language.ENGLISH


def preference_for(customer: Customer) -> MessagePreference:
    """The customer's choice, or the business default (an unsaved row) if none yet."""
    return MessagePreference.objects.filter(customer=customer).first() or MessagePreference(
        customer=customer
    )


def preferences_for(customer_ids: Iterable[int]) -> dict[int, MessagePreference]:
    """{customer id: preference} of those who chose; one query."""
    ids = set(customer_ids)
    if not ids:
        return {}
    return {p.customer_id: p for p in MessagePreference.objects.filter(customer_id__in=ids)}


def enabled_purposes() -> set[str]:
    """The kinds of message the business sends (a kind without a switch row is on)."""
    off = set(MessageSwitch.objects.filter(is_enabled=False).values_list("purpose", flat=True))
    return set(Message.Purpose.values) - off


def active_templates(purposes: Iterable[str]) -> dict[tuple[str, str], MessageTemplate]:
    """{(purpose, language): the active template}; one query."""
    return {
        (t.purpose, t.language): t
        for t in MessageTemplate.objects.filter(purpose__in=set(purposes), is_active=True)
    }


def template_for(
    templates: dict[tuple[str, str], MessageTemplate], purpose: str, language: str
) -> MessageTemplate:
    """The active template in the language, else the English one, else the built-in
    English text (an unsaved template) so that a message is never lost to an edit."""
    found = templates.get((purpose, language)) or templates.get((purpose, ENGLISH))
    if found is not None:
        return found
    return MessageTemplate(purpose=purpose, language=ENGLISH, text=defaults.TEXTS[purpose]["en"])


def active_texts(purpose: str) -> dict[str, str]:
    """{language: text} of a kind's active templates, the built-in texts where none. One
    query. (The bill page's wa.me links, one per language.)"""
    texts = {
        language: text
        for language, text in defaults.TEXTS[purpose].items()
        if language in Message.Language.values
    }
    rows = MessageTemplate.objects.filter(purpose=purpose, is_active=True)
    texts.update(rows.values_list("language", "text"))
    return texts


# --- the outbox page ------------------------------------------------------------------


def outbox(*, status: str = "", purpose: str = "", search: str = "") -> QuerySet[Message]:
    """Messages newest first, filtered; each row with its customer (one query a page)."""
    messages = Message.objects.select_related("customer")
    if status:
        messages = messages.filter(status=status)
    if purpose:
        messages = messages.filter(purpose=purpose)
    search = search.strip()
    if search:
        match = Q(customer__name__icontains=search) | Q(customer__code__iexact=search)
        digits = search_digits(search)
        if len(digits) >= 3:
            match |= Q(to__contains=digits)
        messages = messages.filter(match)
    return messages.order_by("-created_at", "-pk")


def status_counts() -> list[tuple[str, int]]:
    """(status label, how many messages) for every status; one query."""
    rows = Message.objects.order_by().values("status").annotate(n=Count("pk"))
    counts = {row["status"]: row["n"] for row in rows}
    return [(label, counts.get(value, 0)) for value, label in Message.Status.choices]


# --- the preview page -----------------------------------------------------------------

SAMPLE_DAY = date(2026, 11, 18)
SAMPLE_VALUES: dict[str, object] = {
    "name": "Lakshmi Devi",
    "date": SAMPLE_DAY,
    "shift": localised("morning"),
    "status": localised("partial"),
    "items": "Cow milk 1 litre; Curd 0.5/1 kg",
    "month": lambda language: month_name(SAMPLE_DAY.replace(day=1), language),
    "amount_due": Decimal("1840.00"),
    "bill_code": "BI-202611-0042",
    "due_date": date(2026, 12, 11),
    "upi_link": "upi://pay?pa=dairy%40okaxis&am=1840.00&cu=INR&tn=BI-202611-0042",
    "amount": Decimal("1000.00"),
    "paid_on": SAMPLE_DAY,
    "method": localised("upi"),
    "payment_code": "PA-202611-0007",
    "balance": Decimal("840.00"),
    "wallet_balance": Decimal("412.50"),
    "needed": Decimal("56.00"),
    "products": "Cow milk, Curd",
    "days": "20/11/2026 – 22/11/2026",
    "text": "Billing reconciliation found 2 problems for 2026-10.",
}


@dataclass(frozen=True)
class Preview:
    template: MessageTemplate
    text: str
    params: list[str]
    placeholders: tuple[str, ...]


def template_previews() -> list[Preview]:
    """Every active template rendered with sample values, by kind then language."""
    values = {**SAMPLE_VALUES, "business": settings.BUSINESS_NAME}
    previews = []
    for template in MessageTemplate.objects.filter(is_active=True).order_by("purpose", "language"):
        filled = fill(template.text, values, template.language)
        previews.append(
            Preview(template, filled.text, filled.params, PLACEHOLDERS.get(template.purpose, ()))
        )
    return previews
