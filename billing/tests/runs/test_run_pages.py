"""The billing runs page: the button queues a run, a worker bills it, the pages follow it."""

from decimal import Decimal

import pytest
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob

from billing.models import Bill, BillingRun
from billing.services import run_billing
from billing.services.runs import bill_queued_run, queue_billing_run
from billing.tests.factories import accounts_user, deliver, deliver_days
from billing.tests.runs import JAN, day, the_bill
from customers.tests.factories import UserFactory
from earlybird.idempotency import issue_form_key
from earlybird.jobs import run_queued_jobs
from earlybird.roles import SUPPORT

pytestmark = pytest.mark.django_db


def run_form(user, month: str) -> dict:
    return {"month": month, "once": issue_form_key(user=user, operation="billing:run_start")}


class TestRunPages:
    def test_the_button_queues_the_run_and_a_worker_bills_it(self, client, order):
        deliver_days(order, day(JAN, 1), day(JAN, 3))
        accounts = accounts_user()
        client.force_login(accounts)

        response = client.post(
            reverse("billing:run_start"), run_form(accounts, "2026-01"), follow=True
        )

        # The request returns at once: the run is queued, nothing is billed yet.
        run = BillingRun.objects.get()
        assert (run.status, run.started_by, run.lines_created) == ("queued", accounts, 0)
        assert not Bill.objects.exists()
        job = ProcrastinateJob.objects.get(task_name="billing.run_billing")
        assert (job.status, job.args) == ("todo", {"run_id": run.pk})
        assert response.redirect_chain[-1][0] == reverse("billing:run_detail", args=[run.pk])
        page = response.content.decode()
        assert "Billing January 2026 is queued: this page follows it." in page
        assert '<meta http-equiv="refresh" content="3">' in page
        assert "waiting for a worker" in page

        assert run_queued_jobs() == ["billing.run_billing"]

        run.refresh_from_db()
        assert (run.status, run.lines_created, run.bills_touched) == ("finished", 3, 1)
        assert the_bill(order.customer).total == Decimal("180.00")
        detail = client.get(reverse("billing:run_detail", args=[run.pk])).content.decode()
        assert "http-equiv" not in detail  # finished: no more reloading
        assert "Issue the 1 draft bills" in detail
        listing = client.get(reverse("billing:runs")).content.decode()
        assert "January 2026" in listing
        assert "₹180.00" in listing

    def test_the_runs_page_reloads_itself_while_a_run_is_unfinished(self, client, order):
        deliver(order, day(JAN, 1))
        queued = queue_billing_run(period=JAN)
        client.force_login(accounts_user())

        while_queued = client.get(reverse("billing:runs")).content.decode()
        bill_queued_run(run_id=queued.pk)
        when_done = client.get(reverse("billing:runs")).content.decode()

        assert '<meta http-equiv="refresh"' in while_queued
        assert "Queued" in while_queued and "₹60.00" not in while_queued
        assert '<meta http-equiv="refresh"' not in when_done
        assert "Finished" in when_done and "₹60.00" in when_done

    def test_a_run_the_worker_could_not_finish_shows_as_failed(self, client, order, monkeypatch):
        deliver(order, day(JAN, 1))
        run = queue_billing_run(period=JAN)

        def broken(run):
            raise RuntimeError("the disk is full")

        monkeypatch.setattr("billing.services.runs._bill_period", broken)
        with pytest.raises(RuntimeError):
            run_queued_jobs()

        run.refresh_from_db()
        assert (run.status, run.error) == ("failed", "RuntimeError: the disk is full")
        assert not Bill.objects.exists()
        client.force_login(accounts_user())
        page = client.get(reverse("billing:run_detail", args=[run.pk])).content.decode()
        assert "RuntimeError: the disk is full" in page
        assert "http-equiv" not in page

    def test_a_queued_run_is_billed_once_even_if_its_job_comes_twice(self, order):
        deliver(order, day(JAN, 1))
        run = queue_billing_run(period=JAN)

        first = bill_queued_run(run_id=run.pk)
        second = bill_queued_run(run_id=run.pk)

        assert first.lines_created == 1
        assert second is None
        run.refresh_from_db()
        assert (run.status, run.lines_created) == ("finished", 1)
        assert the_bill(order.customer).lines.count() == 1

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
