"""Two runs at once, or a correction racing a run: every delivery billed once."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum

from billing.models import Bill, BillingLine, BillingRun
from billing.services import run_billing
from billing.tests.factories import STAFF, deliver, deliver_days
from billing.tests.runs import FEB, JAN, day
from deliveries.models import Delivery
from deliveries.services import confirm_delivery
from earlybird.tests.concurrency import Holder, Worker, wait_until_blocked
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


def run_together(periods: list[dt.date]) -> tuple[list[BaseException], dict[str, bool]]:
    """One run per period, forced to overlap: the first run holds its transaction open
    (every lock it took still held) while the others start and are seen waiting in
    PostgreSQL; then it commits and the others go on. Returns the errors and, per later
    run, whether it was seen waiting."""
    first = Holder(lambda: run_billing(period=periods[0]), name="run 1")
    first.start_and_hold()
    others = [
        Worker(lambda period=period: run_billing(period=period), name=f"run {n}")
        for n, period in enumerate(periods[1:], start=2)
    ]
    for run in others:
        run.start()
    waited = wait_until_blocked(*others)
    first.release()
    for run in (first, *others):
        run.finish()
    return [run.error for run in (first, *others) if run.error is not None], waited


def assert_billed_once_on_one_bill_per_customer_and_period(billable: int) -> None:
    per_customer = Bill.objects.values("customer", "period").annotate(n=Count("id"))
    assert {row["n"] for row in per_customer} == {1}
    assert BillingLine.objects.count() == billable
    assert BillingLine.objects.values("delivery").distinct().count() == billable
    runs = BillingRun.objects.all()
    assert {run.status for run in runs} == {BillingRun.Status.FINISHED}
    assert sum(run.lines_created for run in runs) == billable


@pytest.mark.django_db(transaction=True)
def test_runs_started_together_bill_each_delivery_once_on_one_bill_per_customer():
    milk = ProductFactory(price="58.00")
    for quantity in ("1", "1.5", "2"):
        order = SubscriptionFactory(product=milk, quantity=Decimal(quantity), start_date=JAN)
        deliver_days(order, day(JAN, 1), day(JAN, 6))
    billable = Delivery.objects.filter(status__in=Delivery.BILLABLE_STATUSES).count()

    errors, waited = run_together([JAN] * 4)

    assert errors == []
    assert all(waited.values()), f"runs that never waited: {waited}"
    assert billable == 18
    assert Bill.objects.count() == 3
    assert_billed_once_on_one_bill_per_customer_and_period(billable)
    assert sorted(run.lines_created for run in BillingRun.objects.all()) == [0, 0, 0, billable]
    assert Bill.objects.aggregate(total=Sum("total"))["total"] == 6 * 58 * Decimal("4.5")


@pytest.mark.django_db(transaction=True)
def test_runs_of_different_months_started_together_bill_each_delivery_once():
    milk = ProductFactory(price="58.00")
    for quantity in ("1", "2"):
        order = SubscriptionFactory(product=milk, quantity=Decimal(quantity), start_date=JAN)
        deliver_days(order, day(JAN, 30), day(FEB, 2))  # January's may go on either bill
    billable = Delivery.objects.filter(status__in=Delivery.BILLABLE_STATUSES).count()

    errors, waited = run_together([JAN, FEB, JAN, FEB])

    assert errors == []
    assert all(waited.values()), f"runs that never waited: {waited}"
    assert billable == 8
    assert_billed_once_on_one_bill_per_customer_and_period(billable)
    assert not BillingLine.objects.filter(bill__period=JAN, delivery__date__gte=FEB).exists()


@pytest.mark.django_db(transaction=True)
def test_a_correction_racing_a_run_waits_for_it_then_finds_the_delivery_billed():
    milk = ProductFactory(price="60.00")
    order = SubscriptionFactory(product=milk, quantity=Decimal("2"), start_date=JAN)
    delivery = deliver(order, day(JAN, 5))

    run = Holder(lambda: run_billing(period=JAN), name="run")
    run.start_and_hold()  # the run has billed the delivery and holds its locks
    correction = Worker(
        lambda: confirm_delivery(delivery=delivery, delivered_qty=1, by=STAFF, today=day(JAN, 6)),
        name="correction",
    )
    correction.start()
    waited = wait_until_blocked(correction)  # blocked by the run's lock on the delivery
    run.release()
    run.finish()
    correction.finish()

    assert run.error is None
    assert isinstance(correction.error, ValidationError), "the correction changed a billed row"
    assert "already billed" in str(correction.error)
    delivery.refresh_from_db()
    line = BillingLine.objects.get(delivery=delivery)
    assert line.quantity == delivery.delivered_qty == Decimal("2")
    assert waited == {"correction": True}
