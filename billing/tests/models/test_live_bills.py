"""Invariant 5: one live bill per customer and period; what a bill must record."""

import datetime as dt
from decimal import Decimal

import pytest

from billing.models import Bill
from billing.tests.models import (
    FEB,
    JAN,
    issued,
    make_bill,
    refused_by_database,
    refused_by_full_clean,
    voided,
)
from customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_a_valid_draft_bill_passes_full_clean(order):
    bill = Bill(customer=order.customer, period=JAN)
    bill.full_clean()
    bill.save()
    assert Bill.objects.filter(customer=order.customer, period=JAN).count() == 1


@pytest.mark.parametrize("first", [{}, issued()], ids=["draft", "issued"])
def test_full_clean_refuses_a_second_live_bill_for_the_same_customer_and_month(order, first):
    make_bill(order.customer, **first)
    refused_by_full_clean(
        Bill(customer=order.customer, period=JAN), "billing_bill_one_per_customer_period"
    )


@pytest.mark.parametrize("first", [{}, issued()], ids=["draft", "issued"])
def test_the_database_refuses_a_second_live_bill_for_the_same_customer_and_month(order, first):
    make_bill(order.customer, **first)
    refused_by_database(lambda: make_bill(order.customer), "billing_bill_one_per_customer_period")
    assert Bill.objects.filter(customer=order.customer, period=JAN).count() == 1


def test_a_new_bill_may_replace_a_voided_one(order):
    first = make_bill(order.customer, **issued())
    Bill.objects.filter(pk=first.pk).update(**voided())
    second = Bill(customer=order.customer, period=JAN)
    second.full_clean()
    second.save()
    also_void = make_bill(order.customer, **{**issued(), **voided()})
    assert set(Bill.objects.filter(customer=order.customer, period=JAN)) == {
        first,
        second,
        also_void,
    }


def test_other_customers_and_months_have_their_own_bills(order):
    make_bill(order.customer, JAN)
    make_bill(order.customer, FEB)
    make_bill(CustomerFactory(), JAN)
    assert Bill.objects.filter(period=JAN).count() == 2


def test_full_clean_refuses_a_period_that_is_not_the_first_of_a_month(order):
    refused_by_full_clean(
        Bill(customer=order.customer, period=dt.date(2026, 1, 15)),
        "billing_bill_period_is_month_start",
    )


def test_the_database_refuses_a_period_that_is_not_the_first_of_a_month(order):
    refused_by_database(
        lambda: make_bill(order.customer, dt.date(2026, 1, 15)),
        "billing_bill_period_is_month_start",
    )
    bill = make_bill(order.customer)
    refused_by_database(
        lambda: Bill.objects.filter(pk=bill.pk).update(period=dt.date(2026, 1, 31)),
        "billing_bill_period_is_month_start",
    )


def test_full_clean_refuses_a_total_that_is_not_charges_plus_adjustments(order):
    bill = Bill(
        customer=order.customer,
        period=JAN,
        charges=Decimal("100.00"),
        adjustments_total=Decimal("-10.00"),
        total=Decimal("100.00"),
    )
    refused_by_full_clean(bill, "billing_bill_total_adds_up")


def test_the_database_refuses_a_total_that_is_not_charges_plus_adjustments(order):
    refused_by_database(
        lambda: make_bill(order.customer, charges=Decimal("100.00"), total=Decimal("90.00")),
        "billing_bill_total_adds_up",
    )
    bill = make_bill(
        order.customer,
        charges=Decimal("100.00"),
        adjustments_total=Decimal("-10.00"),
        total=Decimal("90.00"),
    )
    refused_by_database(
        lambda: Bill.objects.filter(pk=bill.pk).update(charges=Decimal("120.00")),
        "billing_bill_total_adds_up",
    )
    bill.refresh_from_db()
    assert bill.total == bill.charges + bill.adjustments_total == Decimal("90.00")


@pytest.mark.parametrize(
    "missing", [{"code": None}, {"issued_at": None}], ids=["no-code", "no-issued-at"]
)
def test_it_refuses_an_issued_bill_without_its_number_and_date(order, missing):
    state = issued(**missing)
    refused_by_full_clean(
        Bill(customer=order.customer, period=JAN, **state), "billing_bill_issued_has_code"
    )
    refused_by_database(lambda: make_bill(order.customer, **state), "billing_bill_issued_has_code")


@pytest.mark.parametrize(
    "missing", [{"voided_at": None}, {"void_reason": ""}], ids=["no-voided-at", "no-reason"]
)
def test_it_refuses_a_void_bill_without_when_and_why(order, missing):
    state = {**issued(), **voided(**missing)}
    refused_by_full_clean(
        Bill(customer=order.customer, period=JAN, **state), "billing_bill_void_has_reason"
    )
    refused_by_database(lambda: make_bill(order.customer, **state), "billing_bill_void_has_reason")
