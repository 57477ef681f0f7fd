"""Reruns, issued bills, voids and adjustments: every unit billed once."""

from decimal import Decimal

import pytest
from django.db.models import Count

from billing.models import Adjustment, Bill, BillingLine, BillingRun
from billing.services import add_adjustment, issue_bill, run_billing, void_bill
from billing.tests.factories import AdjustmentFactory, accounts_user, deliver, deliver_days
from billing.tests.runs import FEB, JAN, day, the_bill
from customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

# --- reruns, issued bills, voids ------------------------------------------------------


def snapshot():
    return {
        "bills": list(Bill.objects.order_by("pk").values()),
        "lines": list(BillingLine.objects.order_by("pk").values()),
        "adjustments": list(Adjustment.objects.order_by("pk").values()),
        "bill history": Bill.history.count(),
    }


def test_rerunning_a_month_creates_no_row_and_changes_nothing(order):
    deliver_days(order, day(JAN, 1), day(JAN, 10))
    AdjustmentFactory(customer=order.customer, day=day(JAN, 12))
    run_billing(period=JAN)
    before = snapshot()

    rerun = run_billing(period=JAN)

    assert snapshot() == before
    assert (rerun.status, rerun.lines_created, rerun.bills_touched, rerun.amount_billed) == (
        BillingRun.Status.FINISHED,
        0,
        0,
        Decimal("0.00"),
    )


def test_a_rerun_extends_the_draft_with_new_confirmations(order):
    deliver_days(order, day(JAN, 1), day(JAN, 3))
    first = run_billing(period=JAN)
    deliver(order, day(JAN, 4))

    second = run_billing(period=JAN)

    bill = the_bill(order.customer)
    assert (bill.lines.count(), bill.total, bill.run_id) == (4, Decimal("240.00"), second.pk)
    assert (first.lines_created, second.lines_created, second.amount_billed) == (
        3,
        1,
        Decimal("60.00"),
    )
    assert Bill.objects.filter(customer=order.customer).count() == 1


def test_an_issued_bill_is_never_extended(order):
    deliver(order, day(JAN, 2))
    run_billing(period=JAN)
    bill = issue_bill(bill=the_bill(order.customer))
    deliver(order, day(JAN, 3))
    AdjustmentFactory(customer=order.customer, day=day(JAN, 20))

    run = run_billing(period=JAN)

    bill.refresh_from_db()
    assert (bill.lines.count(), bill.adjustments.count(), bill.total) == (1, 0, Decimal("60.00"))
    assert (run.lines_created, run.bills_touched) == (0, 0)
    run_billing(period=FEB)  # the next period's bill takes both
    february = the_bill(order.customer, FEB)
    assert (february.charges, february.adjustments_total) == (Decimal("60.00"), Decimal("-25.00"))


def test_voiding_releases_and_rebilling_bills_once(order):
    accounts = accounts_user()
    deliveries = deliver_days(order, day(JAN, 1), day(JAN, 4))
    AdjustmentFactory(customer=order.customer, amount=Decimal("15.00"), day=day(JAN, 8))
    run_billing(period=JAN)
    bill = issue_bill(bill=the_bill(order.customer), by=accounts)

    void_bill(bill=bill, reason="Wrong quantities on the 3rd", by=accounts)
    assert not BillingLine.objects.filter(delivery__in=deliveries).exists()
    deliver(order, day(JAN, 3), 0, confirmed_on=day(FEB, 2))  # released: correctable again
    run_billing(period=JAN)
    run_billing(period=JAN)

    bill.refresh_from_db()
    assert (bill.status, bill.total, bill.lines.count()) == (
        Bill.Status.VOID,
        Decimal("255.00"),
        0,
    )
    rebilled = the_bill(order.customer)
    assert rebilled.pk != bill.pk
    billed = BillingLine.objects.filter(delivery__in=deliveries)
    assert billed.count() == 3
    assert billed.values("delivery").annotate(n=Count("id")).filter(n__gt=1).count() == 0
    assert (rebilled.charges, rebilled.adjustments_total, rebilled.total) == (
        Decimal("180.00"),
        Decimal("15.00"),
        Decimal("195.00"),
    )


# --- adjustments ----------------------------------------------------------------------


def test_open_adjustments_dated_in_the_period_are_added_to_the_bill(order):
    deliver(order, day(JAN, 2))
    credit = AdjustmentFactory(customer=order.customer, amount=Decimal("-25.00"), day=day(JAN, 10))
    later = AdjustmentFactory(customer=order.customer, amount=Decimal("30.00"), day=day(FEB, 2))

    run = run_billing(period=JAN)

    bill = the_bill(order.customer)
    credit.refresh_from_db()
    later.refresh_from_db()
    assert (credit.bill, later.bill) == (bill, None)
    assert (bill.charges, bill.adjustments_total, bill.total) == (
        Decimal("60.00"),
        Decimal("-25.00"),
        Decimal("35.00"),
    )
    assert run.amount_billed == Decimal("35.00")
    assert credit.history.first().bill_id == bill.pk, "the bulk attach keeps history"


def test_an_adjustment_alone_makes_a_bill():
    customer = CustomerFactory()
    add_adjustment(customer=customer, amount="99.50", reason="Bottle deposit", day=day(JAN, 2))

    run_billing(period=JAN)

    assert the_bill(customer).total == Decimal("99.50")
