"""A bill's life: draft (recomputed by each run) → issued (numbered, frozen) → void.

* `issue_bill` numbers a draft BI-YYYYMM-NNNN, settles its totals from its lines and
  adjustments, records what was owed when its month began (`previous_balance`: opening +
  issued bills of earlier months − payments dated before the month; see
  billing.selectors.BillStatement) and freezes it: the triggers of migration 0002 refuse
  any later change but voiding.
* Corrections after issue are adjustments (`add_adjustment`), billed by the next run.
* `void_bill` (accounts staff, with a reason) takes an issued bill out of the ledger and
  releases what it billed: its lines are deleted (allowed on a void bill) so the next
  run bills those deliveries again, and its adjustments — frozen on the void bill — get
  fresh open copies that the next run bills again.
* `discard_draft` throws a draft away (its deliveries and adjustments are released), for
  when a delivery on a draft must be corrected before the bill is issued.

Every write takes the period's advisory lock first, like a run (billing/services/runs.py),
then the bill's row.
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from billing.models import Adjustment, Bill, BillingLine
from billing.selectors import previous_balance_for
from billing.services.notices import queue_bill_messages
from billing.services.periods import check_accounts, lock_period, month_start
from billing.services.runs import RECOMPUTE_DRAFTS, bill_history_sql, execute
from customers.models import Customer
from earlybird import bounds
from earlybird.codes import next_code, reserve_codes
from earlybird.locks import lock_one


def _as_money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: f"“{value}” is not an amount of money."}) from exc
    if not amount.is_finite():
        raise ValidationError({field: f"“{value}” is not an amount of money."})
    # Within ±PAYMENT_MAX_AMOUNT: no adjustment can make a run's totals overflow for everyone.
    return bounds.check_amount(amount, field=field, allow_negative=True)


def _settle_totals(bill: Bill) -> None:
    """A draft's totals from its rows (the run keeps them, this makes sure at issue)."""
    bill.charges = sum((line.amount for line in bill.lines.all()), Decimal("0.00"))
    bill.adjustments_total = sum((a.amount for a in bill.adjustments.all()), Decimal("0.00"))
    bill.total = bill.charges + bill.adjustments_total


def issue_bill(*, bill: Bill, by=None) -> Bill:
    """Number and freeze a draft. `by` (a user) must be accounts staff; None = a command."""
    if by is not None:
        check_accounts(by)
    with transaction.atomic():
        lock_period(bill.period)
        current = lock_one(Bill.objects, pk=bill.pk)
        if current.status != Bill.Status.DRAFT:
            raise ValidationError(
                f"{current} is {current.get_status_display().lower()}, not a draft."
            )
        _settle_totals(current)
        current.previous_balance = previous_balance_for(
            customer=current.customer, period=current.period
        )
        current.code = next_code("BI", on=current.period)
        current.status = Bill.Status.ISSUED
        current.issued_at = timezone.now()
        current._history_user = by
        current.full_clean()
        current.save()
        queue_bill_messages(bills=[current])  # sent once this commits
    return current


# "draft" is tested in the UPDATE's own WHERE as well as in the CTE: after waiting for a
# row PostgreSQL re-checks only the former (the period lock keeps such waits away anyway).
# Issued at the application's clock (`execute`), as issue_bill issues one.
_ISSUE_DRAFTS = f"""
    WITH numbered AS (
        SELECT b.id, %(first)s + row_number() OVER (ORDER BY b.customer_id, b.id) - 1 AS num,
               c.opening_balance
               + coalesce((SELECT sum(o.total) FROM billing_bill o
                            WHERE o.customer_id = b.customer_id AND o.status = 'issued'
                              AND o.period < b.period), 0)
               - coalesce((SELECT sum(p.amount) FROM billing_payment p
                            WHERE p.customer_id = b.customer_id AND p.paid_on < b.period), 0)
               AS previous
          FROM billing_bill b JOIN customers_customer c ON c.id = b.customer_id
         WHERE b.period = %(period)s AND b.status = 'draft'
    ), issued AS (
        UPDATE billing_bill b
           SET status = 'issued', issued_at = %(now)s, updated_at = now(),
               code = %(prefix)s || lpad(n.num::text, greatest(4, length(n.num::text)), '0'),
               previous_balance = n.previous
          FROM numbered n
         WHERE b.id = n.id AND b.status = 'draft'
        RETURNING b.*
    ), history AS ({bill_history_sql("issued", "~")})
    SELECT id FROM issued
"""  # noqa: S608 - constant SQL fragments only


