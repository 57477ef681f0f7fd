"""Support staff logged in, and the generate window these tests count on."""

import pytest

from customers.tests.factories import UserFactory
from earlybird import roles


@pytest.fixture
def support(client):
    user = UserFactory(roles=[roles.SUPPORT])
    client.force_login(user)
    return user


@pytest.fixture(autouse=True)
def _window(settings):
    """The window these tests count on, whatever the environment sets."""
    settings.GENERATE_WINDOW_DAYS = 7
