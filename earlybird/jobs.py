"""The job engine: Procrastinate, with its jobs in the app's own PostgreSQL.

Tasks live in each app's `tasks.py` (found by procrastinate.contrib.django) and are
deferred through Django's database connection, so a job queued inside a transaction
exists only if that transaction commits. Workers: `manage.py procrastinate worker`
(any number, on any host; docs/deploy.md).

`run_queued_jobs` runs what is queued right here, in this process and transaction: the
tests use it where the point is what a job does, not the worker that runs it.
"""

from __future__ import annotations

from django.db import connection
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

__all__ = ["app", "run_queued_jobs"]


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
