"""A clean cache for every test; the frozen clock, the owner and their subscription."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from customers.tests.factories import CustomerFactory
from orders.tests.factories import ProductFactory, SubscriptionFactory
from web.tests.portal import BEFORE_CUTOFF


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock(monkeypatch):
    """Freeze django.utils.timezone.now; call clock(datetime) to move it."""

    def set_now(moment: dt.datetime):
        monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(dt.UTC))

    set_now(BEFORE_CUTOFF)
    return set_now


@pytest.fixture
def milk():
    return ProductFactory(name="Cow milk", sort_order=1)


@pytest.fixture
def owner(client, clock):
    customer = CustomerFactory(name="Asha Rao")
    client.force_login(customer.user)
    return customer


@pytest.fixture
def subscription(owner, milk):
    return SubscriptionFactory(
        customer=owner, product=milk, quantity=Decimal("1"), start_date=dt.date(2026, 3, 1)
    )
