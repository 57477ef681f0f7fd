"""The nightly job deleting expired sessions (earlybird.tasks.clear_sessions), and the
`clearsessions` command through the same store."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from earlybird.jobs import run_queued_jobs
from earlybird.models import JobRun, Session
from earlybird.sessions import SessionStore
from earlybird.tasks import CLEAR_SESSIONS, clear_sessions

pytestmark = pytest.mark.django_db


def sessions(live: int, expired: int) -> None:
    for _ in range(live + expired):
        SessionStore().create()
    past = timezone.now() - dt.timedelta(seconds=1)
    Session.objects.filter(
        pk__in=list(Session.objects.values_list("pk", flat=True)[:expired])
    ).update(expire_date=past)


def test_the_night_job_deletes_the_expired_sessions_once_and_keeps_the_live():
    sessions(live=2, expired=3)
    clear_sessions.defer(timestamp=int(timezone.now().timestamp()))
    run_queued_jobs()
    assert Session.objects.count() == 2
    run = JobRun.objects.get(task=CLEAR_SESSIONS)
    assert run.status == JobRun.Status.SUCCEEDED and run.summary == "3 expired sessions deleted"


def test_clearsessions_uses_the_same_store():
    sessions(live=1, expired=2)
    call_command("clearsessions")
    assert Session.objects.count() == 1
