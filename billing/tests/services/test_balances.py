"""The derived balances: the ledger, what a bill says, paid / partly paid / unpaid."""

import datetime as dt
from decimal import Decimal

import pytest

from billing.models import Bill
from billing.selectors import (
    PaymentStatus,
    balance_for,
    balances_for,
    bill_coverage,
    bill_statement,
    customer_ledger,
    with_balances,
)
from billing.services import add_adjustment, issue_bill, run_billing
from billing.tests.factories import PaymentFactory, deliver_days
from billing.tests.services import FEB, JAN, billed, paid
from customers.models import Customer
from customers.tests.factories import CustomerFactory
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

MAR = dt.date(2026, 3, 1)


# --- the ledger -----------------------------------------------------------------------


def test_the_ledger_is_opening_plus_issued_bills_minus_payments_with_a_running_balance(
    customer,
):
    january = billed(customer, JAN, "500.00")
    paid(customer, "300.00", dt.date(2099, 1, 1))  # dated after every bill
    february = billed(customer, FEB, "200.00")
    billed(customer, MAR, "75.00", issue=False)  # a draft: not yet in the balance
    add_adjustment(customer=customer, amount="12.00", reason="Bottle", day=dt.date(2026, 4, 2))

    ledger = customer_ledger(customer=customer)

    assert [(e.kind, e.amount, e.balance) for e in ledger.entries] == [
        ("opening", Decimal("100.00"), Decimal("100.00")),
        ("bill", Decimal("500.00"), Decimal("600.00")),
        ("bill", Decimal("200.00"), Decimal("800.00")),
        ("payment", Decimal("-300.00"), Decimal("500.00")),
    ]
    assert [e.bill for e in ledger.entries[1:3]] == [january, february]
    assert ledger.balance == Decimal("500.00") == balance_for(customer)
    assert (ledger.draft_total, ledger.open_adjustments, ledger.not_yet_billed) == (
        Decimal("75.00"),
        Decimal("12.00"),
        Decimal("87.00"),
    )


def test_the_ledger_takes_a_few_queries_however_long_the_history(
    customer, django_assert_num_queries
):
    for period in (JAN, FEB, MAR):
        billed(customer, period, "100.00")
        paid(customer, "40.00", period)
    with django_assert_num_queries(3):
        customer_ledger(customer=customer)


def test_an_overpayment_carries_forward_as_credit(customer):
    billed(customer, JAN, "300.00")
    paid(customer, "900.00", dt.date(2026, 2, 2))
    assert balance_for(customer) == Decimal("-500.00")

    february = billed(customer, FEB, "250.00")

    statement = bill_statement(bill=february)
    assert (statement.previous_balance, statement.paid) == (Decimal("400.00"), Decimal("900.00"))
    assert statement.amount_due == Decimal("-250.00")
    assert statement.payment_status == PaymentStatus.PAID
    assert balance_for(customer) == Decimal("-250.00")


def test_balances_for_a_list_take_one_query(django_assert_num_queries):
    customers = [CustomerFactory(opening_balance=Decimal(n * 10)) for n in range(4)]
    billed(customers[1], JAN, "100.00")
    billed(customers[2], JAN, "100.00", issue=False)
    paid(customers[3], "45.50", JAN)

    with django_assert_num_queries(1):
        balances = balances_for(customers)

    assert balances == {
        customers[0].pk: Decimal("0.00"),
        customers[1].pk: Decimal("110.00"),
        customers[2].pk: Decimal("20.00"),
        customers[3].pk: Decimal("-15.50"),
    }
    owing = with_balances(Customer.objects.all()).filter(balance__gt=0)
    assert {c.pk: c.balance for c in owing} == {
        customers[1].pk: Decimal("110.00"),
        customers[2].pk: Decimal("20.00"),
    }


