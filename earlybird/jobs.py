"""The job engine: Procrastinate, with its jobs in the app's own PostgreSQL.

Tasks live in each app's `tasks.py` (found by procrastinate.contrib.django) and are
deferred through Django's database connection, so a job queued inside a transaction
exists only if that transaction commits. Workers: `manage.py procrastinate worker`
(any number, on any host; docs/deploy.md).

Scheduled work is a periodic task (`@app.periodic` on `@app.task`): every worker runs a
deferrer that queues each schedule's job once per slot (PostgreSQL refuses a second
defer of the same slot). Procrastinate reads cron in UTC and has no time-zone option, so
`daily_at` / `monthly_at` turn our local (IST) times into UTC cron once, at start-up.
The work of a scheduled job goes through `run_once`, which records it as a JobRun and
does a slot's work once even if its job comes twice (a second worker, a manual defer).

`run_queued_jobs` runs what is queued right here, in this process and transaction: the
tests use it where the point is what a job does, not the worker that runs it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from zoneinfo import ZoneInfo

from croniter import croniter
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Count, Max
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from earlybird.models import JobRun

__all__ = [
    "SCHEDULED_QUEUE",
    "Skipped",
    "app",
    "daily_at",
    "local_day",
    "monthly_at",
    "run_once",
    "run_queued_jobs",
]

logger = logging.getLogger(__name__)

# The queue of the periodic jobs, so a worker may be given them alone (or left without).
SCHEDULED_QUEUE = "scheduled"


# --- schedules: local times as UTC cron ---------------------------------------------------


def _utc_offset_minutes() -> int:
    """The local zone's offset from UTC, which must not change over the year: a cron
    line in UTC cannot follow daylight saving (India has none)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    offsets = {dt.datetime(2026, month, 1, tzinfo=zone).utcoffset() for month in (1, 7)}
    if len(offsets) != 1:
        raise ImproperlyConfigured(
            f"TIME_ZONE {settings.TIME_ZONE} has daylight saving: scheduled jobs need a "
            "zone with one offset all year."
        )
    return int(offsets.pop().total_seconds() // 60)


def _utc_minute(at: dt.time) -> tuple[int, int, bool]:
    """(hour, minute) in UTC of the local time `at`, and whether that is the day before."""
    minutes = at.hour * 60 + at.minute - _utc_offset_minutes()
    return minutes % 1440 // 60, minutes % 60, minutes < 0


def daily_at(at: dt.time) -> str:
    """Cron (UTC) for every day at the local time `at`."""
    hour, minute, _ = _utc_minute(at)
    return f"{minute} {hour} * * *"


def monthly_at(at: dt.time) -> str:
    """Cron (UTC) for the 1st of every month at the local time `at`. Before 05:30 IST
    that is the evening of the month's last day in UTC: croniter's "L"."""
    hour, minute, day_before = _utc_minute(at)
    return f"{minute} {hour} {'L' if day_before else '1'} * *"


def local_day(timestamp: int) -> dt.date:
    """The local date of a periodic job's scheduled time (Procrastinate's `timestamp`)."""
    return dt.datetime.fromtimestamp(timestamp, tz=ZoneInfo(settings.TIME_ZONE)).date()


def schedules() -> list[dict]:
    """Every periodic job: its task, cron (UTC) and next time, for the jobs page."""
    app.perform_import_paths()
    now = timezone.now()
    rows = []
    for periodic in app.periodic_registry.periodic_tasks.values():
        upcoming = croniter(periodic.cron, now.timestamp()).get_next(ret_type=float)
        rows.append(
            {
                "task": periodic.task.name,
                "cron": periodic.cron,
                "next": dt.datetime.fromtimestamp(upcoming, tz=dt.UTC),
            }
        )
    return sorted(rows, key=lambda row: row["next"])


# --- recorded runs ----------------------------------------------------------------------


class Skipped(Exception):
    """Raised by a recorded job's work when the slot has nothing to do (with why)."""


# A run still "running" after this long was left by a worker that died (the longest job,
# a billing run at 50,000 customers, takes about a minute): the next try takes it over.
STALE_AFTER = dt.timedelta(hours=2)

# Claim (task, slot): a new row, or a failed (or stale) one tried again. Nothing when the
# slot is done, skipped or under way. The unique index makes concurrent claims take turns.
_CLAIM = """
    INSERT INTO earlybird_jobrun (task, slot, status, attempts, started_at, summary, error)
    VALUES (%(task)s, %(slot)s, 'running', 1, %(now)s, '', '')
    ON CONFLICT (task, slot) DO UPDATE
       SET status = 'running', attempts = earlybird_jobrun.attempts + 1,
           started_at = EXCLUDED.started_at, finished_at = NULL, summary = '', error = ''
     WHERE earlybird_jobrun.status = 'failed'
        OR (earlybird_jobrun.status = 'running' AND earlybird_jobrun.started_at < %(stale)s)
    RETURNING id
"""


def run_once(*, task: str, slot: str, work: Callable[[], str]) -> JobRun | None:
    """Do a scheduled job's `work` for `slot` unless a run of it has succeeded, been
    skipped or is under way; record the run (JobRun): its start, then its summary (what
    `work` returns), its skip (`Skipped`) or its error. Returns the run, or None when the
    slot was not run now. A failure is recorded and re-raised, so the job fails too; the
    slot may be run again (a retry, a new defer), and so may one left running for longer
    than STALE_AFTER.

    Call it outside a transaction (a worker does): the claim commits before the work, so
    another worker sees the slot taken, and the work's own transactions commit as they
    would anywhere."""
    with connection.cursor() as cursor:
        now = timezone.now()
        cursor.execute(_CLAIM, {"task": task, "slot": slot, "now": now, "stale": now - STALE_AFTER})
        row = cursor.fetchone()
    if row is None:
        logger.info("job %s for %s: done or under way already, not run again", task, slot)
        return None
    run_id = row[0]
    try:
        summary = work()
    except Skipped as exc:
        _finish(run_id, JobRun.Status.SKIPPED, summary=str(exc))
    except BaseException as exc:
        _finish(run_id, JobRun.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:4000])
        logger.exception("job %s for %s failed", task, slot)
        raise
    else:
        _finish(run_id, JobRun.Status.SUCCEEDED, summary=summary or "")
    return JobRun.objects.get(pk=run_id)


