"""What the pages show of a wallet (billing.selectors.wallet_overview): the usual daily
amount, days left, the summary with its low-balance pause, the running balance of the
entries, the list column and the paused report — each in a fixed number of queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from billing.models import BillingMode, WalletEntry
from billing.selectors.wallet_overview import (
    days_covered,
    low_balance_report,
    shown_wallet_summary,
    suggested_recharge,
    usual_daily_amounts,
    wallet_entries,
    wallet_summary,
    with_wallet_column,
)
from billing.services.wallet import recharge_wallet, set_billing_mode, update_wallet_settings
from billing.tests.factories import accounts_user, deliver
from customers.models import Customer
from customers.tests.factories import CustomerFactory
from deliveries.models import Hold
from deliveries.services import generate_deliveries
from orders.models import CustomerPrice, Order
from orders.services import pause_order
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def accounts():
    return accounts_user()


def prepaid(customer, *, since: dt.date | None = None) -> None:
    set_billing_mode(customer=customer, mode="prepaid", effective_from=since or today())


def recharge(customer, amount, accounts, *, on=None):
    return recharge_wallet(
        customer=customer,
        amount=Decimal(amount),
        method="upi",
        paid_on=on or today(),
        reference=f"UPI-{customer.pk}-{amount}-{WalletEntry.objects.count()}",
        by=accounts,
        received_by=accounts,
    )


def test_the_usual_daily_amount_weighs_each_pattern_at_the_days_price():
    customer = CustomerFactory()
    other = CustomerFactory()
    start = today() - dt.timedelta(days=20)
    milk = ProductFactory(price="50.00")
    curd = ProductFactory(price="30.00")
    paneer = ProductFactory(price="70.00")
    ghee = ProductFactory(price="400.00")
    SubscriptionFactory(customer=customer, product=milk, quantity="2", start_date=start)
    SubscriptionFactory(
        customer=customer, product=curd, start_date=start, pattern=Order.Pattern.ALTERNATE_DAYS
    )
    SubscriptionFactory(
        customer=customer,
        product=paneer,
        start_date=start,
        pattern=Order.Pattern.WEEKDAYS,
        weekdays=[0, 2, 4],
    )
    paused = SubscriptionFactory(customer=customer, product=ghee, start_date=start)
    pause_order(order=paused, start_date=today(), end_date=None)
    SubscriptionFactory(customer=other, product=milk, start_date=start)
    CustomerPrice.objects.create(
        customer=other, product=milk, price=Decimal("45.00"), effective_from=start
    )

    amounts = usual_daily_amounts([customer.pk, other.pk], on=today())

    # 2 × 50 + ½ × 30 + 3/7 × 70, the paused ghee not at all; the other at his own price.
    assert amounts == {customer.pk: Decimal("145.00"), other.pk: Decimal("45.00")}


def test_a_customer_without_a_live_subscription_has_no_usual_amount():
    stopped = CustomerFactory(status=Customer.Status.STOPPED)
    SubscriptionFactory(customer=stopped, start_date=today() - dt.timedelta(days=3))
    nothing = CustomerFactory()

    assert usual_daily_amounts([stopped.pk, nothing.pk], on=today()) == {}
    assert days_covered(balance=Decimal(500), credit_limit=Decimal(0), daily=Decimal(0)) is None


@pytest.mark.parametrize(
    ("balance", "limit", "daily", "days"),
    [
        ("250", "0", "100", 2),
        ("-50", "0", "100", 0),
        ("-50", "300", "100", 2),
        ("99", "0", "100", 0),
    ],
)
def test_days_left_count_whole_days_the_wallet_and_its_credit_pay_for(balance, limit, daily, days):
    assert (
        days_covered(balance=Decimal(balance), credit_limit=Decimal(limit), daily=Decimal(daily))
        == days
    )


def test_a_suggested_recharge_is_round_and_covers_a_paused_day():
    assert suggested_recharge(balance=Decimal(0), daily=Decimal("56"), shortfall=Decimal(0)) == 1700
    assert (
        suggested_recharge(balance=Decimal(5000), daily=Decimal("56"), shortfall=Decimal(0)) == 100
    )
    assert (
        suggested_recharge(balance=Decimal(5000), daily=Decimal(0), shortfall=Decimal("130.5"))
        == 200
    )


def test_the_summary_of_a_prepaid_customer_paused_for_low_balance(accounts):
    customer = CustomerFactory()
    milk = ProductFactory(price="50.00")
    order = SubscriptionFactory(
        customer=customer, product=milk, quantity="2", start_date=today() - dt.timedelta(days=5)
    )
    prepaid(customer, since=today() - dt.timedelta(days=2))
    recharge(customer, "250", accounts, on=today() - dt.timedelta(days=2))
    deliver(order, today() - dt.timedelta(days=2))
    deliver(order, today() - dt.timedelta(days=1))  # 250 − 2 × 100 = 50 left
    tomorrow = today() + dt.timedelta(days=1)
    generate_deliveries(day=tomorrow)
    assert Hold.objects.filter(customer=customer, date=tomorrow).exists()

    with CaptureQueriesContext(connection) as queries:
        summary = wallet_summary(customer=customer)

    assert len(queries) <= 5
    assert (summary.mode, summary.mode_since, summary.next_mode) == (
        "prepaid",
        today() - dt.timedelta(days=2),
        None,
    )
    assert (summary.balance, summary.daily, summary.days_left) == (
        Decimal("50.00"),
        Decimal("100.00"),
        0,
    )
    assert summary.is_prepaid and summary.shown and summary.is_low
    [held] = summary.held
    assert (held.date, held.label, held.need) == (tomorrow, "Paused: low balance", Decimal(100))
    assert "Recharge to resume" in held.explanation
    assert summary.shortfall == Decimal("50.00")
    assert summary.suggestion == Decimal(3000)  # a month at ₹100 a day, less the ₹50


def test_a_postpaid_customer_with_no_wallet_shows_none():
    customer = CustomerFactory()

    summary = wallet_summary(customer=customer)

    assert (summary.mode, summary.balance, summary.held) == ("postpaid", Decimal(0), [])
    assert not summary.shown and not summary.is_low


def test_a_change_of_mode_set_for_later_is_shown(accounts):
    customer = CustomerFactory()
    later = today() + dt.timedelta(days=3)
    set_billing_mode(customer=customer, mode="prepaid", effective_from=later, by=accounts)
    update_wallet_settings(customer=customer, credit_limit="200", low_balance_days=5, by=accounts)

    summary = wallet_summary(customer=customer)

    assert summary.mode == "postpaid" and summary.shown
    assert (summary.next_mode.mode, summary.next_mode.effective_from) == ("prepaid", later)
    assert (summary.credit_limit, summary.low_balance_days) == (Decimal("200.00"), 5)


@pytest.mark.parametrize(
    "history", ["none", "prepaid now", "prepaid later", "back to postpaid", "postpaid set"]
)
def test_the_shown_summary_is_the_summary_when_shown_and_one_query_when_never_set(
    accounts, history
):
    customer = CustomerFactory()
    if history == "prepaid now":
        prepaid(customer)
    elif history == "prepaid later":
        prepaid(customer, since=today() + dt.timedelta(days=2))
    elif history == "back to postpaid":
        prepaid(customer, since=today() - dt.timedelta(days=5))
        recharge(customer, "300", accounts, on=today() - dt.timedelta(days=5))
        set_billing_mode(customer=customer, mode="postpaid", effective_from=today())
    elif history == "postpaid set":
        set_billing_mode(customer=customer, mode="postpaid", effective_from=today())

    with CaptureQueriesContext(connection) as queries:
        shown = shown_wallet_summary(customer=customer)

    full = wallet_summary(customer=customer)
    assert shown == (full if full.shown else None)
    assert full.shown == (history in ("prepaid now", "prepaid later", "back to postpaid"))
    if history == "none":
        assert len(queries) == 1


def test_entries_come_newest_first_with_the_balance_after_each(accounts):
    customer = CustomerFactory()
    milk = ProductFactory(price="40.00")
    order = SubscriptionFactory(
        customer=customer, product=milk, start_date=today() - dt.timedelta(days=5)
    )
    prepaid(customer, since=today() - dt.timedelta(days=3))
    recharge(customer, "100", accounts, on=today() - dt.timedelta(days=3))
    deliver(order, today() - dt.timedelta(days=3))
    deliver(order, today() - dt.timedelta(days=2), quantity="0.5")
    recharge(customer, "500", accounts)
    other = CustomerFactory()
    recharge(other, "999", accounts)

    rows = [(e.kind, e.amount, e.balance_after) for e in wallet_entries(customer_id=customer.pk)]

    assert rows == [
        ("recharge", Decimal("500.00"), Decimal("540.00")),
        ("debit", Decimal("-20.00"), Decimal("40.00")),
        ("debit", Decimal("-40.00"), Decimal("60.00")),
        ("recharge", Decimal("100.00"), Decimal("100.00")),
    ]
    page = list(wallet_entries(customer_id=customer.pk)[1:2])
    assert page[0].balance_after == Decimal("40.00"), "a page keeps the running sum"


def test_the_list_column_reads_mode_and_balance_in_the_same_query(accounts):
    paying = CustomerFactory()
    billed = CustomerFactory()
    prepaid(paying)
    recharge(paying, "120", accounts)

    with CaptureQueriesContext(connection) as queries:
        rows = {
            c.pk: (c.billing_mode, c.wallet_balance)
            for c in with_wallet_column(Customer.objects.filter(pk__in=[paying.pk, billed.pk]))
        }

    assert len(queries) == 1
    assert rows == {paying.pk: ("prepaid", Decimal("120.00")), billed.pk: ("postpaid", 0)}
    assert BillingMode.objects.filter(customer=billed).count() == 0


def test_the_report_lists_todays_and_tomorrows_low_balance_holds(accounts):
    milk = ProductFactory(price="60.00")
    start = today() - dt.timedelta(days=5)
    held, fine = CustomerFactory(name="Held Customer"), CustomerFactory(name="Fine Customer")
    for customer in (held, fine):
        SubscriptionFactory(customer=customer, product=milk, start_date=start)
        prepaid(customer, since=today())
    recharge(held, "70", accounts)  # today's ₹60 pending leaves ₹10: tomorrow is held
    recharge(fine, "1000", accounts)
    generate_deliveries(day=today())
    tomorrow = today() + dt.timedelta(days=1)
    generate_deliveries(day=tomorrow)
    far = today() + dt.timedelta(days=3)
    generate_deliveries(day=far)  # beyond the report's two days

    with CaptureQueriesContext(connection) as queries:
        rows = low_balance_report()

    assert len(queries) <= 6
    assert [(r.customer.name, r.hold.date) for r in rows] == [("Held Customer", tomorrow)]
    [row] = rows
    assert (row.balance, row.due_ahead, row.need, row.shortfall) == (
        Decimal("70.00"),
        Decimal("60.00"),
        Decimal("60.00"),
        Decimal("50.00"),
    )
