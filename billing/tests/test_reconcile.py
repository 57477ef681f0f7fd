"""Reconciliation: `manage.py reconcile` and its page list every violation — delivered but
never billed after a run, billed twice, bill totals off, ledger off — and fail on any."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command, get_commands
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from billing import reconciliation
from billing.models import Bill, BillingLine
from billing.reconciliation import (
    BILL_TOTAL,
    BILLED_TWICE,
    LEDGER,
    UNBILLED,
    reconcile,
)
from billing.services import discard_draft, issue_bill, run_billing
from billing.tests.factories import PaymentFactory, accounts_user, deliver
from customers.tests.factories import CustomerFactory, UserFactory
from earlybird.roles import ADMIN, CUSTOMER, DELIVERY_BOY, MARKETING, SUPPORT
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

JAN = dt.date(2026, 1, 1)
FEB = dt.date(2026, 2, 1)


def jan(n: int) -> dt.date:
    return JAN.replace(day=n)


@pytest.fixture
def milk():
    return ProductFactory(name="Cow milk", price="50.00")


@pytest.fixture
def order(milk):
    return SubscriptionFactory(
        customer=CustomerFactory(opening_balance=Decimal("30.00")), product=milk, start_date=JAN
    )


def codes(result, check) -> list[str]:
    return [violation.code for violation in result.violations[check]]


def run_command(*args) -> tuple[str, int]:
    out = StringIO()
    try:
        call_command("reconcile", *args, stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc.returncode
    return out.getvalue(), 0


def test_the_reconcile_command_is_the_billing_one():
    assert get_commands()["reconcile"] == "billing"


def test_billed_issued_and_paid_everything_adds_up(order):
    deliver(order, jan(1))
    deliver(order, jan(2), "0.5")
    run_billing(period=JAN)
    issue_bill(bill=Bill.objects.get(period=JAN))
    PaymentFactory(customer=order.customer, amount=Decimal("20.00"), paid_on=jan(20))

    result = reconcile()
    output, status = run_command()

    assert result.ok and result.total == 0
    assert status == 0
    assert "Delivered but never billed after a run: 0" in output
    assert "No violation" in output


# --- delivered but never billed ------------------------------------------------------------


def test_a_delivery_a_run_should_have_billed_is_listed(order):
    delivery = deliver(order, jan(5))
    run_billing(period=JAN)
    discard_draft(bill=Bill.objects.get(period=JAN), by=accounts_user())  # releases it

    result = reconcile()
    output, status = run_command("--month", "2026-01")

    assert codes(result, UNBILLED) == [delivery.code]
    [violation] = result.violations[UNBILLED]
    assert violation.customer_code == order.customer.code
    assert "not billed by the run of 2026-01" in violation.detail
    assert status == 1
    assert f"{delivery.code} ({order.customer.code})" in output
    run_billing(period=JAN)  # the next run bills it
    assert reconcile().ok


def test_deliveries_no_run_has_seen_yet_are_not_violations(order, milk):
    run_billing(period=JAN)
    late = deliver(order, jan(6))  # confirmed after the run
    other = SubscriptionFactory(product=milk, start_date=FEB)
    deliver(other, FEB.replace(day=2))  # a month with no run

    assert codes(reconcile(), UNBILLED) == []
    assert not BillingLine.objects.filter(delivery=late).exists()


def test_an_issued_bill_keeps_later_deliveries_for_the_next_month(order):
    deliver(order, jan(5))
    run_billing(period=JAN)
    issue_bill(bill=Bill.objects.get(period=JAN))
    late = deliver(order, jan(6), confirmed_on=FEB.replace(day=1))
    run_billing(period=JAN)  # after the late confirmation, but January is issued

    assert codes(reconcile(), UNBILLED) == []

    run_billing(period=FEB)  # February's run bills it
    assert BillingLine.objects.get(delivery=late).bill.period == FEB
    assert reconcile().ok


# --- billed twice ---------------------------------------------------------------------------


def test_no_delivery_is_billed_twice_and_the_database_refuses_it(order):
    delivery = deliver(order, jan(5))
    run_billing(period=JAN)
    line = BillingLine.objects.get(delivery=delivery)
    february = Bill.objects.create(customer=order.customer, period=FEB)

    with (
        pytest.raises(IntegrityError, match="billing_billingline_delivery_id_key"),
        transaction.atomic(),
    ):
        BillingLine.objects.create(
            bill=february,
            delivery=delivery,
            quantity=line.quantity,
            unit_price=line.unit_price,
            amount=line.amount,
        )

    assert codes(reconcile(), BILLED_TWICE) == []


def test_a_delivery_billed_twice_would_be_listed(order):
    """Without the OneToOne's unique index (dropped inside this test's transaction only) a
    second line can exist; the check finds it."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks before ALTER
        cursor.execute(
            """
            SELECT conname FROM pg_constraint
             WHERE conrelid = 'billing_billingline'::regclass AND contype = 'u'
            """
        )
        [(unique,)] = cursor.fetchall()
        cursor.execute(f'ALTER TABLE billing_billingline DROP CONSTRAINT "{unique}"')
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    delivery = deliver(order, jan(5))
    run_billing(period=JAN)
    january = Bill.objects.get(period=JAN)
    february = Bill.objects.create(customer=order.customer, period=FEB)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO billing_billingline (created_at, updated_at, quantity, unit_price,
                                             amount, bill_id, delivery_id)
            SELECT now(), now(), quantity, unit_price, amount, %s, delivery_id
              FROM billing_billingline WHERE delivery_id = %s
            """,
            [february.pk, delivery.pk],
        )

    result = reconcile()

    [violation] = result.violations[BILLED_TWICE]
    assert violation.code == delivery.code
    assert violation.detail == f"2 billing lines, on draft {january.pk}, draft {february.pk}"
    assert codes(result, BILL_TOTAL) == [f"draft bill {february.pk}"]  # ₹0 with a line


# --- bill totals -----------------------------------------------------------------------------


def test_a_bill_whose_total_differs_from_its_lines_is_listed(order):
    deliver(order, jan(5))
    run_billing(period=JAN)
    bill = Bill.objects.get(period=JAN)
    Bill.objects.filter(pk=bill.pk).update(charges=Decimal("51.00"), total=Decimal("51.00"))

    result = reconcile(month=JAN)

    [violation] = result.violations[BILL_TOTAL]
    assert violation.code == f"draft bill {bill.pk}"
    assert "total 51.00" in violation.detail and "lines add up to 50.00" in violation.detail
    assert codes(reconcile(month=FEB), BILL_TOTAL) == []  # another month


# --- the ledger -------------------------------------------------------------------------------


def test_a_balance_that_differs_from_bills_minus_payments_is_listed(order, monkeypatch):
    deliver(order, jan(5))
    run_billing(period=JAN)
    issue_bill(bill=Bill.objects.get(period=JAN))
    PaymentFactory(customer=order.customer, amount=Decimal("10.00"), paid_on=jan(9))
    assert codes(reconcile(), LEDGER) == []
    real = reconciliation.balances_for

    def off_by_a_rupee(customers):
        balances = real(customers)
        balances[order.customer.pk] += 1
        return balances

    monkeypatch.setattr(reconciliation, "balances_for", off_by_a_rupee)
    result = reconcile()

    [violation] = result.violations[LEDGER]
    assert violation.code == order.customer.code
    assert violation.detail == (
        "the ledger shows 71.00; opening + issued bills − payments = 70.00"  # 30 + 50 − 10
    )
    output, status = run_command()
    assert status == 1
    assert "Ledger ≠ bills − payments: 1" in output
    assert f"{order.customer.code} ({order.customer.code}): the ledger shows 71.00" in output


def test_a_bad_month_is_a_command_error():
    with pytest.raises(CommandError, match="is not a month"):
        call_command("reconcile", "--month", "2026-13")


# --- the page --------------------------------------------------------------------------------


class TestReconcilePage:
    def test_it_lists_the_violations_by_check(self, client, order):
        delivery = deliver(order, jan(5))
        run_billing(period=JAN)
        discard_draft(bill=Bill.objects.get(period=JAN), by=accounts_user())
        client.force_login(accounts_user())

        response = client.get(reverse("billing:reconcile"))

        page = response.content.decode()
        assert response.context["result"].total == 1
        assert "1 violation" in page and delivery.code in page
        assert "Delivered but never billed after a run: 1" in page
        assert "Billed twice: 0" in page

    def test_a_clean_month_says_so(self, client, order):
        client.force_login(UserFactory(roles=[ADMIN]))

        response = client.get(reverse("billing:reconcile"), {"month": "2026-01"})

        assert response.context["result"].ok
        assert "No violation" in response.content.decode()

    def test_a_bad_month_shows_an_error_and_checks_nothing(self, client):
        client.force_login(accounts_user())

        response = client.get(reverse("billing:reconcile"), {"month": "soon"})

        assert response.context["result"] is None
        assert "is not a month" in response.content.decode()

    @pytest.mark.parametrize("role", [SUPPORT, MARKETING, DELIVERY_BOY, CUSTOMER])
    def test_other_roles_get_a_404_and_strangers_the_login(self, client, role):
        url = reverse("billing:reconcile")
        assert reverse("login") in client.get(url).url
        client.force_login(UserFactory(roles=[role]))
        assert client.get(url).status_code == 404
