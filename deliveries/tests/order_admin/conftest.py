"""The admin-group staff user, the days, and an order with tomorrow generated."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from customers.tests.factories import UserFactory
from deliveries.services import generate_deliveries
from earlybird import roles
from orders.models import Order
from orders.tests.factories import SubscriptionFactory


@pytest.fixture
def admin_staff(client):
    """A member of the admin group with admin access (is_staff), not a superuser."""
    client.force_login(UserFactory(roles=[roles.ADMIN], is_staff=True))
    return client


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def tomorrow(today) -> dt.date:
    return today + dt.timedelta(days=1)


@pytest.fixture
def order(today, tomorrow) -> Order:
    """A daily subscription whose delivery for tomorrow is already generated (pending)."""
    order = SubscriptionFactory(start_date=today, quantity=Decimal("1"))
    generate_deliveries(day=tomorrow)
    return order
