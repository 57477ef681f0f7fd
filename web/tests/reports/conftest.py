import pytest

from customers.tests.factories import UserFactory
from earlybird import roles


@pytest.fixture
def cast():
    """One user of each staff role."""
    return {role: UserFactory(roles=[role]) for role in roles.STAFF_ROLES}


@pytest.fixture
def accounts(cast):
    return cast[roles.ACCOUNTS]
