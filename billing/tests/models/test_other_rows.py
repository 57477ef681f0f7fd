"""The other billing rows (runs, payments, adjustments), unique bill and payment codes.
(Message templates moved to messaging: messaging/tests/test_templates.py.)"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billing.models import Adjustment, Bill, BillingRun, Payment
from billing.tests.models import (
    FEB,
    JAN,
    issued,
    make_bill,
    refused_by_database,
    refused_by_full_clean,
)
from customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

# --- the other billing rows -------------------------------------------------------


def test_it_refuses_a_billing_run_for_a_period_that_is_not_a_month_start():
    refused_by_full_clean(
        BillingRun(period=dt.date(2026, 1, 2)), "billing_billingrun_period_is_month_start"
    )
    refused_by_database(
        lambda: BillingRun.objects.create(period=dt.date(2026, 1, 2)),
        "billing_billingrun_period_is_month_start",
    )


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-100")])
def test_it_refuses_a_payment_that_is_not_above_zero(order, amount):
    fields = {
        "code": "PA-TEST-0001",
        "customer": order.customer,
        "amount": amount,
        "method": Payment.Method.UPI,
        "paid_on": JAN,
    }
    refused_by_full_clean(Payment(**fields), "billing_payment_amount_positive")
    refused_by_database(lambda: Payment.objects.create(**fields), "billing_payment_amount_positive")


def test_it_refuses_a_zero_adjustment(order):
    fields = {"customer": order.customer, "amount": Decimal("0"), "reason": "x", "date": JAN}
    refused_by_full_clean(Adjustment(**fields), "billing_adjustment_amount_not_zero")
    refused_by_database(
        lambda: Adjustment.objects.create(**fields), "billing_adjustment_amount_not_zero"
    )


def test_the_database_refuses_an_adjustment_without_a_reason(order):
    fields = {"customer": order.customer, "amount": Decimal("-5"), "reason": "", "date": JAN}
    with pytest.raises(ValidationError) as excinfo:
        Adjustment(**fields).full_clean()
    assert "reason" in excinfo.value.message_dict
    refused_by_database(
        lambda: Adjustment.objects.create(**fields), "billing_adjustment_has_reason"
    )


@pytest.mark.parametrize("field", ["bills_touched", "lines_created"])
def test_it_refuses_a_billing_run_with_a_negative_count(field):
    with pytest.raises(ValidationError) as excinfo:
        BillingRun(period=JAN, **{field: -1}).full_clean()
    assert field in excinfo.value.message_dict
    refused_by_database(
        lambda: BillingRun.objects.create(period=JAN, **{field: -1}),
        f"billing_billingrun_{field}_check",
    )


# --- unique bill and payment codes -------------------------------------------------


def test_it_refuses_two_bills_with_the_same_code(order):
    first = make_bill(order.customer, **issued())
    state = issued(code=first.code)
    with pytest.raises(ValidationError) as excinfo:
        Bill(customer=order.customer, period=FEB, **state).full_clean()
    assert "code" in excinfo.value.message_dict
    refused_by_database(lambda: make_bill(order.customer, FEB, **state), "billing_bill_code_key")
    assert Bill.objects.filter(code=first.code).count() == 1


def test_it_refuses_two_payments_with_the_same_code(order):
    fields = {
        "code": "PA-TEST-0001",
        "customer": order.customer,
        "amount": Decimal("100"),
        "method": Payment.Method.CASH,
        "paid_on": JAN,
    }
    Payment.objects.create(**fields)
    with pytest.raises(ValidationError) as excinfo:
        Payment(**fields).full_clean()
    assert "code" in excinfo.value.message_dict
    refused_by_database(lambda: Payment.objects.create(**fields), "billing_payment_code_key")
    assert Payment.objects.filter(code="PA-TEST-0001").count() == 1


def test_a_reference_is_one_payment_per_customer_and_method_whatever_its_case(order):
    fields = {
        "code": "PA-TEST-0001",
        "customer": order.customer,
        "amount": Decimal("100"),
        "method": Payment.Method.UPI,
        "paid_on": JAN,
        "reference": "UTR778",
    }
    Payment.objects.create(**fields)
    again = {**fields, "code": "PA-TEST-0002", "reference": "utr778"}

    refused_by_full_clean(Payment(**again), "already recorded for this customer and method")
    refused_by_database(lambda: Payment.objects.create(**again), "billing_payment_reference_once")
    # Blank references repeat; another method or another customer is another payment.
    Payment.objects.create(**{**fields, "code": "PA-TEST-0003", "reference": ""})
    Payment.objects.create(**{**fields, "code": "PA-TEST-0004", "reference": ""})
    Payment.objects.create(**{**fields, "code": "PA-TEST-0005", "method": Payment.Method.BANK})
    Payment.objects.create(**{**fields, "code": "PA-TEST-0006", "customer": CustomerFactory()})
    assert Payment.objects.filter(reference__iexact="UTR778").count() == 3
