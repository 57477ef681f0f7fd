"""Writes on money, by purpose: billing runs, a bill's life, payments."""

from billing.services.bills import (
    add_adjustment,
    delete_adjustment,
    discard_draft,
    issue_bill,
    issue_bills,
    update_adjustment,
    void_bill,
)
from billing.services.notices import send_due_bills
from billing.services.payments import correct_payment, delete_payment, record_payment
from billing.services.periods import month_end, month_start, next_month, parse_month
from billing.services.runs import run_billing

__all__ = [
    "add_adjustment",
    "correct_payment",
    "delete_adjustment",
    "delete_payment",
    "discard_draft",
    "issue_bill",
    "issue_bills",
    "month_end",
    "month_start",
    "next_month",
    "parse_month",
    "record_payment",
    "run_billing",
    "send_due_bills",
    "update_adjustment",
    "void_bill",
]
