"""An accounts user, and a customer with an opening balance of ₹100."""

from decimal import Decimal

import pytest

from billing.tests.factories import accounts_user
from customers.tests.factories import CustomerFactory


@pytest.fixture
def accounts():
    return accounts_user()


@pytest.fixture
def customer():
    return CustomerFactory(opening_balance=Decimal("100.00"))
