"""run_billing: every delivered unit billed exactly once, late confirmations included,
reruns harmless, two runs at once harmless."""

import datetime as dt
import threading
import time
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing.models import Adjustment, Bill, BillingLine, BillingRun
from billing.services import add_adjustment, issue_bill, run_billing, void_bill
from billing.tests.factories import (
    STAFF,
    AdjustmentFactory,
    accounts_user,
    deliver,
    deliver_days,
    delivery_of,
)
from customers.tests.factories import CustomerFactory, UserFactory
from deliveries.models import Delivery
from deliveries.services import confirm_delivery
from earlybird.roles import SUPPORT
from orders.services import set_price
from orders.tests.factories import OneTimeOrderFactory, ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

JAN = dt.date(2026, 1, 1)
FEB = dt.date(2026, 2, 1)
MAR = dt.date(2026, 3, 1)


def day(month: dt.date, n: int) -> dt.date:
    return month.replace(day=n)


@pytest.fixture
def milk():
    return ProductFactory(name="Buffalo milk 1 l", price="60.00")


@pytest.fixture
def order(milk):
    return SubscriptionFactory(product=milk, quantity=Decimal("1"), start_date=JAN)


def lines_of(customer) -> list[BillingLine]:
    return list(
        BillingLine.objects.filter(bill__customer=customer).select_related("bill", "delivery")
    )


def the_bill(customer, period=JAN) -> Bill:
    return Bill.objects.exclude(status=Bill.Status.VOID).get(customer=customer, period=period)


# --- what a run bills -----------------------------------------------------------------


def test_it_bills_each_confirmed_delivery_of_the_month_once(order):
    deliver_days(order, day(JAN, 1), day(JAN, 5))

    run = run_billing(period=JAN)

    bill = the_bill(order.customer)
    assert (bill.status, bill.run_id) == (Bill.Status.DRAFT, run.pk)
    assert bill.lines.count() == 5
    assert (bill.charges, bill.adjustments_total, bill.total) == (
        Decimal("300.00"),
        Decimal("0.00"),
        Decimal("300.00"),
    )
    assert (run.status, run.lines_created, run.bills_touched, run.amount_billed) == (
        BillingRun.Status.FINISHED,
        5,
        1,
        Decimal("300.00"),
    )
    assert run.finished_at is not None


def test_it_bills_deliveries_up_to_the_period_end_only(order):
    deliver(order, day(JAN, 31))
    february = deliver(order, day(FEB, 1))

    run_billing(period=JAN)

    assert [line.delivery.date for line in lines_of(order.customer)] == [day(JAN, 31)]
    assert not BillingLine.objects.filter(delivery=february).exists()


def test_a_partial_delivery_bills_the_delivered_quantity(milk):
    set_price(product=milk, price=Decimal("62.50"), effective_from=JAN)
    order = SubscriptionFactory(product=milk, quantity=Decimal("2"), start_date=JAN)
    deliver(order, day(JAN, 3), "1.5")

    run_billing(period=JAN)

    [line] = lines_of(order.customer)
    assert (line.quantity, line.unit_price, line.amount) == (
        Decimal("1.500"),
        Decimal("62.50"),
        Decimal("93.75"),
    )


def test_amounts_are_rounded_half_up_to_the_paisa(milk):
    set_price(product=milk, price=Decimal("45.25"), effective_from=JAN)
    order = SubscriptionFactory(product=milk, quantity=Decimal("1"), start_date=JAN)
    deliver(order, day(JAN, 3), "0.5")  # 22.625

    run_billing(period=JAN)

    assert lines_of(order.customer)[0].amount == Decimal("22.63")


def test_a_not_delivered_stop_bills_nothing(order):
    not_delivered = deliver(order, day(JAN, 4), 0)
    delivered = deliver(order, day(JAN, 5))
    delivery_of(order, day(JAN, 6))  # still pending

    run_billing(period=JAN)

    assert [line.delivery_id for line in lines_of(order.customer)] == [delivered.pk]
    assert not BillingLine.objects.filter(delivery=not_delivered).exists()


def test_a_customer_with_nothing_delivered_gets_no_bill(order):
    deliver(order, day(JAN, 4), 0)

    run = run_billing(period=JAN)

    assert not Bill.objects.filter(customer=order.customer).exists()
    assert (run.lines_created, run.bills_touched) == (0, 0)


