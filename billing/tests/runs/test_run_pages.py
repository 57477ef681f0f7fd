"""The billing runs page."""

import pytest
from django.urls import reverse

from billing.models import BillingRun
from billing.services import run_billing
from billing.tests.factories import accounts_user, deliver, deliver_days
from billing.tests.runs import JAN, day, the_bill
from customers.tests.factories import UserFactory
from earlybird.idempotency import issue_form_key
from earlybird.roles import SUPPORT

pytestmark = pytest.mark.django_db


def run_form(user, month: str) -> dict:
    return {"month": month, "once": issue_form_key(user=user, operation="billing:run_start")}


class TestRunPages:
    def test_accounts_staff_start_a_run_and_see_its_result(self, client, order):
        deliver_days(order, day(JAN, 1), day(JAN, 3))
        accounts = accounts_user()
        client.force_login(accounts)

        response = client.post(
            reverse("billing:run_start"), run_form(accounts, "2026-01"), follow=True
        )

        run = BillingRun.objects.get()
        assert (run.started_by, run.lines_created) == (accounts, 3)
        assert response.redirect_chain[-1][0] == reverse("billing:run_detail", args=[run.pk])
        page = response.content.decode()
        assert "Billed January 2026: 3 deliveries on 1 bills." in page
        assert "Issue the 1 draft bills" in page
        listing = client.get(reverse("billing:runs")).content.decode()
        assert "January 2026" in listing
        assert "₹180.00" in listing

    def test_issuing_the_months_drafts_from_the_run_page(self, client, order):
        deliver(order, day(JAN, 1))
        run_billing(period=JAN)
        client.force_login(accounts_user())

        response = client.post(reverse("billing:issue_period"), {"month": "2026-01"}, follow=True)

        assert "Issued 1 bills for January 2026." in response.content.decode()
        assert the_bill(order.customer).code == "BI-202601-0001"

    def test_a_bad_month_is_refused_with_a_message(self, client):
        accounts = accounts_user()
        client.force_login(accounts)
        response = client.post(
            reverse("billing:run_start"), run_form(accounts, "2026-13"), follow=True
        )
        assert "is not a month" in response.content.decode()
        assert not BillingRun.objects.exists()

    @pytest.mark.parametrize("name", ["runs", "run_start", "issue_period"])
    def test_other_staff_get_a_404_and_outsiders_the_login_page(self, client, name):
        url = reverse(f"billing:{name}")
        assert client.post(url).status_code == 302  # to the login page
        client.force_login(UserFactory(roles=[SUPPORT]))
        assert client.post(url).status_code in (404, 405)
        assert client.get(reverse("billing:runs")).status_code == 404
