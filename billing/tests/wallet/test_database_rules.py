"""What PostgreSQL refuses whatever the code does: a second debit (at commit), a changed
or deleted entry, a billing line for a prepaid delivery, entries that contradict what
they point at; and each check constraint, by full_clean() and by a raw insert."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from billing.models import Bill, BillingLine, Payment, WalletEntry
from billing.services import record_payment
from billing.tests.factories import STAFF
from billing.tests.wallet.conftest import DAY, START, TODAY, check_now, deliver, recharge
from customers.tests.factories import CustomerFactory
from deliveries.services import undo_confirmation

pytestmark = pytest.mark.django_db

Kind = WalletEntry.Kind


def _second_debit(delivery):
    return WalletEntry.objects.create(
        customer_id=delivery.customer_id,
        kind=Kind.DEBIT,
        amount=Decimal("-60.00"),
        date=delivery.date,
        delivery=delivery,
    )


@pytest.mark.django_db(transaction=True)
def test_a_second_debit_for_the_same_delivery_is_refused_at_commit(prepaid):
    delivery = deliver(prepaid)

    with pytest.raises(IntegrityError, match=r"must be debited 60\.00 from the wallet, once"):  # noqa: SIM117
        with transaction.atomic():  # the insert is accepted: checked at commit
            _second_debit(delivery)

    assert WalletEntry.objects.filter(delivery=delivery).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_delivered_prepaid_delivery_without_its_debit_is_refused_at_commit(prepaid):
    delivery = deliver(prepaid, DAY)
    # With the debit writer switched off, a correction cannot commit.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("billing.receivers.settle_debits", lambda deliveries, by=None: [])
        with pytest.raises(IntegrityError, match=r"must be debited 30\.00"):
            deliver(prepaid, DAY, quantity="0.5")

    delivery.refresh_from_db()
    assert delivery.delivered_qty == Decimal("1.000")


def test_a_second_debit_is_refused_by_the_check_inside_a_transaction(prepaid):
    delivery = deliver(prepaid)

    with pytest.raises(IntegrityError), transaction.atomic():
        _second_debit(delivery)
        check_now()


@pytest.mark.parametrize("change", ["update", "delete"])
def test_an_entry_is_never_changed_or_deleted(prepaid, change):
    entry = recharge(prepaid, "100").wallet_entry

    with pytest.raises(IntegrityError, match="never changed or deleted"), transaction.atomic():
        rows = WalletEntry.objects.filter(pk=entry.pk)
        rows.update(note="edited") if change == "update" else rows.delete()

    entry.refresh_from_db()
    assert (entry.amount, entry.note) == (Decimal("100.00"), entry.note)


def test_a_billing_line_for_a_prepaid_delivery_is_refused(prepaid):
    delivery = deliver(prepaid)
    bill = Bill.objects.create(customer=prepaid, period=START)

    with pytest.raises(IntegrityError, match="prepaid on its day"), transaction.atomic():
        BillingLine.objects.create(
            bill=bill,
            delivery=delivery,
            quantity=delivery.delivered_qty,
            unit_price=delivery.unit_price,
            amount=Decimal("60.00"),
        )

    assert not BillingLine.objects.exists()


def test_a_billing_line_for_a_postpaid_delivery_is_still_accepted(postpaid):
    delivery = deliver(postpaid)
    bill = Bill.objects.create(customer=postpaid, period=START)

    BillingLine.objects.create(
        bill=bill,
        delivery=delivery,
        quantity=delivery.delivered_qty,
        unit_price=delivery.unit_price,
        amount=Decimal("60.00"),
    )

    assert BillingLine.objects.filter(delivery=delivery).exists()


def test_a_reversal_must_give_back_exactly_its_debit(prepaid):
    delivery = deliver(prepaid)
    debit = WalletEntry.objects.get(delivery=delivery)

    with pytest.raises(IntegrityError, match="gives back exactly one debit"), transaction.atomic():
        WalletEntry.objects.create(
            customer=prepaid,
            kind=Kind.REVERSAL,
            amount=Decimal("50.00"),
            date=DAY,
            delivery=delivery,
            reverses=debit,
        )


def test_a_debit_is_reversed_once_only(prepaid):
    delivery = deliver(prepaid)
    debit = WalletEntry.objects.get(delivery=delivery)
    undo_confirmation(delivery=delivery, by=STAFF)  # its reversal
    assert debit.reversed_by.kind == Kind.REVERSAL

    with pytest.raises(IntegrityError), transaction.atomic():
        WalletEntry.objects.create(
            customer=prepaid,
            kind=Kind.REVERSAL,
            amount=Decimal("60.00"),
            date=DAY,
            delivery=delivery,
            reverses=debit,
        )


def test_a_recharge_must_be_its_wallet_payment(prepaid):
    bill_payment = record_payment(customer=prepaid, amount="100", method="cash", paid_on=TODAY)

    with pytest.raises(IntegrityError, match="whole of one wallet payment"), transaction.atomic():
        WalletEntry.objects.create(
            customer=prepaid,
            kind=Kind.RECHARGE,
            amount=Decimal("100.00"),
            date=TODAY,
            payment=bill_payment,
        )


def test_a_wallet_payment_without_its_recharge_is_refused_at_commit(prepaid):
    with pytest.raises(IntegrityError, match="has no recharge entry"), transaction.atomic():
        Payment.objects.create(
            code="PA-T-1",
            customer=prepaid,
            amount=Decimal("100"),
            method="cash",
            paid_on=TODAY,
            purpose=Payment.Purpose.WALLET,
        )
        check_now()


def test_a_payments_purpose_never_changes(prepaid):
    payment = recharge(prepaid, "100")

    with pytest.raises(IntegrityError, match="wallet recharge"), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(purpose=Payment.Purpose.BILL)


# Each check constraint: refused by full_clean() and by the database.
BAD_ENTRIES = {
    "zero": {"kind": Kind.ADJUSTMENT, "amount": Decimal("0")},
    "debit without delivery": {"kind": Kind.DEBIT, "amount": Decimal("-5")},
    "positive debit": {"kind": Kind.DEBIT, "amount": Decimal("5"), "delivery": True},
    "reversal without debit": {"kind": Kind.REVERSAL, "amount": Decimal("5"), "delivery": True},
    "recharge without payment": {"kind": Kind.RECHARGE, "amount": Decimal("5")},
    "positive refund": {"kind": Kind.REFUND, "amount": Decimal("5")},
    "delivery on an adjustment": {
        "kind": Kind.ADJUSTMENT,
        "amount": Decimal("5"),
        "delivery": True,
    },
    "unknown kind": {"kind": "gift", "amount": Decimal("5")},
}


@pytest.mark.parametrize("bad", BAD_ENTRIES.values(), ids=BAD_ENTRIES.keys())
def test_each_check_constraint_refuses_a_bad_entry(prepaid, bad):
    fields = {"customer": prepaid, "date": DAY, **bad}
    if fields.pop("delivery", False):
        fields["delivery"] = deliver(prepaid)
    entry = WalletEntry(**fields)

    with pytest.raises(ValidationError):
        entry.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        WalletEntry.objects.create(**fields)


def test_one_opening_entry_per_customer():
    customer = CustomerFactory()
    opening = {"customer": customer, "kind": Kind.OPENING, "amount": Decimal("10"), "date": DAY}
    WalletEntry.objects.create(**opening)

    with pytest.raises(ValidationError):
        WalletEntry(**opening).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        WalletEntry.objects.create(**opening)
