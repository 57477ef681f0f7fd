"""Payments: money received from a customer (cash, UPI, bank transfer, cheque).

Who records (`by`, the user acting): accounts staff and admins record, correct and delete
payments of up to PAYMENT_MAX_AMOUNT each; a delivery boy records only cash he received
himself, up to CASH_COLLECTION_MAX_AMOUNT (his own view checks the customer is on his
route); None is a command or the import (the accounts limit). Every path — pages, admin,
API, commands — goes through here, so the same limits hold everywhere (earlybird/bounds.py),
as does the cap on all of a customer's payments together, which keeps every balance and
previous balance within its column.

A reference (UPI / bank reference, cheque number) is one payment per customer and method:
a second is refused, naming the first; the unique index billing_payment_reference_once
refuses it too.

A payment already counted in an issued bill's previous balance no longer changes: correct
it with an adjustment on the next bill. A correction or a deletion takes the locks of the
periods whose bills could count the payment before checking that none does, so issuing
those bills waits for it, or it for them (earlybird/locks.py: advisory locks first, then
Customer, then Payment).

A payment's `purpose` says what it pays: "bill" (the postpaid balance) or "wallet" (a
prepaid wallet's recharge: its recharge entry is written in the same transaction, and it
never counts toward the postpaid balance). A wallet payment is not corrected or deleted
here: the wallet is corrected with an adjustment (billing.services.wallet).
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from billing.models import Bill, Payment
from billing.services.notices import queue_payment_receipt
from billing.services.periods import check_accounts, lock_period, next_month
from billing.services.wallet import credit_recharge
from customers.models import Customer
from earlybird import bounds
from earlybird.codes import next_code
from earlybird.locks import lock_one
from earlybird.roles import ACCOUNTS, ADMIN, DELIVERY_BOY, has_role


def _collected_by_delivery_boy(by, *, method: str, received_by) -> bool:
    """May `by` record this payment; is it cash a delivery boy collected (his own cap)?"""
    if by is None or has_role(by, ACCOUNTS, ADMIN):
        return False
    if not has_role(by, DELIVERY_BOY):
        raise PermissionDenied("Only accounts staff can record payments.")
    if method != Payment.Method.CASH:
        raise ValidationError({"method": "A delivery boy records cash only."})
    if received_by is None or received_by.pk != by.pk:
        raise ValidationError({"received_by": "A delivery boy records the cash he received."})
    return True


def _checked(amount, method: str, *, cash_by_delivery_boy: bool = False) -> Decimal:
    if method not in Payment.Method.values:
        raise ValidationError({"method": f"“{method}” is not a payment method."})
    try:
        value = Decimal(str(amount).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"amount": f"“{amount}” is not an amount of money."}) from exc
    bounds.check_amount(value, field="amount", cash_by_delivery_boy=cash_by_delivery_boy)
    return value.quantize(Decimal("0.01"))


def _check_reference_unused(*, customer_id: int, method: str, reference: str, exclude=None):
    """The same reference for the same customer and method is the same payment."""
    if not reference:
        return
    earlier = (
        Payment.objects.filter(customer_id=customer_id, method=method, reference__iexact=reference)
        .exclude(pk=exclude)
        .order_by("paid_on", "pk")
        .first()
    )
    if earlier is not None:
        raise ValidationError(
            {
                "reference": (
                    f"{earlier.get_method_display()} reference “{reference}” is already "
                    f"recorded for this customer: {earlier.code} of "
                    f"{earlier.paid_on.day} {earlier.paid_on:%b %Y} (₹{earlier.amount})."
                )
            }
        )


def _check_total(*, customer_id: int, amount: Decimal, exclude=None) -> None:
    paid = (
        Payment.objects.filter(customer_id=customer_id)
        .exclude(pk=exclude)
        .aggregate(total=Sum("amount"))["total"]
    )
    bounds.check_payments_total((paid or Decimal(0)) + amount, field="amount")


def record_payment(
    *,
    customer: Customer,
    amount,
    method: str,
    paid_on: date,
    received_by=None,
    reference: str = "",
    notes: str = "",
    by=None,
    purpose: str = Payment.Purpose.BILL,
) -> Payment:
    """Money received from a customer, by staff or by a delivery boy collecting cash:
    toward the bills, or (purpose "wallet") into the prepaid wallet."""
    if purpose not in Payment.Purpose.values:
        raise ValidationError({"purpose": f"“{purpose}” is not what a payment can be for."})
    collected = _collected_by_delivery_boy(by, method=method, received_by=received_by)
    amount = _checked(amount, method, cash_by_delivery_boy=collected)
    bounds.check_day(paid_on, field="paid_on")
    reference = (reference or "").strip()
    with transaction.atomic():
        # One payment of a customer at a time: the checks below see every earlier one.
        lock_one(Customer.objects, pk=customer.pk)
        _check_reference_unused(customer_id=customer.pk, method=method, reference=reference)
        _check_total(customer_id=customer.pk, amount=amount)
        payment = Payment(
            customer=customer,
            amount=amount,
            method=method,
            paid_on=paid_on,
            received_by=received_by,
            reference=reference,
            notes=notes,
            purpose=purpose,
            code=next_code("PA", on=paid_on),
        )
        payment.full_clean()
        payment.save()
        if purpose == Payment.Purpose.WALLET:
            credit_recharge(payment=payment, by=by)  # Customer, then Wallet: the lock order
        queue_payment_receipt(payment=payment)  # sent once this commits
    return payment


def _lock_periods_counting(payment: Payment, *days: date) -> date:
    """Take the locks of the periods whose bills count a payment dated on any of `days`
    (issuing a period's bills counts the payments dated before it), from the month after
    the earliest day up to the current month (no later period can be billed yet). Taken in
    ascending order, before any row lock. Returns the payment's date as it was read."""
    stored = Payment.objects.values_list("paid_on", flat=True).get(pk=payment.pk)
    period = next_month(min((stored, *days)).replace(day=1))
    last = timezone.localdate().replace(day=1)
    while period <= last:
        lock_period(period)
        period = next_month(period)
    return stored


def _check_not_counted(payment: Payment, *days: date) -> None:
    """An issued bill of a later month recorded this payment in its previous balance."""
    counted = (
        Bill.objects.filter(
            customer_id=payment.customer_id, status=Bill.Status.ISSUED, period__gt=min(days)
        )
        .order_by("period")
        .first()
    )
    if counted is not None:
        raise ValidationError(
            f"{counted} (issued) already counts {payment.code}; "
            "correct it with an adjustment on the next bill."
        )


def _lock_for_change(payment: Payment, *days: date) -> Payment:
    """Periods, customer, payment, in the lock order; the payment fresh, not yet counted."""
    stored = _lock_periods_counting(payment, *days)
    lock_one(Customer.objects, pk=payment.customer_id)
    current = lock_one(Payment.objects, pk=payment.pk)
    if current.purpose == Payment.Purpose.WALLET:
        raise ValidationError(
            f"{current.code} is a wallet recharge: correct the wallet with an adjustment."
        )
    if current.paid_on != stored:  # moved by someone else since: other periods count it
        raise ValidationError(f"{current.code} was changed meanwhile: look at it again.")
    _check_not_counted(current, current.paid_on, *days)
    return current


def correct_payment(
    *,
    payment: Payment,
    amount,
    method: str,
    paid_on: date,
    received_by=None,
    reference: str = "",
    notes: str = "",
    by,
) -> Payment:
    """Fix a payment entered wrongly (its customer and code stay)."""
    check_accounts(by)
    amount = _checked(amount, method)
    bounds.check_day(paid_on, field="paid_on")
    reference = (reference or "").strip()
    with transaction.atomic():
        current = _lock_for_change(payment, paid_on)
        _check_reference_unused(
            customer_id=current.customer_id, method=method, reference=reference, exclude=current.pk
        )
        _check_total(customer_id=current.customer_id, amount=amount, exclude=current.pk)
        current.amount, current.method, current.paid_on = amount, method, paid_on
        current.received_by, current.reference, current.notes = received_by, reference, notes
        current.full_clean()
        current.save()
    return current


def delete_payment(*, payment: Payment, by) -> None:
    """Remove a payment entered by mistake (a duplicate, the wrong customer)."""
    check_accounts(by)
    with transaction.atomic():
        current = _lock_for_change(payment)
        current.delete()
