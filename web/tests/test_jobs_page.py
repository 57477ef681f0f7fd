"""The jobs page (/jobs/): admins see the scheduled jobs' recent runs with their
outcome, the schedules, and the queue's jobs by status with the last failed ones; other
staff get a 404, strangers the login page."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from customers.tests.factories import UserFactory
from earlybird.jobs import app
from earlybird.models import JobRun
from earlybird.roles import ACCOUNTS, ADMIN, MARKETING, SUPPORT

pytestmark = pytest.mark.django_db


def failed_job(task: str, **args) -> int:
    """A job a worker ran and that failed, as Procrastinate leaves it."""
    job_id = app.configure_task(task).defer(**args)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE procrastinate_jobs SET status = 'failed', attempts = 1 WHERE id = %s",
            [job_id],
        )
        cursor.execute(
            "INSERT INTO procrastinate_events (job_id, type, at) VALUES (%s, 'failed', %s)",
            [job_id, timezone.now()],
        )
    return job_id


def recorded(task: str, slot: str, status: str, **fields) -> JobRun:
    now = timezone.now()
    return JobRun.objects.create(
        task=task,
        slot=slot,
        status=status,
        started_at=now - dt.timedelta(seconds=40),
        finished_at=None if status == "running" else now,
        **fields,
    )


def test_an_admin_sees_the_runs_their_outcome_and_the_queue(client):
    recorded(
        "deliveries.generate_tomorrow",
        "2026-11-19",
        "succeeded",
        summary="2026-11-19: created 812",
    )
    recorded("billing.reconcile", "2026-10", "failed", error="ReconciliationFailed: 2 violations")
    app.configure_task("deliveries.generate_tomorrow").defer(timestamp=0)  # waiting
    job_id = failed_job("billing.run_billing", run_id=77)
    client.force_login(UserFactory(roles=[ADMIN]))

    page = client.get(reverse("jobs")).content.decode()

    assert "2026-11-19: created 812" in page
    assert "ReconciliationFailed: 2 violations" in page
    assert 'class="job-failed">Failed' in page and 'class="job-succeeded">Succeeded' in page
    assert "todo: <strong>1</strong>" in page
    assert "failed: <strong>1</strong>" in page
    assert f'<td class="num">{job_id}</td>' in page
    assert "{&#x27;run_id&#x27;: 77}" in page
    # The schedules, at their IST times.
    assert "billing.monthly_run" in page and "<code>30 20 L * *</code>" in page
    assert "<td>1 Dec 2026 02:00</td>" in page  # its next time, in IST


def test_the_page_takes_the_same_queries_whatever_the_number_of_runs(
    client, django_assert_max_num_queries
):
    client.force_login(UserFactory(roles=[ADMIN]))
    for day in range(1, 31):
        recorded("deliveries.generate_tomorrow", f"2026-11-{day:02}", "succeeded")
        failed_job("billing.run_billing", run_id=day)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("jobs"))

    assert response.content.decode().count('class="job-succeeded"') == 30


def test_the_nav_links_the_page_for_admins_only(client):
    client.force_login(UserFactory(roles=[ADMIN]))
    assert f'href="{reverse("jobs")}"' in client.get(reverse("dashboard")).content.decode()
    client.force_login(UserFactory(roles=[ACCOUNTS]))
    assert f'href="{reverse("jobs")}"' not in client.get(reverse("dashboard")).content.decode()


@pytest.mark.parametrize("role", [ACCOUNTS, SUPPORT, MARKETING])
def test_other_staff_get_a_404_and_strangers_the_login_page(client, role):
    assert client.get(reverse("jobs")).status_code == 302
    client.force_login(UserFactory(roles=[role]))
    assert client.get(reverse("jobs")).status_code == 404
