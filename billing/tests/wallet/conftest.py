"""A prepaid customer with a daily litre at ₹60 (from 1 Nov), accounts staff, helpers."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from billing.services.wallet import recharge_wallet, set_billing_mode
from billing.tests.factories import STAFF, accounts_user
from deliveries.models import Delivery
from deliveries.services import confirm_delivery, generate_deliveries
from orders.tests.factories import ProductFactory, SubscriptionFactory

TODAY = dt.date(2026, 11, 18)  # the frozen clock's day (conftest.py)
# Past days: generated with no hold (only days from today on are weighed), and staff
# may still confirm and correct them.
DAY = dt.date(2026, 11, 16)
NEXT_DAY = dt.date(2026, 11, 17)
START = dt.date(2026, 11, 1)


@pytest.fixture
def accounts():
    return accounts_user()


@pytest.fixture
def milk():
    return ProductFactory(price="60.00")


@pytest.fixture
def prepaid(milk):
    """A customer prepaid since 1 Nov with a litre of milk every morning."""
    customer = SubscriptionFactory(product=milk, quantity=Decimal("1"), start_date=START).customer
    set_billing_mode(customer=customer, mode="prepaid", effective_from=START)
    return customer


@pytest.fixture
def postpaid(milk):
    return SubscriptionFactory(product=milk, quantity=Decimal("1"), start_date=START).customer


def delivery_on(customer, day: dt.date) -> Delivery:
    """The customer's delivery on `day`, generating the day if needed."""
    if not Delivery.objects.filter(customer=customer, date=day).exists():
        generate_deliveries(day=day)
    return Delivery.objects.get(customer=customer, date=day)


def deliver(customer, day: dt.date = DAY, quantity="1") -> Delivery:
    return confirm_delivery(
        delivery=delivery_on(customer, day),
        delivered_qty=Decimal(quantity),
        by=STAFF,
        reason=Delivery.Reason.CUSTOMER_AWAY,
    )


def recharge(customer, amount="500", **extra):
    return recharge_wallet(customer=customer, amount=amount, method="upi", paid_on=TODAY, **extra)


def check_now() -> None:
    """Run the deferred (at-commit) checks now, inside the test's transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
