"""Billing runs: bill every confirmed, not yet billed delivery up to a period's end.

`run_billing(period=date(2026, 1, 1))` gives each customer with something to bill one
draft bill for January (or extends the draft it has), with one line per delivered or
partial delivery dated up to 31 January that no bill holds yet — late confirmations of
earlier months included, so nothing is lost — plus the customer's open adjustments
dated up to that day, and adds what it put on each draft to the draft's totals (nothing
billed before is summed again). A handful of set-based statements (INSERT … SELECT,
UPDATE … FROM), whatever the number of customers.

Rules
-----
* A line bills `delivered_qty` at the delivery's `unit_price` (copied at generation, so a
  mid-month price change bills each day at its own price); amount = round(qty × price, 2),
  half away from zero (PostgreSQL's round() on numeric; ROUND_HALF_UP for these positive
  amounts). The line triggers (migration 0014: one set-based check per statement) check
  every line against its delivery and its bill.
* Draft bills are provisional: a rerun extends them. Issued bills are never
  touched. A customer whose bill for the period is already issued gets nothing from a
  rerun of that period: deliveries confirmed after the issue, and adjustments made after
  it, wait for the next period's run, which bills everything dated up to its own end (they
  show there as "delivered earlier, billed now"). Once a bill is voided the customer has
  no live bill for the period any more, so a rerun of that period bills what the void
  released on a new draft. Nothing is dropped, nothing is billed twice.
* A delivery of a customer prepaid on its day is never billed: the wallet paid it
  (billing.services.wallet); a trigger refuses such a line too (migration 0011).
* Rerunning bills nothing twice: a delivery that has a line is skipped, and the
  OneToOne on `BillingLine.delivery` refuses a second line whatever happens.

Locks, in this order (earlybird/locks.py lists the row locks):
  1. advisory locks (billing.services.periods): the billing-run lock, so runs take turns
     even for different periods (both could bill a late delivery), then the period's lock,
     which issuing, voiding and discarding that period's bills take too. A second run
     waits, then finds nothing left to bill;
  2. the deliveries being billed, FOR SHARE in primary-key order (the order confirm_stop
     locks them in): a confirmation, a correction or an undo of one of them waits for the
     run and then finds it billed, and the run bills the values committed before it,
     never a stale copy;
  3. the period's bills, written by the run.
The run row itself is committed first (status "running") so pages can show the run while
it works; the billing happens in one transaction that either finishes the run or rolls
back entirely, after which the run row is marked "failed" with the error. From the staff
page the row is first "queued" and a worker runs it (`queue_billing_run`, the job
`billing.run_billing` → `bill_queued_run`), so the request returns at once.
"""

import logging
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from billing.models import BillingRun
from billing.services.periods import lock_period, lock_runs, month_end, month_start
from earlybird.jobs import app

logger = logging.getLogger(__name__)

RUN_TASK = "billing.run_billing"  # the job that bills a queued run (billing/tasks.py)

ANALYZE_AFTER = 1000  # bills created by a run before the table's statistics are refreshed

BILL_COLUMNS = (
    "id, created_at, updated_at, period, code, status, previous_balance, charges, "
    "adjustments_total, total, issued_at, voided_at, void_reason, customer_id, run_id"
)
ADJUSTMENT_COLUMNS = (
    "id, created_at, updated_at, amount, reason, date, bill_id, created_by_id, customer_id"
)


HISTORY_DATE = "%(now)s::timestamptz"


def execute(cursor, sql: str, params: dict) -> None:
    """Run one statement of a bulk write, its history dated by the application's clock."""
    cursor.execute(sql, {**params, "now": timezone.now()})


def bill_history_sql(source: str, history_type: str) -> str:
    """INSERT the rows of `source` (a CTE returning billing_bill rows) into the bill history,
    as simple_history would for a save; bulk writes keep the history too. The date is the
    application's clock when the statement runs (see `execute`), as for simple_history's own
    rows, so bulk and single-row history interleave in the order things happened."""
    return f"""
        INSERT INTO billing_historicalbill ({BILL_COLUMNS}, history_date,
                                            history_change_reason, history_type, history_user_id)
        SELECT {BILL_COLUMNS}, {HISTORY_DATE}, %(reason)s, '{history_type}', %(user)s FROM {source}
    """  # noqa: S608 - constant SQL fragments only


def adjustment_history_sql(source: str, history_type: str) -> str:
    return f"""
        INSERT INTO billing_historicaladjustment ({ADJUSTMENT_COLUMNS}, history_date,
                                                  history_change_reason, history_type,
                                                  history_user_id)
        SELECT {ADJUSTMENT_COLUMNS}, {HISTORY_DATE}, %(reason)s, '{history_type}', %(user)s FROM {source}
    """  # noqa: S608 - constant SQL fragments only