def test_balances_for_a_page_or_everyone_agree_with_the_one_formula(
    django_assert_num_queries,
):
    customers = [CustomerFactory(opening_balance=Decimal(n * 10)) for n in range(5)]
    billed(customers[0], JAN, "100.00")
    billed(customers[0], FEB, "60.00")
    paid(customers[0], "30.00", JAN)
    paid(customers[0], "20.00", FEB)  # two bills and two payments: no row counted twice
    billed(customers[1], JAN, "80.00", issue=False)  # a draft counts for nothing yet
    PaymentFactory(customer=customers[2], amount=Decimal("500.00"), purpose="wallet")
    paid(customers[3], "45.50", JAN)

    with django_assert_num_queries(1):
        page = balances_for([c.pk for c in customers[:3]])
    everyone = balances_for(Customer.objects.all())

    formula = dict(with_balances(Customer.objects.all()).values_list("pk", "balance"))
    assert everyone == formula
    assert page == {pk: formula[pk] for pk in (c.pk for c in customers[:3])}
    assert page[customers[0].pk] == Decimal("110.00")  # 0 + 160 − 50
    assert page[customers[2].pk] == Decimal("20.00")  # a wallet recharge is not a bill's
    assert balances_for([]) == {}


# --- what a bill says -----------------------------------------------------------------


def test_a_bill_shows_previous_balance_payments_charges_and_amount_due(customer):
    milk = ProductFactory(price="50.00")
    order = SubscriptionFactory(customer=customer, product=milk, start_date=JAN)
    deliver_days(order, JAN, dt.date(2026, 1, 4))
    add_adjustment(customer=customer, amount="-20.00", reason="Leaky packet", day=JAN)
    paid(customer, "30.00", dt.date(2025, 12, 28))  # before January: in the previous balance
    paid(customer, "60.00", dt.date(2026, 1, 20))  # in January: on the bill
    run_billing(period=JAN)
    bill = issue_bill(bill=Bill.objects.get(customer=customer))
    paid(customer, "100.00", dt.date(2026, 2, 3))  # after January: on the next bill
    run_billing(period=FEB)  # nothing to bill in February yet
    add_adjustment(customer=customer, amount="10.00", reason="Bottle", day=FEB)
    run_billing(period=FEB)
    february = issue_bill(bill=Bill.objects.get(customer=customer, period=FEB))

    statement = bill_statement(bill=bill)

    assert statement.previous_balance == Decimal("70.00")  # 100 opening − 30 paid
    assert [p.amount for p in statement.payments] == [Decimal("60.00")]
    assert (statement.charges, statement.adjustments_total, statement.total) == (
        Decimal("200.00"),
        Decimal("-20.00"),
        Decimal("180.00"),
    )
    assert statement.amount_due == Decimal("190.00")  # 70 − 60 + 180
    assert (statement.payment_status, statement.outstanding) == (
        PaymentStatus.PARTLY_PAID,
        Decimal("90.00"),  # paid 190 of the 100 opening + 180: 90 of January still due
    )
    # The amount due on one bill is the previous balance of the next.
    following = bill_statement(bill=february)
    assert following.previous_balance == statement.amount_due
    assert following.amount_due == Decimal("100.00") == balance_for(customer)


def test_a_draft_statement_previews_its_previous_balance(customer):
    draft = billed(customer, JAN, "80.00", issue=False)
    paid(customer, "30.00", dt.date(2025, 12, 30))
    statement = bill_statement(bill=draft)
    assert (statement.previous_balance, statement.amount_due, statement.payment_status) == (
        Decimal("70.00"),
        Decimal("150.00"),
        None,
    )


def test_payments_pay_the_oldest_debt_first(customer, django_assert_num_queries):
    january = billed(customer, JAN, "200.00")
    february = billed(customer, FEB, "300.00")
    march = billed(customer, MAR, "50.00")
    credit = billed(CustomerFactory(), MAR, "-30.00")
    paid(customer, "450.00", dt.date(2026, 3, 10))  # 100 opening + 200 Jan + 150 of Feb

    with django_assert_num_queries(1):
        coverage = bill_coverage([january, february, march, credit])

    assert {bill_id: (c.status, c.outstanding) for bill_id, c in coverage.items()} == {
        january.pk: (PaymentStatus.PAID, Decimal("0.00")),
        february.pk: (PaymentStatus.PARTLY_PAID, Decimal("150.00")),
        march.pk: (PaymentStatus.UNPAID, Decimal("50.00")),
        credit.pk: (PaymentStatus.PAID, Decimal("0.00")),
    }


def test_a_credit_opening_balance_pays_part_of_the_first_bill():
    customer = CustomerFactory(opening_balance=Decimal("-50.00"))
    bill = billed(customer, JAN, "120.00")
    coverage = bill_coverage([bill])[bill.pk]
    assert (coverage.status, coverage.outstanding) == (PaymentStatus.PARTLY_PAID, Decimal("70.00"))
