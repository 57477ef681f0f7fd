"""A subscription of two units a day, and a delivery boy."""

from decimal import Decimal

import pytest

from deliveries.tests.factories import DeliveryBoyFactory
from orders.tests.factories import SubscriptionFactory


@pytest.fixture
def order():
    return SubscriptionFactory(quantity=Decimal("2"))


@pytest.fixture
def boy():
    return DeliveryBoyFactory()
