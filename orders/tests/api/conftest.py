"""A customer and a subscription of theirs."""

import pytest

from customers.tests.factories import CustomerFactory
from orders.tests.api import today
from orders.tests.factories import SubscriptionFactory


@pytest.fixture
def customer():
    return CustomerFactory()


@pytest.fixture
def subscription(customer):
    return SubscriptionFactory(customer=customer, start_date=today())
