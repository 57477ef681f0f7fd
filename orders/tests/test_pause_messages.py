"""A pause or a skipped day is confirmed to the customer through the outbox, in the same
transaction: rolled back, nothing is sent."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from customers.tests.factories import CustomerFactory
from messaging.models import Message
from messaging.services import set_preference
from orders.models import OrderPause
from orders.services import pause_order, skip_day, update_pause
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db
PAUSE = Message.Purpose.PAUSE_CONFIRMED


class RolledBack(Exception):
    pass


@pytest.fixture
def order():
    return SubscriptionFactory(
        customer=CustomerFactory(name="Anil Kumar"),
        product=ProductFactory(name="Buffalo milk"),
        start_date=timezone.localdate() - dt.timedelta(days=30),
    )


def in_days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def confirmations() -> list[Message]:
    return list(Message.objects.filter(purpose=PAUSE).order_by("pk"))


def test_a_pause_is_confirmed_with_its_dates(order):
    pause = pause_order(order=order, start_date=in_days(2), end_date=in_days(4))

    [message] = confirmations()
    assert message.customer == order.customer
    assert message.text == (
        "Hello Anil Kumar, as you asked, there will be no delivery of Buffalo milk: "
        f"{in_days(2):%d/%m/%Y} – {in_days(4):%d/%m/%Y}. – EarlyBird Dairy"
    )
    assert message.dedupe_key == f"pause:{pause.pk}:{in_days(2)}:{in_days(4)}"
    assert ProcrastinateJob.objects.get().args == {"message_id": message.pk}


def test_an_open_pause_says_until_resumed_in_the_customers_language(order):
    set_preference(customer=order.customer, opted_in=True, channel="whatsapp", language="hi")

    pause_order(order=order, start_date=in_days(2))

    [message] = confirmations()
    assert message.language == "hi"
    assert "जब तक आप फिर से शुरू न करें" in message.text and "Buffalo milk" in message.text


def test_moving_a_pause_confirms_the_new_dates(order):
    pause = pause_order(order=order, start_date=in_days(2), end_date=in_days(4))

    update_pause(pause=pause, start_date=in_days(3), end_date=in_days(5))
    update_pause(pause=OrderPause.objects.get(), start_date=in_days(3), end_date=in_days(5))

    first, moved = confirmations()
    assert first.dedupe_key != moved.dedupe_key
    assert f"{in_days(3):%d/%m/%Y} – {in_days(5):%d/%m/%Y}" in moved.text


def test_a_skipped_day_is_confirmed_once(order):
    skip_day(order=order, day=in_days(2))
    skip_day(order=order, day=in_days(2))

    [message] = confirmations()
    assert f"Buffalo milk: {in_days(2):%d/%m/%Y}. " in message.text
    assert message.dedupe_key == f"skip:{order.pk}:{in_days(2)}"


def test_a_rolled_back_pause_sends_nothing(order):
    with pytest.raises(RolledBack), transaction.atomic():
        pause_order(order=order, start_date=in_days(2), end_date=in_days(4))
        assert len(confirmations()) == 1
        raise RolledBack

    assert not OrderPause.objects.exists()
    assert not Message.objects.exists() and not ProcrastinateJob.objects.exists()


def test_a_customer_who_opted_out_gets_no_confirmation(order):
    set_preference(customer=order.customer, opted_in=False, channel="whatsapp", language="en")

    skip_day(order=order, day=in_days(2))

    assert confirmations() == []
