"""A subscription of two units a day."""

from decimal import Decimal

import pytest

from orders.tests.factories import SubscriptionFactory


@pytest.fixture
def order():
    return SubscriptionFactory(quantity=Decimal("2"))
