"""Issuing, voiding and discarding bills; adjustments and payments."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from billing.models import Adjustment, Bill, BillingLine, Payment
from billing.selectors import balance_for, bill_statement, customer_ledger, previous_balance_for
from billing.services import (
    add_adjustment,
    discard_draft,
    issue_bill,
    issue_bills,
    record_payment,
    run_billing,
    void_bill,
)
from billing.tests.factories import deliver, deliver_days
from billing.tests.services import FEB, JAN, billed, paid
from customers.tests.factories import CustomerFactory, UserFactory
from earlybird.roles import ADMIN, SUPPORT
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

# --- issue ----------------------------------------------------------------------------


def test_issuing_numbers_the_bill_by_period_and_records_the_previous_balance(customer, accounts):
    january = billed(customer, JAN, "500.00")
    paid(customer, "300.00", dt.date(2026, 2, 3))
    draft = billed(customer, FEB, "200.00", issue=False)
    other = billed(CustomerFactory(), FEB, "50.00")

    february = issue_bill(bill=draft, by=accounts)

    assert (january.code, other.code, february.code) == (
        "BI-202601-0001",
        "BI-202602-0001",
        "BI-202602-0002",
    )
    assert february.status == Bill.Status.ISSUED
    assert february.issued_at is not None
    # Owed when February began: 100 opening + 500 January; the payment is February's.
    assert february.previous_balance == Decimal("600.00")
    statement = bill_statement(bill=february)
    assert (statement.paid, statement.amount_due) == (Decimal("300.00"), Decimal("500.00"))
    assert february.history.first().history_user == accounts


def test_an_issued_bill_is_frozen(customer):
    bill = billed(customer, JAN, "500.00")

    with pytest.raises(ValidationError, match="not a draft"):
        issue_bill(bill=bill)
    with pytest.raises(IntegrityError, match="never changes"), transaction.atomic():
        Bill.objects.filter(pk=bill.pk).update(previous_balance=0)


def test_only_accounts_staff_issue_void_and_adjust(customer):
    bill = billed(customer, JAN, "500.00", issue=False)
    support = UserFactory(roles=[SUPPORT])

    with pytest.raises(PermissionDenied):
        issue_bill(bill=bill, by=support)
    bill = issue_bill(bill=bill, by=UserFactory(roles=[ADMIN]))
    with pytest.raises(PermissionDenied):
        void_bill(bill=bill, reason="Mistake", by=support)
    with pytest.raises(PermissionDenied):
        void_bill(bill=bill, reason="Mistake", by=None)
    with pytest.raises(PermissionDenied):
        add_adjustment(customer=customer, amount=10, reason="x", day=JAN, by=support)
    bill.refresh_from_db()
    assert bill.status == Bill.Status.ISSUED


def test_issuing_a_whole_period_numbers_every_draft_in_one_go(customer):
    others = [CustomerFactory(opening_balance=Decimal("-40.00")) for _ in range(3)]
    billed(customer, dt.date(2025, 12, 1), "20.00")
    billed(customer, FEB, "999.00")  # a later month issued first: not in January's balance
    for someone in [customer, *others]:
        billed(someone, JAN, "120.00", issue=False)
    paid(others[0], "10.00", dt.date(2025, 12, 31))
    paid(others[1], "10.00", JAN)  # January's payment: on the bill, not before it

    assert issue_bills(period=JAN) == 4
    assert issue_bills(period=JAN) == 0

    bills = list(Bill.objects.filter(period=JAN).order_by("customer_id"))
    assert [b.code for b in bills] == [f"BI-202601-{n:04d}" for n in range(1, 5)]
    assert {b.status for b in bills} == {Bill.Status.ISSUED}
    assert [b.previous_balance for b in bills] == [
        Decimal("120.00"),
        Decimal("-50.00"),
        Decimal("-40.00"),
        Decimal("-40.00"),
    ]
    assert [b.previous_balance for b in bills] == [
        previous_balance_for(customer=b.customer, period=JAN) for b in bills
    ]
    assert bills[0].history.first().history_type == "~"
    # Numbering goes on after a bulk issue.
    assert billed(CustomerFactory(), JAN, "5.00").code == "BI-202601-0005"


def test_issuing_settles_the_totals_from_the_lines():
    milk = ProductFactory(price="60.00")
    order = SubscriptionFactory(product=milk, quantity=Decimal("1"), start_date=JAN)
    deliver_days(order, JAN, dt.date(2026, 1, 3))
    run_billing(period=JAN)
    draft = Bill.objects.get(customer=order.customer)

    bill = issue_bill(bill=draft)

    assert (bill.charges, bill.total) == (Decimal("180.00"), Decimal("180.00"))


# --- void and discard -----------------------------------------------------------------


def test_voiding_needs_a_reason_and_an_issued_bill(customer, accounts):
    draft = billed(customer, JAN, "500.00", issue=False)
    with pytest.raises(ValidationError, match="only an issued bill"):
        void_bill(bill=draft, reason="Mistake", by=accounts)
    bill = issue_bill(bill=draft)
    with pytest.raises(ValidationError, match="Say why"):
        void_bill(bill=bill, reason="  ", by=accounts)

    void_bill(bill=bill, reason="Billed twice by mistake", by=accounts)

    bill.refresh_from_db()
    assert (bill.status, bill.void_reason) == (Bill.Status.VOID, "Billed twice by mistake")
    assert bill.voided_at is not None
    with pytest.raises(ValidationError, match="only an issued bill"):
        void_bill(bill=bill, reason="Again", by=accounts)


def test_voiding_releases_adjustments_as_fresh_open_ones(customer, accounts):
    bill = billed(customer, JAN, "500.00")

    void_bill(bill=bill, reason="Wrong month", by=accounts)

    frozen = Adjustment.objects.get(bill=bill)
    fresh = Adjustment.objects.get(bill__isnull=True)
    assert (fresh.customer, fresh.amount, fresh.reason, fresh.date, fresh.created_by) == (
        customer,
        frozen.amount,
        frozen.reason,
        frozen.date,
        accounts,
    )
    run_billing(period=JAN)
    rebilled = Bill.objects.get(customer=customer, period=JAN, status=Bill.Status.DRAFT)
    assert rebilled.total == Decimal("500.00")
    assert Adjustment.objects.filter(bill__isnull=True).count() == 0


def test_a_void_bill_leaves_the_ledger(customer, accounts):
    bill = billed(customer, JAN, "500.00")
    assert balance_for(customer) == Decimal("600.00")

    void_bill(bill=bill, reason="Wrong customer", by=accounts)

    assert balance_for(customer) == Decimal("100.00")
    assert [e.kind for e in customer_ledger(customer=customer).entries] == ["opening"]


def test_discarding_a_draft_releases_its_deliveries_and_adjustments(accounts):
    milk = ProductFactory(price="60.00")
    order = SubscriptionFactory(product=milk, quantity=Decimal("2"), start_date=JAN)
    delivery = deliver(order, dt.date(2026, 1, 5))
    add_adjustment(customer=order.customer, amount="-5", reason="Late", day=JAN)
    run_billing(period=JAN)
    draft = Bill.objects.get(customer=order.customer)

    discard_draft(bill=draft, by=accounts)

    assert not Bill.objects.filter(pk=draft.pk).exists()
    assert not BillingLine.objects.exists()
    assert Adjustment.objects.get().bill is None
    deliver(order, dt.date(2026, 1, 5), "1.5", confirmed_on=dt.date(2026, 1, 6))  # correctable
    run_billing(period=JAN)
    bill = Bill.objects.get(customer=order.customer)
    assert (bill.charges, bill.adjustments_total) == (Decimal("90.00"), Decimal("-5.00"))
    assert BillingLine.objects.get().delivery == delivery


# --- adjustments and payments ---------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "reason", "message"),
    [
        ("0", "Nothing", "changes nothing"),
        ("ten", "Nothing", "not an amount"),
        ("10", "   ", "This field cannot be blank"),
    ],
)
def test_an_adjustment_needs_an_amount_and_a_reason(customer, amount, reason, message):
    with pytest.raises(ValidationError, match=message):
        add_adjustment(customer=customer, amount=amount, reason=reason, day=JAN)
    assert not Adjustment.objects.exists()


def test_a_correction_after_issue_goes_on_the_next_bill(customer, accounts):
    january = billed(customer, JAN, "500.00")

    credit = add_adjustment(
        customer=customer,
        amount="-45.00",
        reason="3 packets short on 12 Jan",
        day=dt.date(2026, 2, 2),
        by=accounts,
    )
    run_billing(period=FEB)

    credit.refresh_from_db()
    assert credit.bill.period == FEB
    assert credit.created_by == accounts
    january.refresh_from_db()
    assert january.total == Decimal("500.00")


def test_record_payment_takes_money_in_rupees_and_paise(customer):
    payment = record_payment(
        customer=customer, amount="250.5", method=Payment.Method.CASH, paid_on=JAN
    )
    assert payment.amount == Decimal("250.50")
    assert payment.code.startswith("PA-20260101-")
    for amount in ("0", "-5", "abc", "NaN"):
        with pytest.raises(ValidationError):
            record_payment(customer=customer, amount=amount, method="cash", paid_on=JAN)
    with pytest.raises(ValidationError, match="payment method"):
        record_payment(customer=customer, amount=5, method="barter", paid_on=JAN)