def test_a_price_change_mid_month_bills_each_day_at_its_own_price(milk):
    order = SubscriptionFactory(product=milk, quantity=Decimal("1"), start_date=JAN)
    set_price(product=milk, price=Decimal("64.00"), effective_from=day(JAN, 16))

    deliver_days(order, day(JAN, 1), day(JAN, 31))
    run_billing(period=JAN)

    prices = {line.delivery.date: line.unit_price for line in lines_of(order.customer)}
    assert len(prices) == 31
    assert {prices[day(JAN, n)] for n in range(1, 16)} == {Decimal("60.00")}
    assert {prices[day(JAN, n)] for n in range(16, 32)} == {Decimal("64.00")}
    assert the_bill(order.customer).charges == 15 * Decimal("60.00") + 16 * Decimal("64.00")


def test_a_customers_own_price_is_billed(milk):
    order = SubscriptionFactory(product=milk, quantity=Decimal("1"), start_date=JAN)
    set_price(product=milk, price=Decimal("55.00"), effective_from=JAN, customer=order.customer)
    deliver(order, day(JAN, 2))

    run_billing(period=JAN)

    assert the_bill(order.customer).charges == Decimal("55.00")


def test_subscription_and_one_time_deliveries_go_on_the_same_bill(order, milk):
    extra = OneTimeOrderFactory(
        customer=order.customer, product=milk, quantity=Decimal("2"), delivery_date=day(JAN, 9)
    )
    deliver(order, day(JAN, 9))
    deliver(extra, day(JAN, 9))

    run_billing(period=JAN)

    bill = the_bill(order.customer)
    assert sorted(line.delivery.order_id for line in bill.lines.select_related("delivery")) == (
        sorted([order.pk, extra.pk])
    )
    assert bill.charges == Decimal("180.00")


def test_each_customer_gets_their_own_bill(milk):
    first = SubscriptionFactory(product=milk, quantity=Decimal("1"), start_date=JAN)
    second = SubscriptionFactory(product=milk, quantity=Decimal("2"), start_date=JAN)
    deliver(first, day(JAN, 2))
    deliver(second, day(JAN, 2))

    run = run_billing(period=JAN)

    assert the_bill(first.customer).charges == Decimal("60.00")
    assert the_bill(second.customer).charges == Decimal("120.00")
    assert run.bills_touched == 2


# --- late confirmations ---------------------------------------------------------------


def test_a_one_time_order_delivered_on_the_31st_and_confirmed_on_the_1st_is_billed_once_on_the_next_run(
    order, milk
):
    extra = OneTimeOrderFactory(
        customer=order.customer, product=milk, quantity=Decimal("2"), delivery_date=day(JAN, 31)
    )
    deliver(order, day(JAN, 30))
    late = delivery_of(extra, day(JAN, 31))  # handed over on the 31st, not yet confirmed
    run_billing(period=JAN)
    january = issue_bill(bill=the_bill(order.customer))
    assert not BillingLine.objects.filter(delivery=late).exists()

    deliver(extra, day(JAN, 31), confirmed_on=day(FEB, 1))
    assert run_billing(period=JAN).lines_created == 0  # January is issued: never extended
    february_run = run_billing(period=FEB)
    again = run_billing(period=FEB)

    line = BillingLine.objects.get(delivery=late)
    assert line.bill == the_bill(order.customer, FEB)
    assert (line.quantity, line.amount) == (Decimal("2.000"), Decimal("120.00"))
    assert (february_run.lines_created, again.lines_created) == (1, 0)
    january.refresh_from_db()
    assert (january.lines.count(), january.total) == (1, Decimal("60.00"))


def test_a_late_confirmation_joins_the_months_draft_while_it_is_still_a_draft(order):
    deliver(order, day(JAN, 30))
    late = delivery_of(order, day(JAN, 31))
    run_billing(period=JAN)

    deliver(order, day(JAN, 31), confirmed_on=day(FEB, 1))
    run_billing(period=JAN)

    bill = the_bill(order.customer)
    assert BillingLine.objects.get(delivery=late).bill == bill
    bill.refresh_from_db()
    assert (bill.lines.count(), bill.total) == (2, Decimal("120.00"))


