"""Billing's jobs: a run started from the staff page, and the scheduled ones — billing of
the month just ended on the 1st (BILLING_RUN_AT, local time), the reconciliation check
after it, and the overdue reminders every day (OVERDUE_REMINDERS_AT).

Each is a thin wrapper around a service. The scheduled ones go through
earlybird.jobs.run_once: recorded as a JobRun, done once per slot (the month, the day).
A failed billing or reconciliation tells the admins through an alert message.
"""

from datetime import date, timedelta

from django.conf import settings

from billing.reconciliation import reconcile
from billing.services.periods import parse_month
from billing.services.reminders import queue_overdue_reminders
from billing.services.runs import RUN_TASK, bill_queued_run, run_billing
from earlybird.jobs import SCHEDULED_QUEUE, app, daily_at, local_day, monthly_at, run_once
from earlybird.templatetags.money import format_inr
from messaging.services import queue_alert

MONTHLY_RUN = "billing.monthly_run"
RECONCILE = "billing.reconcile"
OVERDUE_REMINDERS = "billing.overdue_reminders"
VIOLATIONS_IN_ALERT = 5  # the first few, by check; `manage.py reconcile` lists them all


class ReconciliationFailed(Exception):
    """The reconciliation found violations (they are in the message)."""


@app.task(name=RUN_TASK, queue="billing")
def run_queued_billing(run_id: int) -> None:
    """Bill a run queued from the staff page (billing.services.runs.queue_billing_run)."""
    bill_queued_run(run_id=run_id)


@app.periodic(cron=monthly_at(settings.BILLING_RUN_AT), periodic_id="first-of-month")
@app.task(name=MONTHLY_RUN, queue=SCHEDULED_QUEUE)
def monthly_run(timestamp: int) -> None:
    """On the 1st: bill the month that has just ended, then queue the reconciliation."""
    period = previous_month(local_day(timestamp))

    def work() -> str:
        try:
            run = run_billing(period=period)
        except Exception as exc:
            alert_admins(
                text=f"Billing of {period:%B %Y} failed: {type(exc).__name__}: {exc}",
                dedupe_key=f"billing:monthly-run:{period:%Y-%m}",
            )
            raise
        reconcile_after_run.defer(month=f"{period:%Y-%m}")
        return (
            f"Billed {period:%B %Y}: {run.lines_created} deliveries on "
            f"{run.bills_touched} bills, {format_inr(run.amount_billed)} with adjustments "
            f"(run {run.pk})."
        )

    run_once(task=MONTHLY_RUN, slot=f"{period:%Y-%m}", work=work)


@app.task(name=RECONCILE, queue=SCHEDULED_QUEUE)
def reconcile_after_run(month: str) -> None:
    """The checks of `manage.py reconcile` (every month, as the cron line did) after the
    month's run; any violation, or the check failing, alerts the admins."""
    period = parse_month(month)

    def work() -> str:
        try:
            result = reconcile()
        except Exception as exc:
            alert_admins(
                text=f"The reconciliation after billing {period:%B %Y} could not run: "
                f"{type(exc).__name__}: {exc}",
                dedupe_key=f"billing:reconcile:{month}",
            )
            raise
        if result.ok:
            return "No violation: every check passes."
        found = "; ".join(
            f"{label}: {count} (e.g. {', '.join(str(v) for v in violations[:VIOLATIONS_IN_ALERT])})"
            for _, label, count, violations in result.summary()
            if count
        )
        text = (
            f"Reconciliation after billing {period:%B %Y}: {result.total} violations. "
            f"{found}. `manage.py reconcile` lists them all."
        )
        alert_admins(text=text, dedupe_key=f"billing:reconcile:{month}")
        raise ReconciliationFailed(text)

    run_once(task=RECONCILE, slot=month, work=work)


@app.periodic(cron=daily_at(settings.OVERDUE_REMINDERS_AT), periodic_id="daily")
@app.task(name=OVERDUE_REMINDERS, queue=SCHEDULED_QUEUE)
def overdue_reminders(timestamp: int) -> None:
    """Every day: queue the reminders due for overdue bills (each bill at most once in
    its interval: billing.services.reminders)."""
    today = local_day(timestamp)
    run_once(
        task=OVERDUE_REMINDERS,
        slot=f"{today}",
        work=lambda: f"Reminders queued: {queue_overdue_reminders(today=today)}.",
    )


def alert_admins(*, text: str, dedupe_key: str) -> None:
    """An alert message to the admins (the messaging outbox), once per key."""
    queue_alert(text=text, dedupe_key=dedupe_key)


def previous_month(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)
