"""A month is billed once it has ended. The staff form offers the last ended month, says
on the form why another is refused, and lets only an admin bill the current month early,
with a box ticked for it; the command takes --before-month-end. Months outside the
project's bounds (earlybird.bounds) are refused everywhere with the same words.

Today is Wednesday 18 November 2026 (conftest): October has ended, November has not."""

import logging
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from billing.models import BillingRun
from billing.tests.factories import accounts_user, deliver
from customers.tests.factories import UserFactory
from earlybird.idempotency import issue_form_key
from earlybird.jobs import run_queued_jobs
from earlybird.roles import ADMIN

pytestmark = pytest.mark.django_db


def run_form(user, month: str, **extra) -> dict:
    return {
        "month": month,
        "once": issue_form_key(user=user, operation="billing:run_start"),
        **extra,
    }


def start(client, user, month: str, **extra):
    client.force_login(user)
    return client.post(reverse("billing:run_start"), run_form(user, month, **extra))


class TestTheRunForm:
    def test_it_offers_the_last_ended_month(self, client):
        client.force_login(accounts_user())
        form = client.get(reverse("billing:runs")).context["form"]
        assert form["month"].value() == "2026-10"
        assert "before_month_end" not in form.fields  # accounts staff: ended months only

    @pytest.mark.parametrize(
        ("month", "says"),
        [
            ("2026-11", "November 2026 has not ended: bill it on or after 1 Dec 2026."),
            ("2026-12", "December 2026 has not begun"),
            ("0000-01", "Choose a month between Jan 2000 and Dec 2099."),
            ("2100-01", "Choose a month between Jan 2000 and Dec 2099."),
        ],
    )
    def test_a_month_that_may_not_be_billed_is_a_form_error(self, client, month, says):
        response = start(client, accounts_user(), month)

        assert response.status_code == 400
        assert says in response.context["form"].errors["month"][0]
        assert says in response.content.decode()
        assert not BillingRun.objects.exists()

    def test_accounts_staff_cannot_tick_their_way_into_the_current_month(self, client):
        response = start(client, accounts_user(), "2026-11", before_month_end="on")
        assert response.status_code == 400
        assert not BillingRun.objects.exists()

    def test_an_admin_bills_the_current_month_early_only_with_the_box_ticked(
        self, client, order, caplog
    ):
        admin = UserFactory(roles=[ADMIN])
        deliver(order, order.start_date)
        client.force_login(admin)
        assert "before_month_end" in client.get(reverse("billing:runs")).context["form"].fields

        refused = start(client, admin, "2026-11")
        assert refused.status_code == 400
        assert not BillingRun.objects.exists()

        with caplog.at_level(logging.WARNING, logger="billing"):
            started = start(client, admin, "2026-11", before_month_end="on")
        run_queued_jobs()  # the worker's part

        run = BillingRun.objects.get()
        assert started.url == reverse("billing:run_detail", args=[run.pk])
        assert (run.period.isoformat(), run.started_by, run.lines_created) == (
            "2026-11-01",
            admin,
            1,
        )
        assert "before the month has ended" in caplog.text

    def test_even_an_admin_cannot_bill_a_month_not_begun(self, client):
        response = start(client, UserFactory(roles=[ADMIN]), "2026-12", before_month_end="on")
        assert response.status_code == 400
        assert "has not begun" in response.context["form"].errors["month"][0]


class TestTheCommand:
    @pytest.mark.parametrize("month", ["0000-01", "9999-12", "2026-13", "November"])
    def test_a_month_out_of_bounds_names_the_option_and_the_value(self, month):
        with pytest.raises(CommandError, match=f"^--month {month}: "):
            call_command("run_billing", "--month", month)
        assert not BillingRun.objects.exists()

    def test_the_current_month_needs_before_month_end(self, order):
        deliver(order, order.start_date)
        with pytest.raises(CommandError, match="November 2026 has not ended"):
            call_command("run_billing", "--month", "current")

        out = StringIO()
        call_command("run_billing", "--month", "current", "--before-month-end", stdout=out)

        assert "Billed 2026-11" in out.getvalue()

    @pytest.mark.parametrize("month", ["0000-01", "2100-01", "2026-00"])
    def test_reconcile_names_the_option_and_the_value(self, month):
        with pytest.raises(CommandError, match=f"^--month {month}: "):
            call_command("reconcile", "--month", month)
