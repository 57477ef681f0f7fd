"""Online payments against a fake Razorpay on 127.0.0.1: a customer, an issued bill of
hers, and links made through the service."""

import datetime as dt
from decimal import Decimal

import pytest

from billing.models import Bill
from billing.services import issue_bill, run_billing
from billing.services.online_payments import create_payment_link
from billing.tests.factories import deliver_days
from billing.tests.gateway.fake_razorpay import FakeRazorpay, use_razorpay
from customers.tests.factories import CustomerFactory
from orders.tests.factories import ProductFactory, SubscriptionFactory

OCT = dt.date(2026, 10, 1)


@pytest.fixture
def razorpay(settings):
    """Online payments on, against the fake server (which records every request)."""
    with FakeRazorpay() as server:
        use_razorpay(settings, server)
        yield server


@pytest.fixture
def customer():
    return CustomerFactory(name="Lakshmi Devi", phone="9848022338")


@pytest.fixture
def bill(customer):
    """October: 10 days of 1 l of milk at ₹56 = ₹560, issued."""
    milk = ProductFactory(name="Cow milk", price="56.00")
    order = SubscriptionFactory(customer=customer, product=milk, start_date=OCT)
    deliver_days(order, OCT, OCT.replace(day=10))
    run_billing(period=OCT)
    return issue_bill(bill=Bill.objects.get(customer=customer, period=OCT))


@pytest.fixture
def wallet_link(razorpay, customer):
    link, _ = create_payment_link(customer=customer, purpose="wallet", amount=Decimal("500"))
    return link


@pytest.fixture
def bill_link(razorpay, customer, bill):
    link, _ = create_payment_link(customer=customer, purpose="bill", bill=bill)
    return link
