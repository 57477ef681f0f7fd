"""The generation's low-balance hold: a prepaid customer whose wallet (less what pending
deliveries will take, plus any credit limit) does not cover the day gets nothing that
day, and one message; a recharge resumes the next generation."""

import datetime as dt
from decimal import Decimal

import pytest

from billing.services.wallet import low_balance_holds, update_wallet_settings
from billing.tests.wallet.conftest import TODAY, recharge
from deliveries.models import Delivery, Hold
from deliveries.services import generate_deliveries
from messaging.models import Message

pytestmark = pytest.mark.django_db

TOMORROW = TODAY + dt.timedelta(days=1)
AFTER = TODAY + dt.timedelta(days=2)


def _generated(customer, day):
    return list(
        Delivery.objects.filter(customer=customer, date=day, status=Delivery.Status.PENDING)
    )


def _pauses(customer):
    return Message.objects.filter(customer=customer, purpose=Message.Purpose.PAUSED_LOW_BALANCE)


def test_an_empty_wallet_holds_the_day_and_tells_the_customer_once(prepaid, postpaid):
    generate_deliveries(day=TOMORROW)
    generate_deliveries(day=TOMORROW)  # the day generated again: no second message

    assert _generated(prepaid, TOMORROW) == []
    assert Hold.objects.get(customer=prepaid).amount == Decimal("60.00")
    assert len(_generated(postpaid, TOMORROW)) == 1
    message = _pauses(prepaid).get()
    assert "₹60.00" in message.text and "₹0.00" in message.text


def test_a_wallet_that_covers_the_day_exactly_is_not_held(prepaid):
    recharge(prepaid, "60")

    generate_deliveries(day=TOMORROW)

    assert len(_generated(prepaid, TOMORROW)) == 1
    assert not _pauses(prepaid).exists()


def test_pending_deliveries_already_generated_are_counted_as_spent(prepaid):
    recharge(prepaid, "100")

    generate_deliveries(day=TOMORROW)  # 100 covers 60
    generate_deliveries(day=AFTER)  # 100 − 60 pending does not cover 60

    assert len(_generated(prepaid, TOMORROW)) == 1
    assert _generated(prepaid, AFTER) == []
    assert Hold.objects.get(customer=prepaid).date == AFTER


def test_a_credit_limit_lets_the_wallet_go_below_zero(prepaid, accounts):
    update_wallet_settings(customer=prepaid, credit_limit="100", low_balance_days=None, by=accounts)

    generate_deliveries(day=TOMORROW)

    assert len(_generated(prepaid, TOMORROW)) == 1


def test_a_recharge_resumes_at_the_next_generation(prepaid):
    generate_deliveries(day=TOMORROW)
    assert Hold.objects.filter(customer=prepaid).exists()

    recharge(prepaid, "500")
    generate_deliveries(day=TOMORROW)

    assert len(_generated(prepaid, TOMORROW)) == 1
    assert not Hold.objects.filter(customer=prepaid).exists()


def test_the_provider_holds_only_prepaid_customers_short_of_the_need(prepaid, postpaid):
    recharge(prepaid, "50")

    held = low_balance_holds(TOMORROW, {prepaid.pk: Decimal("60"), postpaid.pk: Decimal("60")})
    enough = low_balance_holds(TOMORROW, {prepaid.pk: Decimal("50")})

    assert held == {prepaid.pk: "low_balance"}
    assert enough == {}
