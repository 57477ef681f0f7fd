"""Billing's scheduled jobs, run as a worker runs them (earlybird.jobs.run_queued_jobs):
on the 1st, billing of the month just ended and the reconciliation after it (a failure or
a violation alerts the admins); overdue reminders every day. Each once per slot, recorded
as a JobRun. (The staff page's run job: billing/tests/runs/test_run_pages.py.)

Today is Wednesday 18 November 2026 (conftest)."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from billing.models import Bill, BillingRun
from billing.tasks import MONTHLY_RUN, OVERDUE_REMINDERS, RECONCILE, monthly_run, overdue_reminders
from billing.tests.factories import deliver_days
from earlybird.jobs import app, monthly_at, run_queued_jobs
from earlybird.models import JobRun
from messaging.models import Message
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

IST = ZoneInfo("Asia/Kolkata")
OCT = dt.date(2026, 10, 1)
# What Procrastinate hands the monthly job: 02:00 IST on 1 November (20:30 UTC, 31 Oct).
FIRST_OF_NOVEMBER = int(dt.datetime(2026, 11, 1, 2, 0, tzinfo=IST).timestamp())
MORNING = int(dt.datetime(2026, 11, 18, 10, 0, tzinfo=IST).timestamp())


@pytest.fixture
def october(db):
    """A litre of milk at ₹60 delivered on 1–3 October."""
    order = SubscriptionFactory(
        product=ProductFactory(price="60.00"), quantity=Decimal("1"), start_date=OCT
    )
    deliver_days(order, OCT, OCT.replace(day=3))
    return order


@pytest.fixture
def office(settings):
    """Alerts go to this phone (messaging.services.queue_alert)."""
    settings.ALERT_PHONES = ["98480 22338"]


def alerts() -> list[str]:
    return list(Message.objects.filter(purpose="alert").values_list("text", flat=True))


def outcome(task: str) -> tuple[str, str]:
    run = JobRun.objects.get(task=task)
    return run.slot, run.status


def test_the_monthly_run_is_scheduled_on_the_1st_at_the_ist_time(settings):
    periodic = app.periodic_registry.periodic_tasks[(MONTHLY_RUN, "first-of-month")]
    assert periodic.cron == monthly_at(settings.BILLING_RUN_AT) == "30 20 L * *"


class TestMonthlyRun:
    def test_it_bills_the_month_just_ended_then_reconciles(self, october, office):
        monthly_run.defer(timestamp=FIRST_OF_NOVEMBER)

        assert run_queued_jobs() == [MONTHLY_RUN, RECONCILE]

        run = BillingRun.objects.get()
        assert (run.period, run.status, run.lines_created) == (OCT, "finished", 3)
        assert Bill.objects.get(customer=october.customer, period=OCT).total == Decimal("180.00")
        assert outcome(MONTHLY_RUN) == ("2026-10", "succeeded")
        assert "Billed October 2026: 3 deliveries on 1 bills, ₹180.00" in (
            JobRun.objects.get(task=MONTHLY_RUN).summary
        )
        assert outcome(RECONCILE) == ("2026-10", "succeeded")
        assert JobRun.objects.get(task=RECONCILE).summary == "No violation: every check passes."
        assert alerts() == []

    def test_the_same_1st_twice_bills_once(self, october, office):
        monthly_run.defer(timestamp=FIRST_OF_NOVEMBER)
        run_queued_jobs()

        monthly_run.defer(timestamp=FIRST_OF_NOVEMBER)
        assert run_queued_jobs() == [MONTHLY_RUN]  # ran, did nothing, queued nothing

        assert BillingRun.objects.count() == 1
        assert JobRun.objects.get(task=MONTHLY_RUN).attempts == 1

    def test_a_failed_billing_is_recorded_and_alerts_the_admins(self, october, office, monkeypatch):
        def broken(run):
            raise RuntimeError("deadlock detected")

        monkeypatch.setattr("billing.services.runs._bill_period", broken)
        monthly_run.defer(timestamp=FIRST_OF_NOVEMBER)

        with pytest.raises(RuntimeError):
            run_queued_jobs()

        assert outcome(MONTHLY_RUN) == ("2026-10", "failed")
        assert JobRun.objects.get(task=MONTHLY_RUN).error == "RuntimeError: deadlock detected"
        assert BillingRun.objects.get().status == "failed"
        assert not JobRun.objects.filter(task=RECONCILE).exists()
        [alert] = alerts()
        assert "Billing of October 2026 failed: RuntimeError: deadlock detected" in alert

    def test_a_violation_found_after_the_run_fails_the_check_and_alerts_once(self, october, office):
        monthly_run.defer(timestamp=FIRST_OF_NOVEMBER)
        run_queued_jobs(task_name=MONTHLY_RUN)
        bill = Bill.objects.get()
        Bill.objects.filter(pk=bill.pk).update(charges=Decimal("51.00"), total=Decimal("51.00"))

        with pytest.raises(Exception, match="1 violations"):
            run_queued_jobs(task_name=RECONCILE)

        check = JobRun.objects.get(task=RECONCILE)
        assert (check.slot, check.status) == ("2026-10", "failed")
        assert (
            f"Bill total ≠ its lines and adjustments: 1 (e.g. draft bill {bill.pk}" in check.error
        )
        [alert] = alerts()
        assert "Reconciliation after billing October 2026: 1 violations." in alert

        # Tried again (the job deferred again): still wrong, still one alert.
        app.tasks[RECONCILE].defer(month="2026-10")
        with pytest.raises(Exception, match="1 violations"):
            run_queued_jobs()
        assert JobRun.objects.get(task=RECONCILE).attempts == 2
        assert len(alerts()) == 1


class TestOverdueReminders:
    def test_it_queues_the_days_reminders_once(self, monkeypatch):
        days = []

        def queue_overdue_reminders(*, today):
            days.append(today)
            return 4

        monkeypatch.setattr("billing.tasks.queue_overdue_reminders", queue_overdue_reminders)

        overdue_reminders.defer(timestamp=MORNING)
        overdue_reminders.defer(timestamp=MORNING)  # a second worker's deferrer, say
        assert run_queued_jobs() == [OVERDUE_REMINDERS, OVERDUE_REMINDERS]

        assert days == [dt.date(2026, 11, 18)]
        run = JobRun.objects.get(task=OVERDUE_REMINDERS)
        assert (run.slot, run.status, run.summary) == (
            "2026-11-18",
            "succeeded",
            "Reminders queued: 4.",
        )

    def test_a_failure_is_recorded(self, monkeypatch):
        def broken(*, today):
            raise ValueError("no template for Telugu")

        monkeypatch.setattr("billing.tasks.queue_overdue_reminders", broken)
        overdue_reminders.defer(timestamp=MORNING)

        with pytest.raises(ValueError):
            run_queued_jobs()

        run = JobRun.objects.get(task=OVERDUE_REMINDERS)
        assert (run.status, run.error) == ("failed", "ValueError: no template for Telugu")
