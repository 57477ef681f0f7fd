"""A real worker — `manage.py procrastinate worker`, in its own process, as `make run` and
the systemd unit start it — runs a job queued in the database: the staff's "Run billing"
button returns at once with the run queued, and the worker bills it.

The worker process gets the test database: the embedded server's (EMBEDDED_PG_NAME), or
DATABASE_URL with the test database's name in it."""

import datetime as dt
import os
import subprocess
import sys
from decimal import Decimal
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob

from billing.models import Bill, BillingRun
from billing.tests.factories import accounts_user, deliver_days
from e2e.serving import ROOT
from earlybird.idempotency import issue_form_key
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db(transaction=True)

JAN = "2026-01"


def worker_environment() -> dict[str, str]:
    """This process's environment, with the settings and database of the test run."""
    name = connection.settings_dict["NAME"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "earlybird.test_settings"}
    if os.environ.get("DATABASE_URL"):
        url = urlsplit(os.environ["DATABASE_URL"])
        env["DATABASE_URL"] = urlunsplit(url._replace(path=f"/{name}"))
    else:
        env["EMBEDDED_PG_NAME"] = name
    return env


def test_the_billing_button_queues_and_a_worker_process_bills(client):
    order = SubscriptionFactory(
        product=ProductFactory(price="60.00"), quantity=Decimal("1"), start_date=dt.date(2026, 1, 1)
    )
    deliver_days(order, order.start_date, order.start_date.replace(day=3))
    accounts = accounts_user()
    client.force_login(accounts)

    response = client.post(
        reverse("billing:run_start"),
        {"month": JAN, "once": issue_form_key(user=accounts, operation="billing:run_start")},
    )

    run = BillingRun.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("billing:run_detail", args=[run.pk])
    assert run.status == "queued" and not Bill.objects.exists()

    worker = subprocess.run(
        [sys.executable, "manage.py", "procrastinate", "worker", "--one-shot", "--queues=billing"],
        cwd=ROOT,
        env=worker_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert worker.returncode == 0, worker.stderr
    run.refresh_from_db()
    assert (run.status, run.lines_created, run.bills_touched) == ("finished", 3, 1)
    assert Bill.objects.get(customer=order.customer).total == Decimal("180.00")
    job = ProcrastinateJob.objects.get(task_name="billing.run_billing")
    assert (job.status, job.args) == ("succeeded", {"run_id": run.pk})
    page = client.get(reverse("billing:run_detail", args=[run.pk])).content.decode()
    assert "Finished" in page and "₹180.00" in page
