"""Money into and out of the wallet: recharges through the payment service (with their
receipt), adjustments and refunds by accounts staff, the opening balance once."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from billing.models import Bill, Payment, WalletEntry
from billing.selectors import PaymentStatus, bill_coverage
from billing.selectors.wallet import wallet_balance, wallet_balances, with_wallet_balances
from billing.services import correct_payment, issue_bill, run_billing
from billing.services.wallet import adjust_wallet, open_wallet, recharge_wallet, refund_wallet
from billing.tests.factories import deliver_days
from billing.tests.wallet.conftest import DAY, TODAY, deliver, recharge
from customers.models import Customer
from messaging.models import Message
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

Kind = WalletEntry.Kind


def test_a_recharge_is_a_wallet_payment_and_its_entry_with_a_receipt(prepaid, accounts):
    deliver(prepaid, DAY)

    payment = recharge(prepaid, "500", reference="UTR123", by=accounts)

    assert (payment.purpose, payment.amount, payment.reference) == (
        "wallet",
        Decimal("500.00"),
        "UTR123",
    )
    entry = payment.wallet_entry
    assert (entry.kind, entry.amount, entry.customer, entry.date) == (
        Kind.RECHARGE,
        Decimal("500.00"),
        prepaid,
        TODAY,
    )
    receipt = Message.objects.get(purpose=Message.Purpose.WALLET_RECHARGED)
    assert "₹500.00" in receipt.text and "₹440.00" in receipt.text  # the balance after it
    assert not Message.objects.filter(purpose=Message.Purpose.PAYMENT_RECEIVED).exists()


def test_a_recharge_keeps_the_payment_rules(prepaid):
    recharge(prepaid, "100", reference="UTR9")

    with pytest.raises(ValidationError, match="already recorded"):
        recharge(prepaid, "100", reference="utr9")
    with pytest.raises(ValidationError):
        recharge(prepaid, "0")

    assert Payment.objects.count() == WalletEntry.objects.count() == 1


def test_a_wallet_payment_is_corrected_in_the_wallet_not_here(prepaid, accounts):
    payment = recharge(prepaid, "100")

    with pytest.raises(ValidationError, match="wallet recharge"):
        correct_payment(payment=payment, amount="90", method="upi", paid_on=TODAY, by=accounts)

    assert wallet_balance(prepaid.pk) == Decimal("100.00")


def test_accounts_adjust_either_way_with_a_reason(prepaid, accounts):
    adjust_wallet(customer=prepaid, amount="25.50", note="Goodwill", by=accounts)
    adjust_wallet(customer=prepaid, amount="-5", note="Bottle deposit", by=accounts)

    with pytest.raises(ValidationError, match="Say why"):
        adjust_wallet(customer=prepaid, amount="5", note=" ", by=accounts)
    with pytest.raises(PermissionDenied):
        adjust_wallet(customer=prepaid, amount="5", note="Mine", by=prepaid.user)

    assert wallet_balance(prepaid.pk) == Decimal("20.50")


def test_a_refund_pays_back_at_most_what_the_wallet_holds(prepaid, accounts):
    recharge(prepaid, "100")

    with pytest.raises(ValidationError, match="refund at most that"):
        refund_wallet(customer=prepaid, amount="100.01", note="Moving away", by=accounts)
    refund = refund_wallet(customer=prepaid, amount="100", note="Moving away", by=accounts)

    assert (refund.kind, refund.amount) == (Kind.REFUND, Decimal("-100.00"))
    assert wallet_balance(prepaid.pk) == Decimal("0.00")


def test_the_opening_balance_is_written_once(prepaid):
    first = open_wallet(customer=prepaid, amount="250", day=DAY, note="Old system")
    again = open_wallet(customer=prepaid, amount="999", day=DAY)

    assert again == first
    assert wallet_balance(prepaid.pk) == Decimal("250.00")
    assert open_wallet(customer=prepaid, amount="0", day=DAY) == first


def test_balances_for_many_customers_in_one_query(prepaid, postpaid, django_assert_num_queries):
    recharge(prepaid, "80")
    deliver(prepaid, DAY)

    with django_assert_num_queries(1):
        listed = dict(
            with_wallet_balances(Customer.objects.order_by("pk")).values_list(
                "pk", "wallet_balance"
            )
        )
    with django_assert_num_queries(1):
        balances = wallet_balances([prepaid.pk, postpaid.pk])

    assert listed == balances == {prepaid.pk: Decimal("20.00"), postpaid.pk: Decimal("0.00")}


def test_a_wallet_recharge_never_pays_a_postpaid_bill():
    october = dt.date(2026, 10, 1)
    order = SubscriptionFactory(product=ProductFactory(price="50.00"), start_date=october)
    deliver_days(order, october, october.replace(day=4))
    run_billing(period=october)
    bill = issue_bill(bill=Bill.objects.get(customer=order.customer, period=october))

    recharge_wallet(
        customer=order.customer, amount="1000", method="upi", paid_on=TODAY, reference="W1"
    )

    assert bill_coverage([bill])[bill.pk].status == PaymentStatus.UNPAID