def test_a_later_run_bills_what_earlier_months_left(order):
    deliver(order, day(JAN, 20))  # never billed for January

    run_billing(period=MAR)

    assert [line.bill.period for line in lines_of(order.customer)] == [MAR]


def test_a_confirmation_cannot_change_a_billed_delivery(order):
    delivery = deliver(order, day(JAN, 5))
    run_billing(period=JAN)

    with pytest.raises(ValidationError, match="already billed"):
        deliver(order, day(JAN, 5), 0, confirmed_on=day(JAN, 6))
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED


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


# --- the run itself -------------------------------------------------------------------


def test_the_period_is_the_first_of_a_month():
    with pytest.raises(ValidationError, match="first day of a month"):
        run_billing(period=day(JAN, 15))
    assert not BillingRun.objects.exists()


def test_a_failed_run_is_recorded_as_failed_and_bills_nothing(order, monkeypatch):
    from billing.services import runs

    deliver(order, day(JAN, 2))

    def broken(run):
        runs._bill_period.__wrapped__(run)
        raise RuntimeError("disk full")

    broken.__wrapped__ = runs._bill_period
    monkeypatch.setattr(runs, "_bill_period", broken)
    with pytest.raises(RuntimeError):
        run_billing(period=JAN)

    run = BillingRun.objects.get()
    assert (run.status, run.error) == (BillingRun.Status.FAILED, "RuntimeError: disk full")
    assert not Bill.objects.exists()
    assert not BillingLine.objects.exists()


def test_bills_and_their_changes_keep_history(order):
    deliver(order, day(JAN, 2))
    run_billing(period=JAN)
    deliver(order, day(JAN, 3))
    run_billing(period=JAN)

    bill = the_bill(order.customer)
    assert [(h.history_type, h.total) for h in bill.history.order_by("history_id")] == [
        ("+", Decimal("0.00")),
        ("~", Decimal("60.00")),
        ("~", Decimal("120.00")),
    ]


def test_a_run_takes_the_same_number_of_queries_for_one_customer_or_many(milk):
    def queries_for_run(period) -> int:
        with CaptureQueriesContext(connection) as captured:
            run_billing(period=period)
        return len(captured)

    first = SubscriptionFactory(product=milk, quantity=Decimal("1"), start_date=JAN)
    deliver(first, day(JAN, 2))
    one = queries_for_run(JAN)

    for _ in range(5):
        other = SubscriptionFactory(product=milk, quantity=Decimal("1"), start_date=JAN)
        deliver_days(other, day(FEB, 1), day(FEB, 3))
    many = queries_for_run(FEB)

    assert one == many
    assert Bill.objects.filter(period=FEB).count() == 5


# --- the command ----------------------------------------------------------------------


def test_the_command_bills_a_month_and_says_what_it_did(order):
    deliver_days(order, day(JAN, 1), day(JAN, 2))
    out = StringIO()

    call_command("run_billing", "--month", "2026-01", stdout=out)

    assert "Billed 2026-01 (deliveries up to 2026-01-31): 2 deliveries on 1 bills" in (
        out.getvalue()
    )
    assert "1 draft bills for 2026-01 await issue." in out.getvalue()
    assert the_bill(order.customer).total == Decimal("120.00")


def test_the_command_dry_run_saves_nothing(order):
    deliver(order, day(JAN, 1))
    out = StringIO()

    call_command("run_billing", "--month", "2026-01", "--dry-run", stdout=out)

    assert "Dry run, nothing saved — would bill 2026-01" in out.getvalue()
    assert "1 deliveries on 1 bills" in out.getvalue()
    assert not Bill.objects.exists()
    assert not BillingRun.objects.exists()


def test_the_command_can_issue_the_drafts(order):
    deliver(order, day(JAN, 1))
    out = StringIO()

    call_command("run_billing", "--month", "2026-01", "--issue", stdout=out)

    assert "Issued 1 bills." in out.getvalue()
    assert the_bill(order.customer).code == "BI-202601-0001"


def test_the_command_refuses_a_bad_month():
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("run_billing", "--month", "January")


# --- two runs at once -----------------------------------------------------------------


