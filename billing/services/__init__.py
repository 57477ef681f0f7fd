"""Writes on money, by purpose: billing runs, a bill's life, payments."""

from billing.services.bills import (
    add_adjustment,
    discard_draft,
    issue_bill,
    issue_bills,
    void_bill,
)
from billing.services.payments import record_payment
from billing.services.periods import month_end, month_start, next_month, parse_month
from billing.services.runs import run_billing

__all__ = [
    "add_adjustment",
    "discard_draft",
    "issue_bill",
    "issue_bills",
    "month_end",
    "month_start",
    "next_month",
    "parse_month",
    "record_payment",
    "run_billing",
    "void_bill",
]
