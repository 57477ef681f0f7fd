"""The evening job: tomorrow's deliveries at GENERATE_DELIVERIES_AT (IST), once per day,
recorded as a JobRun. Run here as a worker would run it (earlybird.jobs.run_queued_jobs)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from deliveries.models import Delivery
from deliveries.services import generate_deliveries
from deliveries.tasks import GENERATE_TOMORROW, generate_tomorrow
from earlybird.jobs import app, daily_at, run_queued_jobs
from earlybird.models import JobRun
from orders.tests.factories import SubscriptionFactory

pytestmark = pytest.mark.django_db

IST = ZoneInfo("Asia/Kolkata")
# The scheduled time Procrastinate hands the job: 21:15 IST on Wednesday 18 November.
EVENING = int(dt.datetime(2026, 11, 18, 21, 15, tzinfo=IST).timestamp())
TOMORROW = dt.date(2026, 11, 19)


def run_the_evening_job() -> list[str]:
    generate_tomorrow.defer(timestamp=EVENING)
    return run_queued_jobs()


def test_it_is_scheduled_every_evening_at_the_configured_ist_time(settings):
    periodic = app.periodic_registry.periodic_tasks[(GENERATE_TOMORROW, "evening")]
    assert periodic.cron == daily_at(settings.GENERATE_DELIVERIES_AT) == "45 15 * * *"


def test_it_generates_tomorrows_deliveries_and_records_the_run():
    order = SubscriptionFactory(start_date=dt.date(2026, 11, 1))

    assert run_the_evening_job() == [GENERATE_TOMORROW]

    assert list(Delivery.objects.filter(order=order).values_list("date", flat=True)) == [TOMORROW]
    run = JobRun.objects.get()
    assert (run.task, run.slot, run.status) == (GENERATE_TOMORROW, "2026-11-19", "succeeded")
    assert run.summary.startswith("2026-11-19: created 1, updated 0, cancelled 0")


def test_the_same_evening_twice_generates_once(monkeypatch):
    SubscriptionFactory(start_date=dt.date(2026, 11, 1))
    generated = []

    def spy(*, day):
        generated.append(day)
        return generate_deliveries(day=day)

    monkeypatch.setattr("deliveries.tasks.generate_deliveries", spy)

    run_the_evening_job()
    run_the_evening_job()  # deferred again: a second worker's deferrer, or by hand

    assert generated == [TOMORROW]
    assert Delivery.objects.filter(date=TOMORROW).count() == 1
    run = JobRun.objects.get()
    assert (run.status, run.attempts) == ("succeeded", 1)


def test_a_failure_is_recorded_and_the_next_try_of_the_evening_does_the_work(monkeypatch):
    order = SubscriptionFactory(start_date=dt.date(2026, 11, 1))

    def down(**kwargs):
        raise ConnectionError("database went away")

    with monkeypatch.context() as patched:
        patched.setattr("deliveries.tasks.generate_deliveries", down)
        with pytest.raises(ConnectionError):
            run_the_evening_job()

    failed = JobRun.objects.get()
    assert (failed.status, failed.error) == ("failed", "ConnectionError: database went away")
    assert not Delivery.objects.exists()

    run_the_evening_job()  # the job deferred again (a retry, or by hand)

    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("succeeded", 2)
    assert Delivery.objects.filter(order=order, date=TOMORROW).exists()
