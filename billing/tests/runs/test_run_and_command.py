"""The run itself (its record, history, queries) and the run_billing command."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.models import Bill, BillingLine, BillingRun
from billing.services import run_billing
from billing.tests.factories import deliver, deliver_days
from billing.tests.runs import FEB, JAN, day, the_bill
from orders.tests.factories import SubscriptionFactory

pytestmark = pytest.mark.django_db

# --- the run itself -------------------------------------------------------------------


def test_the_period_is_the_first_of_a_month():
    with pytest.raises(ValidationError, match="first day of a month"):
        run_billing(period=day(JAN, 15))
    assert not BillingRun.objects.exists()


def test_a_failed_run_is_recorded_as_failed_and_bills_nothing(order, monkeypatch):
    from billing.services import runs

    deliver(order, day(JAN, 2))

    def broken(run):
        runs._bill_period.__wrapped__(run)
        raise RuntimeError("disk full")

    broken.__wrapped__ = runs._bill_period
    monkeypatch.setattr(runs, "_bill_period", broken)
    with pytest.raises(RuntimeError):
        run_billing(period=JAN)

    run = BillingRun.objects.get()
    assert (run.status, run.error) == (BillingRun.Status.FAILED, "RuntimeError: disk full")
    assert not Bill.objects.exists()
    assert not BillingLine.objects.exists()


def test_bills_and_their_changes_keep_history(order):
    deliver(order, day(JAN, 2))
    run_billing(period=JAN)
    deliver(order, day(JAN, 3))
    run_billing(period=JAN)

    bill = the_bill(order.customer)
    assert [(h.history_type, h.total) for h in bill.history.order_by("history_id")] == [
        ("+", Decimal("0.00")),
        ("~", Decimal("60.00")),
        ("~", Decimal("120.00")),
    ]


def test_a_run_takes_the_same_number_of_queries_for_one_customer_or_many(milk):
    def queries_for_run(period) -> int:
        with CaptureQueriesContext(connection) as captured:
            run_billing(period=period)
        return len(captured)

    first = SubscriptionFactory(product=milk, quantity=Decimal("1"), start_date=JAN)
    deliver(first, day(JAN, 2))
    one = queries_for_run(JAN)

    for _ in range(5):
        other = SubscriptionFactory(product=milk, quantity=Decimal("1"), start_date=JAN)
        deliver_days(other, day(FEB, 1), day(FEB, 3))
    many = queries_for_run(FEB)

    assert one == many
    assert Bill.objects.filter(period=FEB).count() == 5


# --- the command ----------------------------------------------------------------------


def test_the_command_bills_a_month_and_says_what_it_did(order):
    deliver_days(order, day(JAN, 1), day(JAN, 2))
    out = StringIO()

    call_command("run_billing", "--month", "2026-01", stdout=out)

    assert "Billed 2026-01 (deliveries up to 2026-01-31): 2 deliveries on 1 bills" in (
        out.getvalue()
    )
    assert "1 draft bills for 2026-01 await issue." in out.getvalue()
    assert the_bill(order.customer).total == Decimal("120.00")


def test_the_command_dry_run_saves_nothing(order):
    deliver(order, day(JAN, 1))
    out = StringIO()

    call_command("run_billing", "--month", "2026-01", "--dry-run", stdout=out)

    assert "Dry run, nothing saved — would bill 2026-01" in out.getvalue()
    assert "1 deliveries on 1 bills" in out.getvalue()
    assert not Bill.objects.exists()
    assert not BillingRun.objects.exists()


def test_the_command_can_issue_the_drafts(order):
    deliver(order, day(JAN, 1))
    out = StringIO()

    call_command("run_billing", "--month", "2026-01", "--issue", stdout=out)

    assert "Issued 1 bills." in out.getvalue()
    assert the_bill(order.customer).code == "BI-202601-0001"


def test_the_command_refuses_a_bad_month():
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("run_billing", "--month", "January")
