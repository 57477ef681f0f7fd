"""The marketer, their own customer, and another marketer's customer."""

import pytest

from customers.tests.factories import CustomerFactory
from earlybird import roles
from web.tests.customer_pages import staff


@pytest.fixture
def marketer():
    return staff(roles.MARKETING, username="meera")


@pytest.fixture
def own(marketer):
    """A customer brought in by `marketer`."""
    return CustomerFactory(name="Asha Rao", phone="9848022338", marketing_staff=marketer)


@pytest.fixture
def theirs():
    """A customer of another marketer."""
    return CustomerFactory(name="Bala Krishna", marketing_staff=staff(roles.MARKETING))
