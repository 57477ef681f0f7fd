"""Payments: money received from a customer (cash, UPI, bank transfer, cheque)."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from billing.models import Payment
from customers.models import Customer
from earlybird.codes import next_code


def record_payment(
    *,
    customer: Customer,
    amount,
    method: str,
    paid_on: date,
    received_by=None,
    reference: str = "",
    notes: str = "",
) -> Payment:
    """Money received from a customer, by staff or by a delivery boy collecting cash."""
    try:
        amount = Decimal(str(amount)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"amount": f"“{amount}” is not an amount of money."}) from exc
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({"amount": "The amount must be more than ₹0."})
    if method not in Payment.Method.values:
        raise ValidationError({"method": f"“{method}” is not a payment method."})
    with transaction.atomic():
        payment = Payment(
            customer=customer,
            amount=amount,
            method=method,
            paid_on=paid_on,
            received_by=received_by,
            reference=reference,
            notes=notes,
            code=next_code("PA", on=paid_on),
        )
        payment.full_clean()
        payment.save()
    return payment
