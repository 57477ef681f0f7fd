"""A bill's life (issue, void, discard), adjustments, payments, and the derived balances:
the ledger, a bill's statement, paid / partly paid / unpaid."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from billing.models import Adjustment, Bill, BillingLine, Payment
from billing.selectors import (
    PaymentStatus,
    balance_for,
    balances_for,
    bill_coverage,
    bill_statement,
    customer_ledger,
    previous_balance_for,
    with_balances,
)
from billing.services import (
    add_adjustment,
    discard_draft,
    issue_bill,
    issue_bills,
    record_payment,
    run_billing,
    void_bill,
)
from billing.tests.factories import PaymentFactory, accounts_user, deliver, deliver_days
from customers.models import Customer
from customers.tests.factories import CustomerFactory, UserFactory
from earlybird.roles import ADMIN, SUPPORT
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

JAN = dt.date(2026, 1, 1)
FEB = dt.date(2026, 2, 1)
MAR = dt.date(2026, 3, 1)


@pytest.fixture
def accounts():
    return accounts_user()


@pytest.fixture
def customer():
    return CustomerFactory(opening_balance=Decimal("100.00"))


def billed(customer, period, amount, *, issue=True) -> Bill:
    """A bill of `amount` for the period, made the way accounts would: an adjustment (a
    charge outside the deliveries), a run, and (by default) issuing it."""
    add_adjustment(customer=customer, amount=amount, reason="Monthly charge", day=period)
    run_billing(period=period)
    bill = Bill.objects.get(customer=customer, period=period, status=Bill.Status.DRAFT)
    return issue_bill(bill=bill) if issue else bill


def paid(customer, amount, on) -> Payment:
    return PaymentFactory(customer=customer, amount=Decimal(amount), paid_on=on)


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


# --- the bill page --------------------------------------------------------------------


class TestBillPages:
    @pytest.fixture
    def bill(self, customer):
        milk = ProductFactory(name="Cow milk", price="56.00")
        order = SubscriptionFactory(customer=customer, product=milk, start_date=JAN)
        deliver_days(order, dt.date(2026, 1, 30), dt.date(2026, 1, 31))
        deliver(order, dt.date(2026, 2, 2), "0.5")
        add_adjustment(customer=customer, amount="-6", reason="Leaky packet", day=FEB)
        run_billing(period=JAN)
        issue_bill(bill=Bill.objects.get(period=JAN))
        run_billing(period=FEB)
        return Bill.objects.get(period=FEB)

    def test_it_shows_the_days_the_statement_and_the_actions(self, client, bill, accounts):
        client.force_login(accounts)

        page = client.get(reverse("billing:bill_detail", args=[bill.pk])).content.decode()

        assert "Draft bill" in page
        assert "Cow milk 0.5" in page  # on the 2nd, in the calendar
        assert "₹28.00" in page and "-₹6.00" in page and "₹22.00" in page
        assert "Previous balance on 1 February 2026" in page
        assert "₹212.00" in page  # 100 opening + 112 January
        assert "Issue this bill" in page

    def test_issuing_and_voiding_from_the_page(self, client, bill, accounts):
        client.force_login(accounts)
        url = reverse("billing:bill_detail", args=[bill.pk])

        page = client.post(reverse("billing:bill_issue", args=[bill.pk]), follow=True)
        assert "Issued BI-202602-0001." in page.content.decode()
        refused = client.post(reverse("billing:bill_void", args=[bill.pk]), {"reason": ""})
        assert refused.url == url
        page = client.post(
            reverse("billing:bill_void", args=[bill.pk]), {"reason": "Wrong rate"}, follow=True
        )

        assert "BI-202602-0001 is void" in page.content.decode()
        bill.refresh_from_db()
        assert (bill.status, bill.void_reason) == (Bill.Status.VOID, "Wrong rate")

    def test_the_month_list_shows_payment_status_in_constant_queries(
        self, client, customer, accounts, django_assert_max_num_queries
    ):
        for someone in [customer, *(CustomerFactory() for _ in range(4))]:
            billed(someone, JAN, "100.00")
        paid(customer, "150.00", FEB)
        client.force_login(accounts)
        url = reverse("billing:bills") + "?month=2026-01"

        with django_assert_max_num_queries(12):
            page = client.get(url).content.decode()

        assert page.count("BI-202601-") == 5
        assert "Partly paid" in page and "Unpaid" in page

    def test_other_staff_get_a_404(self, client, bill):
        client.force_login(UserFactory(roles=[SUPPORT]))
        assert client.get(reverse("billing:bill_detail", args=[bill.pk])).status_code == 404
        assert client.get(reverse("billing:bills")).status_code == 404
        client.logout()
        assert client.get(reverse("billing:bills")).status_code == 302