def issue_bills(*, period: date, by=None) -> int:
    """Issue every draft of the period at once (set-based) and queue each bill's message;
    returns how many were issued."""
    if by is not None:
        check_accounts(by)
    period = month_start(period)
    params = {
        "period": period,
        "run": None,
        "user": getattr(by, "pk", None),
        "reason": "issued",
    }
    with transaction.atomic(), connection.cursor() as cursor:
        lock_period(period)
        execute(cursor, RECOMPUTE_DRAFTS, params)
        cursor.execute(
            "SELECT count(*) FROM billing_bill WHERE period = %s AND status = 'draft'", [period]
        )
        count = cursor.fetchone()[0]
        if not count:
            return 0
        first_code = reserve_codes("BI", on=period, count=count)[0]
        params["first"] = int(first_code.rsplit("-", 1)[1])
        params["prefix"] = first_code.rsplit("-", 1)[0] + "-"
        execute(cursor, _ISSUE_DRAFTS, params)
        issued = [row[0] for row in cursor.fetchall()]
        # Each bill's message, in this transaction: queued with the bills or not at all.
        queue_bill_messages(
            bills=Bill.objects.filter(pk__in=issued).select_related("customer").order_by("pk")
        )
        return len(issued)


def void_bill(*, bill: Bill, reason: str, by) -> Bill:
    """Take an issued bill out of the ledger and release its deliveries and adjustments for
    the next run. Accounts staff (or admins) only, with a reason."""
    check_accounts(by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the bill is void."})
    with transaction.atomic():
        lock_period(bill.period)
        current = lock_one(Bill.objects, pk=bill.pk)
        if current.status != Bill.Status.ISSUED:
            raise ValidationError(
                f"{current} is {current.get_status_display().lower()}; only an issued bill "
                "can be voided (a draft is recomputed by the next run, or discarded)."
            )
        adjustments = list(current.adjustments.order_by("pk"))
        current.status = Bill.Status.VOID
        current.voided_at = timezone.now()
        current.void_reason = reason[:200]
        current._history_user = by
        current.full_clean()
        current.save()
        # Now void, its lines may go: the deliveries are free for the next run.
        BillingLine.objects.filter(bill=current).delete()
        for adjustment in adjustments:  # frozen on the void bill: billed again as copies
            copy = Adjustment(
                customer_id=adjustment.customer_id,
                amount=adjustment.amount,
                reason=adjustment.reason,
                date=adjustment.date,
                created_by=by,
            )
            copy._history_user = by
            copy._change_reason = f"copied from adjustment {adjustment.pk} of void {current}"[:100]
            copy.full_clean()
            copy.save()
    return current


def discard_draft(*, bill: Bill, by) -> None:
    """Throw a draft away; its deliveries and adjustments wait for the next run."""
    check_accounts(by)
    with transaction.atomic():
        lock_period(bill.period)
        current = lock_one(Bill.objects, pk=bill.pk)
        if current.status != Bill.Status.DRAFT:
            raise ValidationError(f"{current} is not a draft; void it instead.")
        for adjustment in current.adjustments.order_by("pk"):
            adjustment.bill = None
            adjustment._history_user = by
            adjustment.save(update_fields=["bill", "updated_at"])
        BillingLine.objects.filter(bill=current).delete()
        current._history_user = by
        current.delete()


def add_adjustment(*, customer: Customer, amount, reason: str, day: date, by=None) -> Adjustment:
    """A charge (+) or credit (−) for the customer's next bill: the first run of a period
    ending on or after `day` whose bill is still a draft bills it. This is how a bill is
    corrected once issued. `by` must be accounts staff; None = a command or the import."""
    if by is not None:
        check_accounts(by)
    amount = _as_money(amount, "amount")
    if amount == 0:
        raise ValidationError({"amount": "An adjustment of ₹0 changes nothing."})
    adjustment = Adjustment(
        customer=customer,
        amount=amount,
        reason=(reason or "").strip(),
        date=day,
        created_by=by,
    )
    adjustment._history_user = by
    with transaction.atomic():
        adjustment.full_clean()
        adjustment.save()
    return adjustment


def _open_adjustment(adjustment: Adjustment) -> Adjustment:
    """Lock an adjustment not yet on a bill (a run puts it on one under this lock)."""
    current = lock_one(Adjustment.objects, pk=adjustment.pk)
    if current.bill_id is not None:
        raise ValidationError(
            f"This adjustment is on {current.bill} and stays as it is; "
            "add another adjustment to correct it."
        )
    return current


def update_adjustment(*, adjustment: Adjustment, amount, reason: str, day: date, by) -> Adjustment:
    """Correct an adjustment no bill has taken yet (its customer stays). Accounts staff."""
    check_accounts(by)
    amount = _as_money(amount, "amount")
    if amount == 0:
        raise ValidationError({"amount": "An adjustment of ₹0 changes nothing."})
    with transaction.atomic():
        current = _open_adjustment(adjustment)
        current.amount, current.reason, current.date = amount, (reason or "").strip(), day
        current._history_user = by
        current.full_clean()
        current.save()
    return current


def delete_adjustment(*, adjustment: Adjustment, by) -> None:
    """Withdraw an adjustment no bill has taken yet. Accounts staff."""
    check_accounts(by)
    with transaction.atomic():
        current = _open_adjustment(adjustment)
        current._history_user = by
        current.delete()
