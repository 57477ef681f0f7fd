"""Debits follow confirmations through one service: once per delivered delivery of a
prepaid customer, a reversal (and a new debit) for an undo or a correction, never an edit."""

from decimal import Decimal

import pytest

from billing.models import WalletEntry
from billing.selectors.wallet import wallet_balance
from billing.services.wallet import set_billing_mode, settle_debits
from billing.tests.factories import STAFF
from billing.tests.wallet.conftest import (
    DAY,
    NEXT_DAY,
    START,
    check_now,
    deliver,
    delivery_on,
    recharge,
)
from deliveries.services import confirm_stop, undo_confirmation, undo_stop
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

Kind = WalletEntry.Kind


def _entries(customer):
    return list(
        WalletEntry.objects.filter(customer=customer)
        .order_by("pk")
        .values_list("kind", "amount", "delivery_id")
    )


def test_confirming_a_prepaid_delivery_debits_it_once(prepaid):
    recharge(prepaid, "500")

    delivery = deliver(prepaid)
    deliver(prepaid)  # the same tap again: nothing changes
    check_now()

    assert _entries(prepaid)[1:] == [(Kind.DEBIT, Decimal("-60.00"), delivery.pk)]
    assert wallet_balance(prepaid.pk) == Decimal("440.00")


def test_a_postpaid_delivery_takes_nothing_from_any_wallet(postpaid):
    deliver(postpaid)
    check_now()

    assert not WalletEntry.objects.exists()


def test_a_correction_reverses_the_debit_and_debits_the_new_quantity(prepaid):
    delivery = deliver(prepaid)

    deliver(prepaid, quantity="0.5")
    check_now()

    debit = WalletEntry.objects.get(delivery=delivery, kind=Kind.DEBIT, amount=Decimal("-60.00"))
    assert _entries(prepaid) == [
        (Kind.DEBIT, Decimal("-60.00"), delivery.pk),
        (Kind.REVERSAL, Decimal("60.00"), delivery.pk),
        (Kind.DEBIT, Decimal("-30.00"), delivery.pk),
    ]
    assert debit.reversed_by.amount == Decimal("60.00")
    assert wallet_balance(prepaid.pk) == Decimal("-30.00")


def test_an_undo_or_not_delivered_reverses_the_debit(prepaid):
    first, second = deliver(prepaid, DAY), deliver(prepaid, NEXT_DAY)

    undo_confirmation(delivery=first, by=STAFF)
    deliver(prepaid, NEXT_DAY, quantity="0")  # not delivered after all
    check_now()

    assert wallet_balance(prepaid.pk) == Decimal("0.00")
    assert sorted(k for k, _, _ in _entries(prepaid)) == sorted(
        [Kind.DEBIT, Kind.DEBIT, Kind.REVERSAL, Kind.REVERSAL]
    )
    assert {d for _, _, d in _entries(prepaid)} == {first.pk, second.pk}


def test_a_whole_stop_confirmed_and_undone_settles_each_delivery(prepaid):
    delivery = delivery_on(prepaid, DAY)

    confirm_stop(quantities={delivery: Decimal("1")}, by=STAFF)
    undo_stop(deliveries=[delivery], by=STAFF)
    check_now()

    assert [k for k, _, _ in _entries(prepaid)] == [Kind.DEBIT, Kind.REVERSAL]


def test_settling_again_writes_nothing(prepaid):
    delivery = deliver(prepaid)

    assert settle_debits([delivery]) == []
    assert settle_debits([delivery, delivery]) == []
    assert WalletEntry.objects.count() == 1


def test_a_free_delivery_is_not_debited():
    # Given a prepaid customer whose product costs nothing
    free = ProductFactory(price="0")
    customer = SubscriptionFactory(product=free, quantity=Decimal("1"), start_date=START).customer
    set_billing_mode(customer=customer, mode="prepaid", effective_from=START)

    deliver(customer)
    check_now()

    assert not WalletEntry.objects.exists()
