"""Wallet writes at the same moment, their interleaving forced (earlybird.tests.concurrency):
each test runs with the lock and with it removed, and shows what the lock prevents."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from billing.models import Wallet, WalletEntry
from billing.selectors.wallet import wallet_balance
from billing.services import wallet
from billing.services.wallet import refund_wallet, set_billing_mode
from billing.tests.factories import STAFF, accounts_user
from billing.tests.wallet.conftest import DAY, deliver, delivery_on, recharge
from deliveries.models import Delivery
from deliveries.services import confirm_delivery
from earlybird.tests.concurrency import Holder, Worker, wait_until_blocked
from messaging.models import Message

pytestmark = pytest.mark.django_db(transaction=True)

LOCKS = pytest.mark.parametrize("locked", [True, False], ids=["with the lock", "lock removed"])


def _remove_the_wallet_lock(monkeypatch) -> None:
    def make_only(customer_ids):
        ids = sorted(set(customer_ids))
        Wallet.objects.bulk_create([Wallet(customer_id=pk) for pk in ids], ignore_conflicts=True)
        return {w.customer_id: w for w in Wallet.objects.filter(customer_id__in=ids)}

    monkeypatch.setattr(wallet, "lock_wallets", make_only)


@LOCKS
def test_a_recharge_during_a_debit_waits_and_its_receipt_tells_the_balance_after_both(
    monkeypatch, prepaid, locked
):
    # Given ₹100 in the wallet and a litre (₹60) being confirmed, not yet committed
    recharge(prepaid, "100")
    delivery = delivery_on(prepaid, DAY)
    if not locked:
        _remove_the_wallet_lock(monkeypatch)
    confirmation = Holder(
        lambda: confirm_delivery(delivery=delivery, delivered_qty=Decimal(1), by=STAFF),
        name="debit",
    )
    confirmation.start_and_hold()

    # When ₹500 is recharged at that moment
    recharger = Worker(lambda: recharge(prepaid, "500"), name="recharge")
    recharger.start()
    waited = wait_until_blocked(recharger)
    confirmation.release()
    confirmation.finish()
    recharger.finish()

    # Then both are recorded and the balance is the sum of the entries
    assert confirmation.error is None and recharger.error is None
    kinds = sorted(WalletEntry.objects.values_list("kind", "amount"))
    assert kinds == [
        ("debit", Decimal("-60.00")),
        ("recharge", Decimal("100.00")),
        ("recharge", Decimal("500.00")),
    ]
    assert wallet_balance(prepaid.pk) == Decimal("540.00")
    receipt = Message.objects.filter(purpose=Message.Purpose.WALLET_RECHARGED).latest("pk")
    if locked:  # the recharge waited for the debit: its receipt tells the balance after both
        assert waited == {"recharge": True}
        assert "₹540.00" in receipt.text
    else:  # the race the lock prevents: a receipt telling a balance that is already wrong
        assert waited == {"recharge": False}
        assert "₹600.00" in receipt.text


@LOCKS
def test_two_refunds_at_once_never_pay_back_more_than_the_wallet_holds(
    monkeypatch, prepaid, locked
):
    accounts = accounts_user()
    recharge(prepaid, "100")
    if not locked:
        _remove_the_wallet_lock(monkeypatch)

    def refund():
        return refund_wallet(customer=prepaid, amount="100", note="Closing", by=accounts)

    first = Holder(refund, name="first")
    first.start_and_hold()
    second = Worker(refund, name="second")
    second.start()
    waited = wait_until_blocked(second)
    first.release()
    first.finish()
    second.finish()

    assert first.error is None
    if locked:
        assert waited == {"second": True}
        assert isinstance(second.error, ValidationError)
        assert wallet_balance(prepaid.pk) == Decimal("0.00")
    else:  # both saw ₹100: the wallet paid back ₹200
        assert waited == {"second": False} and second.error is None
        assert wallet_balance(prepaid.pk) == Decimal("-100.00")


@LOCKS
def test_a_mode_change_during_a_confirmation_debits_it_instead_of_failing_at_commit(
    monkeypatch, postpaid, locked
):
    # Given a postpaid customer's delivery, switched to prepaid (by a command) meanwhile
    delivery = delivery_on(postpaid, DAY)
    if not locked:
        # The naive way: only the days' confirmed deliveries are settled (and locked).
        monkeypatch.setattr(
            wallet,
            "_lock_deliveries",
            lambda deliveries: list(deliveries.filter(status__in=Delivery.BILLABLE_STATUSES)),
        )
    change = Holder(
        lambda: set_billing_mode(customer=postpaid, mode="prepaid", effective_from=DAY),
        name="mode",
    )
    change.start_and_hold()
    confirmer = Worker(lambda: deliver(postpaid, DAY), name="confirm")
    confirmer.start()
    waited = wait_until_blocked(confirmer)
    change.release()
    change.finish()
    confirmer.finish()

    delivery.refresh_from_db()
    if locked:  # the confirmation waited, then was debited under the new mode
        assert waited == {"confirm": True}
        assert change.error is None and confirmer.error is None
        assert delivery.status == Delivery.Status.DELIVERED
        assert wallet_balance(postpaid.pk) == Decimal("-60.00")
    else:  # the confirmation went first unseen; the change then failed the commit check
        assert waited == {"confirm": False} and confirmer.error is None
        assert isinstance(change.error, IntegrityError)
        assert not WalletEntry.objects.exists()
