"""What a run bills, late confirmations included."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billing.models import Bill, BillingLine, BillingRun
from billing.services import issue_bill, run_billing
from billing.tests.factories import deliver, deliver_days, delivery_of
from billing.tests.runs import FEB, JAN, day, the_bill
from deliveries.models import Delivery
from orders.services import set_price
from orders.tests.factories import OneTimeOrderFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

MAR = dt.date(2026, 3, 1)


def lines_of(customer) -> list[BillingLine]:
    return list(
        BillingLine.objects.filter(bill__customer=customer).select_related("bill", "delivery")
    )


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
