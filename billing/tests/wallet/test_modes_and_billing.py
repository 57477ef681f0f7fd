"""The billing mode from a date, and what it changes: prepaid deliveries are paid from the
wallet and never billed; wallet payments never count toward the postpaid balance."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from billing.models import BillingLine, BillingMode, WalletEntry
from billing.reconciliation import PREPAID_BILLED, WALLET_DEBITS, WALLET_ENTRIES, reconcile
from billing.selectors import balance_for, unbilled_totals
from billing.selectors.wallet import billing_mode_on, prepaid_customer_ids, wallet_balance
from billing.services import run_billing
from billing.services.wallet import set_billing_mode
from billing.tests.wallet.conftest import DAY, NEXT_DAY, START, TODAY, check_now, deliver, recharge
from deliveries.models import Delivery
from orders.tests.factories import SubscriptionFactory

pytestmark = pytest.mark.django_db

NOV = dt.date(2026, 11, 1)


def test_the_mode_on_a_day_is_the_latest_change_on_or_before_it(postpaid, accounts):
    set_billing_mode(customer=postpaid, mode="prepaid", effective_from=TODAY, by=accounts)
    set_billing_mode(
        customer=postpaid, mode="postpaid", effective_from=TODAY + dt.timedelta(5), by=accounts
    )

    assert billing_mode_on(postpaid.pk, TODAY - dt.timedelta(1)) == "postpaid"
    assert billing_mode_on(postpaid.pk, TODAY) == "prepaid"
    assert billing_mode_on(postpaid.pk, TODAY + dt.timedelta(4)) == "prepaid"
    assert billing_mode_on(postpaid.pk, TODAY + dt.timedelta(5)) == "postpaid"
    assert prepaid_customer_ids(TODAY + dt.timedelta(1)) == {postpaid.pk}
    assert prepaid_customer_ids(TODAY + dt.timedelta(5), [postpaid.pk]) == set()


def test_staff_change_the_mode_from_today_on_only(postpaid, accounts):
    with pytest.raises(ValidationError, match="from today on"):
        set_billing_mode(customer=postpaid, mode="prepaid", effective_from=DAY, by=accounts)
    with pytest.raises(PermissionDenied):
        set_billing_mode(customer=postpaid, mode="prepaid", effective_from=TODAY, by=postpaid.user)

    assert not BillingMode.objects.exists()


def test_setting_the_same_mode_again_changes_nothing(prepaid, accounts):
    assert set_billing_mode(customer=prepaid, mode="prepaid", effective_from=TODAY) is None
    row = set_billing_mode(customer=prepaid, mode="prepaid", effective_from=START)

    assert row.effective_from == START
    assert BillingMode.objects.filter(customer=prepaid).count() == 1


def test_a_command_dating_prepaid_in_the_past_debits_the_deliveries_since(postpaid):
    delivered = deliver(postpaid, DAY)

    set_billing_mode(customer=postpaid, mode="prepaid", effective_from=DAY)
    check_now()

    assert WalletEntry.objects.get().delivery == delivered
    assert wallet_balance(postpaid.pk) == Decimal("-60.00")


def test_back_to_postpaid_reverses_the_debits_and_the_run_bills_them(prepaid):
    deliver(prepaid, DAY)

    set_billing_mode(customer=prepaid, mode="postpaid", effective_from=DAY)
    run_billing(period=NOV, before_month_end=True)
    check_now()

    assert wallet_balance(prepaid.pk) == Decimal("0.00")
    assert BillingLine.objects.get().delivery.date == DAY


def test_a_billed_day_cannot_become_prepaid(postpaid):
    deliver(postpaid, DAY)
    run_billing(period=NOV, before_month_end=True)

    with pytest.raises(ValidationError, match="prepaid can start only after"):
        set_billing_mode(customer=postpaid, mode="prepaid", effective_from=START)

    assert billing_mode_on(postpaid.pk, DAY) == "postpaid"


def test_the_billing_run_skips_prepaid_deliveries_and_bills_the_rest(prepaid, postpaid, milk):
    # Given a customer who switched to prepaid on NEXT_DAY: DAY is billed, NEXT_DAY paid
    switcher = SubscriptionFactory(product=milk, start_date=START).customer
    set_billing_mode(customer=switcher, mode="prepaid", effective_from=NEXT_DAY)
    for customer in (prepaid, postpaid, switcher):
        deliver(customer, DAY)
        deliver(customer, NEXT_DAY)

    assert unbilled_totals(Delivery.objects.all())["count"] == 3
    run = run_billing(period=NOV, before_month_end=True)
    check_now()

    billed = set(BillingLine.objects.values_list("delivery__customer", "delivery__date"))
    assert billed == {(postpaid.pk, DAY), (postpaid.pk, NEXT_DAY), (switcher.pk, DAY)}
    assert run.lines_created == 3
    assert not prepaid.bills.exists()
    assert wallet_balance(switcher.pk) == Decimal("-60.00")


def test_a_wallet_payment_is_not_a_payment_toward_the_bills(prepaid, postpaid):
    recharge(prepaid, "500")

    assert balance_for(prepaid) == Decimal("0.00")
    assert wallet_balance(prepaid.pk) == Decimal("500.00")
    payment = prepaid.payments.get()
    assert (payment.purpose, payment.wallet_entry.amount) == ("wallet", Decimal("500.00"))


def test_the_reconciliation_finds_the_wallet_consistent(prepaid, postpaid):
    recharge(prepaid, "100")
    deliver(prepaid, DAY)
    deliver(postpaid, DAY)
    run_billing(period=NOV, before_month_end=True)

    result = reconcile()

    assert result.ok, result.violations


def test_the_reconciliation_finds_a_missing_debit_and_a_billed_prepaid_delivery(prepaid):
    delivery = deliver(prepaid, DAY)
    check_now()
    # Corrupt the data behind the triggers' back (replica mode fires none; the test's
    # transaction is rolled back).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("DELETE FROM billing_walletentry WHERE delivery_id = %s", [delivery.pk])
        cursor.execute(
            "INSERT INTO billing_bill (created_at, updated_at, period, status, previous_balance,"
            " charges, adjustments_total, total, void_reason, customer_id)"
            " VALUES (now(), now(), %s, 'draft', 0, 60, 0, 60, '', %s) RETURNING id",
            [NOV, prepaid.pk],
        )
        bill_id = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO billing_billingline (created_at, updated_at, quantity, unit_price, amount,"
            " bill_id, delivery_id) VALUES (now(), now(), 1, 60, 60, %s, %s)",
            [bill_id, delivery.pk],
        )
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")

    result = reconcile()

    assert [v.code for v in result.violations[WALLET_DEBITS]] == [delivery.code]
    assert [v.code for v in result.violations[PREPAID_BILLED]] == [delivery.code]
    assert result.violations[WALLET_ENTRIES] == []