def run_together(periods: list[dt.date]) -> list[BaseException]:
    """Start one run per period at the same moment, each thread on its own connection."""
    barrier = threading.Barrier(len(periods))
    errors: list[BaseException] = []

    def run(period: dt.date) -> None:
        try:
            barrier.wait(timeout=30)
            run_billing(period=period)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(period,)) for period in periods]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


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

    errors = run_together([JAN] * 4)

    assert errors == []
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

    errors = run_together([JAN, FEB, JAN, FEB])

    assert errors == []
    assert billable == 8
    assert_billed_once_on_one_bill_per_customer_and_period(billable)
    assert not BillingLine.objects.filter(bill__period=JAN, delivery__date__gte=FEB).exists()


@pytest.mark.django_db(transaction=True)
def test_a_correction_racing_a_run_waits_for_it_then_finds_the_delivery_billed():
    milk = ProductFactory(price="60.00")
    order = SubscriptionFactory(product=milk, quantity=Decimal("2"), start_date=JAN)
    delivery = deliver(order, day(JAN, 5))
    billed, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            with transaction.atomic():  # the run holds its locks until this commits
                run_billing(period=JAN)
                billed.set()
                release.wait(timeout=30)
        except BaseException as exc:  # collected and asserted below
            outcome["run"] = exc
        finally:
            connection.close()

    def correct() -> None:
        try:
            billed.wait(timeout=30)
            confirm_delivery(delivery=delivery, delivered_qty=1, by=STAFF, today=day(JAN, 6))
            outcome["correction"] = "saved"
        except BaseException as exc:  # collected and asserted below
            outcome["correction"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run), threading.Thread(target=correct)]
    for thread in threads:
        thread.start()
    billed.wait(timeout=30)
    time.sleep(0.5)
    waiting = "correction" not in outcome  # blocked by the run's lock on the delivery
    release.set()
    for thread in threads:
        thread.join(timeout=60)

    assert waiting
    assert "run" not in outcome
    assert isinstance(outcome["correction"], ValidationError)
    assert "already billed" in str(outcome["correction"])
    delivery.refresh_from_db()
    line = BillingLine.objects.get(delivery=delivery)
    assert line.quantity == delivery.delivered_qty == Decimal("2")


# --- the billing runs page ------------------------------------------------------------


class TestRunPages:
    def test_accounts_staff_start_a_run_and_see_its_result(self, client, order):
        deliver_days(order, day(JAN, 1), day(JAN, 3))
        accounts = accounts_user()
        client.force_login(accounts)

        response = client.post(reverse("billing:run_start"), {"month": "2026-01"}, follow=True)

        run = BillingRun.objects.get()
        assert (run.started_by, run.lines_created) == (accounts, 3)
        assert response.redirect_chain[-1][0] == reverse("billing:run_detail", args=[run.pk])
        page = response.content.decode()
        assert "Billed January 2026: 3 deliveries on 1 bills." in page
        assert "Issue the 1 draft bills" in page
        listing = client.get(reverse("billing:runs")).content.decode()
        assert "January 2026" in listing
        assert "₹180.00" in listing

    def test_issuing_the_months_drafts_from_the_run_page(self, client, order):
        deliver(order, day(JAN, 1))
        run_billing(period=JAN)
        client.force_login(accounts_user())

        response = client.post(reverse("billing:issue_period"), {"month": "2026-01"}, follow=True)

        assert "Issued 1 bills for January 2026." in response.content.decode()
        assert the_bill(order.customer).code == "BI-202601-0001"

    def test_a_bad_month_is_refused_with_a_message(self, client):
        client.force_login(accounts_user())
        response = client.post(reverse("billing:run_start"), {"month": "2026-13"}, follow=True)
        assert "is not a month" in response.content.decode()
        assert not BillingRun.objects.exists()

    @pytest.mark.parametrize("name", ["runs", "run_start", "issue_period"])
    def test_other_staff_get_a_404_and_outsiders_the_login_page(self, client, name):
        url = reverse(f"billing:{name}")
        assert client.post(url).status_code == 302  # to the login page
        client.force_login(UserFactory(roles=[SUPPORT]))
        assert client.post(url).status_code in (404, 405)
        assert client.get(reverse("billing:runs")).status_code == 404