# Deliveries that may be billed by a run for a period ending on %(end)s: not those of a
# customer prepaid on the delivery's day (the latest billing mode on or before it is
# "prepaid"), which the wallet pays; an anti-join, set-based like the rest.
_UNBILLED = """
    d.status IN ('delivered', 'partial') AND d.date <= %(end)s
    AND NOT EXISTS (SELECT 1 FROM billing_billingline l WHERE l.delivery_id = d.id)
    AND NOT EXISTS (SELECT 1 FROM billing_billingmode m
                     WHERE m.customer_id = d.customer_id AND m.effective_from <= d.date
                       AND m.mode = 'prepaid'
                       AND NOT EXISTS (SELECT 1 FROM billing_billingmode later
                                        WHERE later.customer_id = m.customer_id
                                          AND later.effective_from > m.effective_from
                                          AND later.effective_from <= d.date))
"""

_CREATE_BILLS = f"""
    WITH todo AS (
        SELECT d.customer_id FROM deliveries_delivery d WHERE {_UNBILLED}
        UNION
        SELECT a.customer_id FROM billing_adjustment a
         WHERE a.bill_id IS NULL AND a.date <= %(end)s
    ), made AS (
        INSERT INTO billing_bill (created_at, updated_at, period, code, status, previous_balance,
                                  charges, adjustments_total, total, issued_at, voided_at,
                                  void_reason, customer_id, run_id)
        SELECT now(), now(), %(period)s, NULL, 'draft', 0, 0, 0, 0, NULL, NULL, '',
               todo.customer_id, %(run)s
          FROM todo
         WHERE NOT EXISTS (SELECT 1 FROM billing_bill b
                            WHERE b.customer_id = todo.customer_id AND b.period = %(period)s
                              AND b.status <> 'void')
         ORDER BY todo.customer_id
        RETURNING *
    ), history AS ({bill_history_sql("made", "+")})
    SELECT count(*) FROM made
"""  # noqa: S608 - constant SQL fragments only

# The lines and the adjustments a run adds, and the draft totals they change, in one
# statement: each draft's totals grow by what was just put on it (the lines inserted, the
# adjustments attached), so nothing already billed is summed again. A draft's totals are
# always its rows' sums: only runs add rows to a draft, and issuing settles them again
# (RECOMPUTE_DRAFTS). Bills whose totals do not change are not written (no history row).
_BILL_AND_TOTAL = f"""
    WITH billed AS (
        INSERT INTO billing_billingline (created_at, updated_at, quantity, unit_price, amount,
                                         bill_id, delivery_id)
        SELECT now(), now(), d.delivered_qty, d.unit_price,
               round(d.delivered_qty * d.unit_price, 2), b.id, d.id
          FROM deliveries_delivery d
          JOIN billing_bill b
            ON b.customer_id = d.customer_id AND b.period = %(period)s AND b.status = 'draft'
         WHERE {_UNBILLED}
         ORDER BY d.id
           FOR SHARE OF d
        RETURNING bill_id, amount
    ), attached AS (
        UPDATE billing_adjustment a SET bill_id = b.id, updated_at = now()
          FROM billing_bill b
         WHERE a.bill_id IS NULL AND a.date <= %(end)s
           AND b.customer_id = a.customer_id AND b.period = %(period)s AND b.status = 'draft'
        RETURNING a.*
    ), adjustment_history AS ({adjustment_history_sql("attached", "~")}
    ), added AS (
        SELECT bill_id, count(*) FILTER (WHERE is_line) AS lines,
               coalesce(sum(amount) FILTER (WHERE is_line), 0) AS charges,
               coalesce(sum(amount) FILTER (WHERE NOT is_line), 0) AS adjustments
          FROM (SELECT bill_id, amount, true AS is_line FROM billed
                UNION ALL
                SELECT bill_id, amount, false FROM attached) AS rows_added
         GROUP BY bill_id
    ), changed AS (
        UPDATE billing_bill b
           SET charges = b.charges + added.charges,
               adjustments_total = b.adjustments_total + added.adjustments,
               total = b.charges + added.charges + b.adjustments_total + added.adjustments,
               run_id = %(run)s, updated_at = now()
          FROM added
         WHERE b.id = added.bill_id AND b.status = 'draft'
           AND (added.charges, added.adjustments) <> (0, 0)
        RETURNING b.*
    ), history AS ({bill_history_sql("changed", "~")})
    SELECT coalesce(sum(lines), 0), coalesce(sum(charges), 0), coalesce(sum(adjustments), 0)
      FROM added
"""  # noqa: S608 - constant SQL fragments only