def _finish(run_id: int, status: str, *, summary: str = "", error: str = "") -> None:
    JobRun.objects.filter(pk=run_id).update(
        status=status, finished_at=timezone.now(), summary=summary, error=error
    )


# --- the queue, read for the jobs page ----------------------------------------------------


def queue_counts() -> dict[str, int]:
    """Procrastinate's jobs by status (todo, doing, succeeded, failed, ...)."""
    rows = ProcrastinateJob.objects.values("status").annotate(n=Count("id")).order_by()
    return {row["status"]: row["n"] for row in rows}


def failed_jobs(*, limit: int = 20) -> list[ProcrastinateJob]:
    """The last failed jobs, newest first, each with `failed_at` (its last event)."""
    return list(
        ProcrastinateJob.objects.filter(status="failed")
        .annotate(failed_at=Max("procrastinateevent__at"))
        .order_by("-id")[:limit]
    )


# --- tests: run the queue in this process -------------------------------------------------


def run_queued_jobs(*, task_name: str | None = None, due_only: bool = True) -> list[str]:
    """Run every job waiting in the queue (oldest first, including those the jobs queue
    meanwhile), each once, in this process; returns the task names run. A job that
    raises is marked failed and its exception propagates, as a test would want."""
    ran = []
    while True:
        jobs = ProcrastinateJob.objects.filter(status="todo").order_by("id")
        if task_name:
            jobs = jobs.filter(task_name=task_name)
        if due_only:
            jobs = jobs.exclude(scheduled_at__gt=timezone.now())
        job = jobs.first()
        if job is None:
            return ran
        _set_status(job.id, "doing")
        try:
            app.tasks[job.task_name].func(**job.args)
        except BaseException:
            _set_status(job.id, "failed")
            raise
        _set_status(job.id, "succeeded")
        ran.append(job.task_name)


def _set_status(job_id: int, status: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE procrastinate_jobs SET status = %s WHERE id = %s", [status, job_id])
