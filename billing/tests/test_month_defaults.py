"""Pages where a month is chosen open on today's month (18 November 2026, conftest); the
bills list of a month without bills points to the latest month that has some. The run
form keeps offering the last ended month (billing/tests/runs/test_months_not_ended.py)."""

import datetime as dt

import pytest
from django.urls import reverse

from billing.models import Bill
from billing.services import issue_bills, run_billing
from billing.tests.factories import accounts_user, deliver
from orders.tests.factories import SubscriptionFactory

pytestmark = pytest.mark.django_db

OCT = dt.date(2026, 10, 1)


@pytest.fixture
def october_billed():
    order = SubscriptionFactory(start_date=OCT)
    deliver(order, OCT.replace(day=5))
    run_billing(period=OCT)
    issue_bills(period=OCT)
    return Bill.objects.get()


def test_the_bills_list_opens_on_todays_month_and_points_to_the_latest_bills(
    client, october_billed
):
    client.force_login(accounts_user())

    response = client.get(reverse("billing:bills"))

    page = response.content.decode()
    assert response.context["period"] == dt.date(2026, 11, 1)
    assert 'value="2026-11"' in page
    assert "No bills for November 2026 yet: a month is billed once it has ended." in page
    assert '<a href="?month=2026-10">October 2026</a>' in page


def test_a_month_with_bills_lists_them_without_pointing_elsewhere(client, october_billed):
    client.force_login(accounts_user())

    response = client.get(reverse("billing:bills"), {"month": "2026-10"})

    assert [bill for bill, _ in response.context["rows"]] == [october_billed]
    assert response.context["latest"] is None
    assert "The latest bills" not in response.content.decode()


def test_an_old_month_without_bills_does_not_say_yet(client, october_billed):
    client.force_login(accounts_user())

    page = client.get(reverse("billing:bills"), {"month": "2025-03"}).content.decode()

    assert "No bills for March 2025." in page
    assert '<a href="?month=2026-10">October 2026</a>' in page
