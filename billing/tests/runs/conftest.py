"""A daily subscription of one litre of milk at ₹60 from January."""

from decimal import Decimal

import pytest

from billing.tests.runs import JAN
from orders.tests.factories import ProductFactory, SubscriptionFactory


@pytest.fixture
def milk():
    return ProductFactory(name="Buffalo milk 1 l", price="60.00")


@pytest.fixture
def order(milk):
    return SubscriptionFactory(product=milk, quantity=Decimal("1"), start_date=JAN)
