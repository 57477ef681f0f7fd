"""An accounts user and a customer."""

import pytest

from billing.tests.factories import accounts_user
from customers.tests.factories import CustomerFactory


@pytest.fixture
def accounts():
    return accounts_user()


@pytest.fixture
def customer():
    return CustomerFactory()
