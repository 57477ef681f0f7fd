"""billing.services.handovers.confirm_handover: once per boy and day, accounts staff and
admins only, the amount collected or a note saying why not; and the model's rules,
kept by full_clean and by the database alike."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.models import CashHandover, Payment
from billing.services import record_payment
from billing.services.handovers import confirm_handover
from customers.tests.factories import CustomerFactory
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird import roles
from web.tests.reports import TODAY

pytestmark = pytest.mark.django_db

D = Decimal
DAY = dt.date(2026, 11, 17)


@pytest.fixture
def boy():
    """Ravi collected ₹250.00 in cash on the 17th (two payments)."""
    ravi = DeliveryBoyFactory(name="Ravi")
    for amount in ("200.00", "50.00"):
        record_payment(
            customer=CustomerFactory(),
            amount=D(amount),
            method=Payment.Method.CASH,
            paid_on=DAY,
            received_by=ravi.user,
            by=ravi.user,
        )
    return ravi


def test_it_records_what_he_handed_over_and_what_he_had_collected(boy, accounts):
    handover = confirm_handover(boy=boy, day=DAY, amount=D("250.00"), by=accounts)

    handover.refresh_from_db()
    assert (handover.amount, handover.collected, handover.note) == (D("250.00"), D("250.00"), "")
    assert handover.confirmed_by == accounts
    assert timezone.localdate(handover.confirmed_at) == TODAY


def test_an_admin_may_confirm_too(boy, cast):
    handover = confirm_handover(boy=boy, day=DAY, amount=D("250.00"), by=cast[roles.ADMIN])

    assert handover.confirmed_by == cast[roles.ADMIN]


def test_a_boys_day_is_confirmed_once(boy, accounts, cast):
    confirm_handover(boy=boy, day=DAY, amount=D("250.00"), by=accounts)

    with pytest.raises(ValidationError, match="already confirmed"):
        confirm_handover(boy=boy, day=DAY, amount=D("250.00"), by=cast[roles.ADMIN])
    assert CashHandover.objects.count() == 1


@pytest.mark.parametrize("role", [roles.SUPPORT, roles.MARKETING])
def test_other_staff_may_not_confirm(boy, cast, role):
    with pytest.raises(PermissionDenied):
        confirm_handover(boy=boy, day=DAY, amount=D("250.00"), by=cast[role])
    assert not CashHandover.objects.exists()


def test_the_delivery_boy_may_not_confirm_his_own(boy):
    with pytest.raises(PermissionDenied):
        confirm_handover(boy=boy, day=DAY, amount=D("250.00"), by=boy.user)
    assert not CashHandover.objects.exists()


def test_another_amount_needs_a_note(boy, accounts):
    with pytest.raises(ValidationError) as refused:
        confirm_handover(boy=boy, day=DAY, amount=D("240.00"), by=accounts)
    assert refused.value.message_dict == {
        "note": ["He collected ₹250.00 and hands over ₹240.00: say why they differ."]
    }
    assert not CashHandover.objects.exists()

    handover = confirm_handover(
        boy=boy, day=DAY, amount=D("240.00"), note="  ₹10 spent on ice  ", by=accounts
    )
    assert (handover.amount, handover.collected, handover.note) == (
        D("240.00"),
        D("250.00"),
        "₹10 spent on ice",
    )


@pytest.mark.parametrize(
    ("day", "amount", "field"),
    [
        (TODAY + dt.timedelta(days=1), "0.00", "day"),  # a day to come
        (dt.date(1999, 12, 31), "0.00", "day"),  # out of bounds
        (DAY, "-1.00", "amount"),
        (DAY, "250.001", "amount"),
        (DAY, "99999999999", "amount"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(boy, accounts, day, amount, field):
    with pytest.raises(ValidationError) as refused:
        confirm_handover(boy=boy, day=day, amount=D(amount), note="n", by=accounts)
    assert field in refused.value.message_dict
    assert not CashHandover.objects.exists()


def test_a_day_with_nothing_collected_and_nothing_handed_over_is_refused(boy, accounts):
    with pytest.raises(ValidationError, match="nothing to confirm"):
        confirm_handover(boy=boy, day=DAY - dt.timedelta(days=1), amount=D("0"), by=accounts)


def test_money_handed_over_for_a_day_without_collections_needs_a_note(boy, accounts):
    earlier = DAY - dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="say why"):
        confirm_handover(boy=boy, day=earlier, amount=D("30.00"), by=accounts)

    handover = confirm_handover(
        boy=boy, day=earlier, amount=D("30.00"), note="Old dues he had kept", by=accounts
    )
    assert handover.collected == D("0.00")


# --- the model's rules, twice: full_clean and the database -------------------------------


def handover(boy, accounts, **values) -> CashHandover:
    fields = {
        "delivery_boy": boy,
        "day": DAY,
        "amount": D("250.00"),
        "collected": D("250.00"),
        "confirmed_by": accounts,
        "confirmed_at": timezone.now(),
        **values,
    }
    return CashHandover(**fields)


@pytest.mark.parametrize(
    "values",
    [
        {"amount": D("200.00")},  # differs, no note
        {"amount": D("-1.00"), "collected": D("-1.00")},
    ],
)
def test_the_models_checks_refuse_in_full_clean_and_in_the_database(boy, accounts, values):
    with pytest.raises(ValidationError):
        handover(boy, accounts, **values).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        CashHandover.objects.create(**vars_of(handover(boy, accounts, **values)))


def test_one_per_boy_and_day_in_full_clean_and_in_the_database(boy, accounts):
    handover(boy, accounts).save()

    with pytest.raises(ValidationError, match="already confirmed"):
        handover(boy, accounts).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        CashHandover.objects.create(**vars_of(handover(boy, accounts)))


def vars_of(instance: CashHandover) -> dict:
    return {
        field: getattr(instance, field)
        for field in (
            "delivery_boy",
            "day",
            "amount",
            "collected",
            "note",
            "confirmed_by",
            "confirmed_at",
        )
    }
