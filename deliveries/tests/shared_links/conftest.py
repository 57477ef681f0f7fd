"""Today's route with a link for it. The rate limiter's clock, pinned: this override of
the root `frozen_clock` stands for every test of the package, as it did when they were one
module."""

import pytest

from deliveries import ratelimit
from deliveries.services import generate_deliveries
from deliveries.tests.factories import DeliveryBoyFactory
from deliveries.tests.shared_links import customer_on, make_link, today


@pytest.fixture
def route():
    """Today's morning route of one delivery boy with one customer, and a link for it."""
    boy = DeliveryBoyFactory(name="Suresh")
    customer = customer_on(boy, name="Asha Rao")
    generate_deliveries(day=today())
    link, token = make_link(boy)
    return boy, customer, link, token


@pytest.fixture
def frozen_clock(monkeypatch):
    now = [1_800_000_000.0]
    monkeypatch.setattr(ratelimit, "clock", lambda: now[0])
    return now
