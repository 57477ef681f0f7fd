"""The jobs page (/jobs/, admins): recent runs of the scheduled jobs with their
outcome, the schedules, and Procrastinate's queue — its jobs by status and the last that
failed. Reads only; a fixed number of queries."""

from django.shortcuts import render

from earlybird.access import staff_required
from earlybird.jobs import failed_jobs, queue_counts, schedules
from earlybird.models import JobRun

RUNS_SHOWN = 50
FAILED_SHOWN = 20
# Procrastinate's statuses, in the order a job goes through them.
QUEUE_STATUSES = ("todo", "doing", "succeeded", "failed", "cancelled", "aborting", "aborted")


@staff_required
def job_list(request):
    counts = queue_counts()
    return render(
        request,
        "staff/jobs.html",
        {
            "runs": JobRun.objects.all()[:RUNS_SHOWN],
            "schedules": schedules(),
            "counts": [(status, counts.get(status, 0)) for status in QUEUE_STATUSES],
            "failed": failed_jobs(limit=FAILED_SHOWN),
        },
    )
