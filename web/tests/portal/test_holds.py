"""A held day on the customer's calendar at /me/: the reason and what to do, nothing due
that day, in the same number of queries however many days are held."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.tests.factories import CustomerFactory
from deliveries import holds
from deliveries.models import Hold
from deliveries.services import generate_deliveries
from orders.tests.factories import SubscriptionFactory
from web.tests.portal import IST, TOMORROW, d, iso, page_of

pytestmark = pytest.mark.django_db

PAUSED = "Paused: low balance"
EXPLANATION = "Your wallet balance is too low for this day&#x27;s milk. Recharge to resume."


def hold_days(customer, *days: dt.date) -> None:
    """Generate `days` with the customer held on each (everyone else served)."""
    held = lambda day, needs: {customer.pk: Hold.Reason.LOW_BALANCE}  # noqa: E731
    with holds.registered(held):
        for day in days:
            generate_deliveries(day=day)


def cell(page: str, day: dt.date) -> str:
    match = re.search(rf'<td data-date="{iso(day)}"[^>]*>(.*?)</td>', page, re.S)
    assert match, f"no calendar cell for {day}"
    return match.group(1)


def test_a_held_day_shows_the_reason_and_nothing_due(client, owner, subscription):
    hold_days(owner, TOMORROW)

    response = client.get(reverse("me:home"))

    page = page_of(response)
    held = cell(page, TOMORROW)
    assert PAUSED in held
    assert "Cow milk" not in held
    assert "Cow milk" in cell(page, d(12))  # the day after is due as usual
    assert f"{TOMORROW:%a} {TOMORROW.day} {TOMORROW:%b}: {PAUSED}.</strong> {EXPLANATION}" in page
    day = response.context["calendar"].days[TOMORROW]
    assert (day.hold, day.items) == (PAUSED, [])


def test_a_day_no_longer_held_is_due_again(client, owner, subscription):
    hold_days(owner, TOMORROW)
    with holds.registered(lambda day, needs: {}):
        generate_deliveries(day=TOMORROW)

    page = page_of(client.get(reverse("me:home")))

    assert PAUSED not in page
    assert "Cow milk" in cell(page, TOMORROW)


def test_another_customers_hold_is_not_shown(client, owner, subscription):
    other = SubscriptionFactory(customer=CustomerFactory(), start_date=d(1)).customer
    hold_days(other, TOMORROW)
    page = page_of(client.get(reverse("me:home")))
    assert PAUSED not in page


def test_the_home_page_runs_the_same_queries_for_1_and_5_held_days(client, owner, clock):
    def queries_for(customer, held: int) -> int:
        SubscriptionFactory(customer=customer, start_date=d(1))
        hold_days(customer, *(d(11 + n) for n in range(held)))
        client.force_login(customer.user)
        with CaptureQueriesContext(connection) as ctx:
            page = page_of(client.get(reverse("me:home")))
        assert page.count(f">{PAUSED}</span>") == held
        return len(ctx.captured_queries)

    clock(dt.datetime(2026, 3, 10, 10, 0, tzinfo=IST))
    few = queries_for(owner, 1)
    many = queries_for(CustomerFactory(), 5)
    assert few == many
