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

balances.py: the balance, what is still to bill, a customer's bills and ledger;
bills.py: paid or not, a bill's statement, the printable bill; sharing.py: the WhatsApp
message and the UPI link of an issued bill. Import from here (billing.selectors).
"""

from billing.selectors.balances import (
    ZERO,
    Ledger,
    LedgerEntry,
    balance_for,
    balance_totals,
    balances_for,
    bill_payments,
    billed_amount,
    customer_ledger,
    issued_bills,
    unbilled_totals,
    with_balances,
)
from billing.selectors.bills import (
    BillDetail,
    BilledItem,
    BillStatement,
    CalendarDay,
    Coverage,
    PaymentStatus,
    ProductTotal,
    bill_coverage,
    bill_detail,
    bill_statement,
    previous_balance_for,
)
from billing.selectors.sharing import (
    BillShare,
    amounts_still_due,
    bill_message_context,
    bill_share,
    due_date,
    still_due,
    whatsapp_link,
)

__all__ = [
    "ZERO",
    "BillDetail",
    "BillShare",
    "BillStatement",
    "BilledItem",
    "CalendarDay",
    "Coverage",
    "Ledger",
    "LedgerEntry",
    "PaymentStatus",
    "ProductTotal",
    "amounts_still_due",
    "balance_for",
    "balance_totals",
    "balances_for",
    "bill_coverage",
    "bill_detail",
    "bill_message_context",
    "bill_payments",
    "bill_share",
    "bill_statement",
    "billed_amount",
    "customer_ledger",
    "due_date",
    "issued_bills",
    "previous_balance_for",
    "still_due",
    "unbilled_totals",
    "whatsapp_link",
    "with_balances",
]