# Totals of the period's drafts summed again from all their lines and adjustments (issuing
# settles them with it); only bills whose totals change are written (and get a history
# row). The period lock keeps issuing and voiding away; "draft" is still tested in the
# UPDATE's own WHERE, the only condition PostgreSQL re-checks on a row it had to wait for
# (a CTE's is not).
RECOMPUTE_DRAFTS = f"""
    WITH sums AS (
        SELECT b.id,
               coalesce((SELECT sum(l.amount) FROM billing_billingline l
                          WHERE l.bill_id = b.id), 0) AS charges,
               coalesce((SELECT sum(a.amount) FROM billing_adjustment a
                          WHERE a.bill_id = b.id), 0) AS adjustments
          FROM billing_bill b
         WHERE b.period = %(period)s AND b.status = 'draft'
    ), changed AS (
        UPDATE billing_bill b
           SET charges = sums.charges, adjustments_total = sums.adjustments,
               total = sums.charges + sums.adjustments,
               run_id = coalesce(%(run)s, b.run_id), updated_at = now()
          FROM sums
         WHERE b.id = sums.id AND b.status = 'draft'
           AND (b.charges, b.adjustments_total) IS DISTINCT FROM (sums.charges, sums.adjustments)
        RETURNING b.*
    ), history AS ({bill_history_sql("changed", "~")})
    SELECT count(*) FROM changed
"""  # noqa: S608 - constant SQL fragments only


def run_billing(*, period: date, started_by=None, before_month_end: bool = False) -> BillingRun:
    """Bill every confirmed, unbilled delivery (and open adjustment) up to the period's end
    onto the customers' draft bills for the period, here and now (the command, the monthly
    job). Idempotent; see the module docstring.

    A month is billed once it has ended. The current month may be billed early only when
    asked explicitly (`before_month_end`), and that is logged; a later month never."""
    period = month_start(period)
    check_month_has_ended(period, before_month_end=before_month_end, started_by=started_by)
    run = BillingRun.objects.create(period=period, started_by=started_by)
    return _run(run)


def queue_billing_run(
    *, period: date, started_by=None, before_month_end: bool = False
) -> BillingRun:
    """A run for a worker (the staff page's button): the month is checked now, as for
    `run_billing`, then the run is recorded as queued and its job (RUN_TASK) deferred, in
    one transaction: either both exist after commit or neither."""
    period = month_start(period)
    check_month_has_ended(period, before_month_end=before_month_end, started_by=started_by)
    with transaction.atomic():
        run = BillingRun.objects.create(
            period=period, started_by=started_by, status=BillingRun.Status.QUEUED
        )
        # By name: billing.tasks imports these services.
        app.configure_task(RUN_TASK, allow_unknown=False).defer(run_id=run.pk)
    return run


def bill_queued_run(*, run_id: int) -> BillingRun | None:
    """The job's half of `queue_billing_run`: claim the queued run (queued → running,
    committed, so pages show it working) and bill it. A run no longer queued — the job
    delivered twice, or the row gone — is left alone (None)."""
    claimed = BillingRun.objects.filter(pk=run_id, status=BillingRun.Status.QUEUED).update(
        status=BillingRun.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        logger.warning("Billing run %s is not queued any more: left alone.", run_id)
        return None
    return _run(BillingRun.objects.get(pk=run_id))


def _run(run: BillingRun) -> BillingRun:
    """Bill a recorded, running run in one transaction; a failure marks it failed."""
    try:
        with transaction.atomic():
            lock_runs()
            lock_period(run.period)
            _bill_period(run)
            run.status = BillingRun.Status.FINISHED
            run.finished_at = timezone.now()
            run.save()
    except Exception as exc:
        # Outside the failed transaction (or savepoint): the run is recorded as failed.
        BillingRun.objects.filter(pk=run.pk).update(
            status=BillingRun.Status.FAILED,
            finished_at=timezone.now(),
            error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        raise
    return run


def check_month_has_ended(period: date, *, before_month_end: bool, started_by=None) -> None:
    today = timezone.localdate()
    if month_end(period) < today:
        return
    if period > today:
        raise ValidationError(
            {"period": f"{period:%B %Y} has not begun: a month is billed once it has ended."}
        )
    if not before_month_end:
        raise ValidationError(
            {
                "period": f"{period:%B %Y} has not ended: bill it on or after "
                f"{month_end(period) + timedelta(days=1):%-d %b %Y}."
            }
        )
    logger.warning(
        "Billing %s before the month has ended, asked by %s.", f"{period:%Y-%m}", started_by
    )


def _bill_period(run: BillingRun) -> None:
    params = {
        "period": run.period,
        "end": month_end(run.period),
        "run": run.pk,
        "user": run.started_by_id,
        "reason": f"billing run {run.pk}",
    }
    with connection.cursor() as cursor:
        execute(cursor, _CREATE_BILLS, params)
        if cursor.fetchone()[0] > ANALYZE_AFTER:
            # Fresh statistics, or the planner takes the new bills for none and joins badly.
            cursor.execute("ANALYZE billing_bill")
        execute(cursor, _BILL_AND_TOTAL, params)
        lines, lines_amount, adjustments_amount = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM billing_bill WHERE run_id = %s", [run.pk])
        run.bills_touched = cursor.fetchone()[0]
    run.lines_created = lines
    run.amount_billed = Decimal(lines_amount) + Decimal(adjustments_amount)
