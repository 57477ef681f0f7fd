"""earlybird.jobs: local (IST) times as UTC cron, and run_once — a scheduled job's work
done once per slot and recorded as a JobRun, whatever happens to it."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from croniter import croniter
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone

from earlybird.jobs import (
    STALE_AFTER,
    Skipped,
    daily_at,
    local_day,
    monthly_at,
    run_once,
    schedules,
)
from earlybird.models import JobRun

IST = ZoneInfo("Asia/Kolkata")


def next_fire(cron: str, after: dt.datetime) -> dt.datetime:
    """When Procrastinate's deferrer would queue the job next (croniter on a timestamp:
    UTC), in IST."""
    return dt.datetime.fromtimestamp(
        croniter(cron, after.timestamp()).get_next(ret_type=float), tz=IST
    )


class TestSchedules:
    @pytest.mark.parametrize(
        ("local", "cron"),
        [("21:15", "45 15 * * *"), ("10:00", "30 4 * * *"), ("02:00", "30 20 * * *")],
    )
    def test_a_daily_local_time_becomes_utc_cron(self, local, cron):
        assert daily_at(dt.time.fromisoformat(local)) == cron

    @pytest.mark.parametrize("local", ["00:00", "02:00", "05:29", "05:30", "19:00", "23:59"])
    def test_a_daily_job_fires_at_that_local_time_every_day(self, local):
        at = dt.time.fromisoformat(local)
        fired = next_fire(daily_at(at), dt.datetime(2026, 11, 18, 10, 0, tzinfo=IST))
        assert fired.time() == at
        assert fired.date() in (dt.date(2026, 11, 18), dt.date(2026, 11, 19))

    @pytest.mark.parametrize(
        ("after", "fires"),
        [
            (dt.datetime(2026, 11, 18, 10, 0, tzinfo=IST), dt.datetime(2026, 12, 1, 2, 0)),
            (dt.datetime(2026, 12, 31, 23, 0, tzinfo=IST), dt.datetime(2027, 1, 1, 2, 0)),
            (dt.datetime(2028, 2, 10, 10, 0, tzinfo=IST), dt.datetime(2028, 3, 1, 2, 0)),
            (dt.datetime(2027, 2, 10, 10, 0, tzinfo=IST), dt.datetime(2027, 3, 1, 2, 0)),
            (dt.datetime(2026, 4, 30, 21, 0, tzinfo=IST), dt.datetime(2026, 5, 1, 2, 0)),
        ],
    )
    def test_a_monthly_job_before_0530_ist_fires_on_the_1st_in_ist(self, after, fires):
        # 02:00 IST is 20:30 UTC on the month's last day, whatever its length.
        cron = monthly_at(dt.time(2, 0))
        assert cron == "30 20 L * *"
        assert next_fire(cron, after) == fires.replace(tzinfo=IST)

    def test_a_monthly_job_after_0530_ist_is_the_1st_in_utc_too(self):
        cron = monthly_at(dt.time(6, 0))
        assert cron == "30 0 1 * *"
        fired = next_fire(cron, dt.datetime(2026, 11, 18, 10, 0, tzinfo=IST))
        assert fired == dt.datetime(2026, 12, 1, 6, 0, tzinfo=IST)

    def test_a_zone_with_daylight_saving_is_refused(self):
        with override_settings(TIME_ZONE="Europe/London"), pytest.raises(ImproperlyConfigured):
            daily_at(dt.time(21, 15))

    def test_the_slot_day_is_the_ist_date_of_the_scheduled_time(self):
        # 20:30 UTC on 31 October is 02:00 IST on 1 November.
        timestamp = int(dt.datetime(2026, 10, 31, 20, 30, tzinfo=dt.UTC).timestamp())
        assert local_day(timestamp) == dt.date(2026, 11, 1)

    def test_every_schedule_is_listed_with_its_next_time(self):
        listed = {row["task"]: row for row in schedules()}
        assert set(listed) >= {
            "deliveries.generate_tomorrow",
            "billing.monthly_run",
            "billing.overdue_reminders",
        }
        evening = listed["deliveries.generate_tomorrow"]["next"].astimezone(IST)
        assert (evening.hour, evening.minute) == (21, 15)
        assert evening > timezone.now()


@pytest.mark.django_db
class TestRunOnce:
    def test_it_runs_the_work_and_records_what_it_did(self):
        run = run_once(task="demo.job", slot="2026-11-19", work=lambda: "made 3 rows")

        assert (run.status, run.summary, run.error, run.attempts) == (
            "succeeded",
            "made 3 rows",
            "",
            1,
        )
        assert run.started_at <= run.finished_at
        assert JobRun.objects.get() == run

    def test_a_slot_done_once_is_not_done_again(self):
        calls = []
        run_once(task="demo.job", slot="2026-11-19", work=lambda: calls.append(1) or "first")

        again = run_once(task="demo.job", slot="2026-11-19", work=lambda: calls.append(2) or "x")

        assert again is None
        assert calls == [1]
        assert JobRun.objects.get().summary == "first"

    def test_other_slots_and_other_tasks_run(self):
        run_once(task="demo.job", slot="2026-11-19", work=lambda: "a")
        run_once(task="demo.job", slot="2026-11-20", work=lambda: "b")
        run_once(task="demo.other", slot="2026-11-19", work=lambda: "c")
        assert sorted(JobRun.objects.values_list("summary", flat=True)) == ["a", "b", "c"]

    def test_a_failure_is_recorded_raised_and_may_be_run_again(self):
        def broken():
            raise RuntimeError("no route for customer CU-1")

        with pytest.raises(RuntimeError, match="no route"):
            run_once(task="demo.job", slot="2026-11-19", work=broken)

        failed = JobRun.objects.get()
        assert (failed.status, failed.error) == (
            "failed",
            "RuntimeError: no route for customer CU-1",
        )
        assert failed.finished_at is not None

        retried = run_once(task="demo.job", slot="2026-11-19", work=lambda: "fixed")

        assert (retried.pk, retried.status, retried.attempts) == (failed.pk, "succeeded", 2)
        assert (retried.summary, retried.error) == ("fixed", "")

    def test_a_skip_is_recorded_and_not_run_again(self):
        def nothing():
            raise Skipped("reminders are switched off")

        run = run_once(task="demo.job", slot="2026-11-19", work=nothing)

        assert (run.status, run.summary) == ("skipped", "reminders are switched off")
        assert run_once(task="demo.job", slot="2026-11-19", work=lambda: "x") is None

    def test_a_slot_under_way_elsewhere_is_left_to_it(self):
        JobRun.objects.create(
            task="demo.job", slot="2026-11-19", started_at=timezone.now() - dt.timedelta(hours=1)
        )

        assert run_once(task="demo.job", slot="2026-11-19", work=lambda: "twice!") is None
        assert JobRun.objects.get().status == "running"

    def test_a_run_left_running_by_a_dead_worker_is_taken_over_later(self):
        stale = JobRun.objects.create(
            task="demo.job", slot="2026-11-19", started_at=timezone.now() - STALE_AFTER * 1.1
        )

        run = run_once(task="demo.job", slot="2026-11-19", work=lambda: "done now")

        assert (run.pk, run.status, run.attempts, run.summary) == (
            stale.pk,
            "succeeded",
            2,
            "done now",
        )


@pytest.mark.django_db
class TestJobRunRules:
    def refused_by_database(self, write, constraint: str) -> None:
        with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
            write()

    def test_one_run_per_task_and_slot(self):
        JobRun.objects.create(task="demo.job", slot="2026-11", started_at=timezone.now())

        with pytest.raises(ValidationError, match="Task and Slot already exists"):
            JobRun(task="demo.job", slot="2026-11", started_at=timezone.now()).full_clean()
        self.refused_by_database(
            lambda: JobRun.objects.create(
                task="demo.job", slot="2026-11", started_at=timezone.now()
            ),
            "earlybird_jobrun_once_per_slot",
        )

    def test_a_finished_run_has_its_finishing_time(self):
        unfinished = JobRun(
            task="demo.job", slot="2026-11", status="succeeded", started_at=timezone.now()
        )

        with pytest.raises(ValidationError, match="earlybird_jobrun_finished_has_time"):
            unfinished.full_clean()
        self.refused_by_database(unfinished.save, "earlybird_jobrun_finished_has_time")
