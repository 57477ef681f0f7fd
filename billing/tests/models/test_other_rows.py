"""The other billing rows (runs, payments, adjustments), unique bill and payment codes,
and message templates."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billing.models import Adjustment, Bill, BillingRun, MessageTemplate, Payment
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


# --- message templates: some text, one active per kind and language -----------------


def test_it_refuses_a_message_template_without_text():
    empty = MessageTemplate(language="en", kind="bill", text="", is_active=False)
    with pytest.raises(ValidationError) as excinfo:
        empty.full_clean()
    assert "text" in excinfo.value.message_dict
    refused_by_database(empty.save, "billing_messagetemplate_has_text")
    template = MessageTemplate.objects.create(
        language="en", kind="bill", text="Hi {name}", is_active=False
    )
    refused_by_database(
        lambda: MessageTemplate.objects.filter(pk=template.pk).update(text=""),
        "billing_messagetemplate_has_text",
    )


def test_it_refuses_a_second_active_template_for_a_kind_and_language():
    # The English and Telugu bill texts are seeded active by a migration.
    second = MessageTemplate(language="en", kind="bill", text="Hi {name}")
    refused_by_full_clean(second, "billing_messagetemplate_one_active")
    refused_by_database(second.save, "billing_messagetemplate_one_active")
    inactive = MessageTemplate.objects.create(
        language="en", kind="bill", text="Hi {name}", is_active=False
    )
    refused_by_database(
        lambda: MessageTemplate.objects.filter(pk=inactive.pk).update(is_active=True),
        "billing_messagetemplate_one_active",
    )
    assert MessageTemplate.objects.filter(language="en", kind="bill", is_active=True).count() == 1


def test_any_number_of_inactive_templates_may_be_kept():
    for text in ("Hi {name}", "Hello {name}"):
        template = MessageTemplate(language="en", kind="bill", text=text, is_active=False)
        template.full_clean()
        template.save()
    assert MessageTemplate.objects.filter(language="en", is_active=False).count() == 2
