"""The delivery summary: confirming a stop writes one message per customer, shift and day
in the same transaction; later taps rewrite it while it waits; it goes once, a settable
delay after the last tap; never a second time."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from customers.tests.factories import CustomerFactory
from deliveries.models import Delivery
from deliveries.services import (
    Confirmer,
    assign_to_route,
    confirm_delivery,
    confirm_stop,
    generate_deliveries,
    undo_stop,
)
from deliveries.services.summaries import summary_key
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird.jobs import run_queued_jobs
from messaging.models import Message
from messaging.services import set_preference
from orders.models import Order
from orders.services import LineSpec, create_subscription
from orders.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db
SUMMARY = Message.Purpose.DELIVERY_SUMMARY


class RolledBack(Exception):
    pass


@pytest.fixture
def boy():
    return DeliveryBoyFactory()


@pytest.fixture
def customer(boy):
    customer = CustomerFactory(name="Lakshmi Devi")
    assign_to_route(customer=customer, delivery_boy=boy)
    return customer


def subscribe(customer, shift=Order.Shift.MORNING):
    today = timezone.localdate()
    milk = ProductFactory(name=f"Cow milk ({shift})", unit="litre")
    curd = ProductFactory(name=f"Curd ({shift})", unit="kg")
    create_subscription(
        customer=customer,
        lines=[LineSpec(milk, Decimal("1")), LineSpec(curd, Decimal("0.5"))],
        start_date=today - dt.timedelta(days=3),
        shift=shift,
    )
    generate_deliveries(day=today)
    return list(Delivery.objects.filter(customer=customer, date=today, shift=shift).order_by("pk"))


@pytest.fixture
def stop(customer):
    return subscribe(customer)


def tap(boy, stop, *quantities, reason=""):
    return confirm_stop(
        quantities={d: Decimal(q) for d, q in zip(stop, quantities, strict=True)},
        by=Confirmer(via=Delivery.Via.DELIVERY_BOY, user=boy.user),
        reason=reason,
    )


def summaries() -> list[Message]:
    return list(Message.objects.filter(purpose=SUMMARY))


def send_jobs() -> list[ProcrastinateJob]:
    return list(ProcrastinateJob.objects.filter(task_name="messaging.send_message"))


def test_a_confirmed_stop_queues_its_summary_for_later(boy, customer, stop):
    tap(boy, stop, "1", "0.5")

    [message] = summaries()
    assert message.customer == customer
    assert message.dedupe_key == summary_key(
        customer_id=customer.pk, day=timezone.localdate(), shift="morning"
    )
    assert message.text == (
        f"Hello Lakshmi Devi, your morning delivery of {timezone.localdate():%d/%m/%Y}: "
        "delivered.\nCow milk (morning) 1 litre; Curd (morning) 0.5 kg\n– EarlyBird Dairy"
    )
    delay = message.send_after - timezone.now()
    assert dt.timedelta(minutes=14) < delay <= dt.timedelta(minutes=15)
    [job] = send_jobs()
    assert job.args == {"message_id": message.pk}


def test_the_delay_is_a_setting(boy, stop, settings):
    settings.DELIVERY_SUMMARY_DELAY_MINUTES = 40

    tap(boy, stop, "1", "0.5")

    delay = summaries()[0].send_after - timezone.now()
    assert dt.timedelta(minutes=39) < delay <= dt.timedelta(minutes=40)


def test_a_rolled_back_confirmation_leaves_no_message_and_no_job(boy, stop):
    with pytest.raises(RolledBack), transaction.atomic():
        tap(boy, stop, "1", "0.5")
        assert len(summaries()) == 1
        raise RolledBack

    assert not Message.objects.exists()
    assert not ProcrastinateJob.objects.exists()
    assert {d.status for d in Delivery.objects.filter(pk__in=[d.pk for d in stop])} == {"pending"}


def test_later_taps_rewrite_the_one_summary_and_push_it_back(boy, stop, frozen_clock):
    tap(boy, stop, "1", "0.5")
    first = summaries()[0]
    frozen_clock.shift(dt.timedelta(minutes=5))

    tap(boy, stop, "0", "0", reason=Delivery.Reason.CUSTOMER_AWAY)

    [message] = summaries()
    assert message.pk == first.pk
    assert ": not delivered.\n" in message.text
    assert "Cow milk (morning) – not delivered (you were away)" in message.text
    assert message.send_after >= first.send_after + dt.timedelta(minutes=5)
    assert len(send_jobs()) == 1  # one job; it follows the message's new time

    tap(boy, stop, "1", "0.2")
    message.refresh_from_db()
    assert ": partly delivered.\n" in message.text and "Curd (morning) 0.2/0.5 kg" in message.text


def test_it_goes_once_after_the_last_tap_and_later_taps_send_nothing_more(boy, stop, frozen_clock):
    tap(boy, stop, "1", "0.5")
    frozen_clock.shift(dt.timedelta(minutes=10))
    tap(boy, stop, "1", "0.2")  # moves the send time to 10 + 15 minutes

    frozen_clock.shift(dt.timedelta(minutes=6))  # the first time has passed, not the new one
    run_queued_jobs()
    [message] = summaries()
    assert message.status == Message.Status.QUEUED

    frozen_clock.shift(dt.timedelta(minutes=10))
    run_queued_jobs()
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert "Curd (morning) 0.2/0.5 kg" in message.text

    tap(boy, stop, "0", "0", reason=Delivery.Reason.REFUSED)
    frozen_clock.shift(dt.timedelta(minutes=30))
    run_queued_jobs()
    [message] = summaries()
    assert message.status == Message.Status.SENT
    assert "refused" not in message.text


def test_undoing_the_whole_stop_takes_the_summary_back(boy, stop):
    tap(boy, stop, "1", "0.5")

    undo_stop(deliveries=stop, by=Confirmer(via=Delivery.Via.DELIVERY_BOY, user=boy.user))

    assert summaries() == []
    run_queued_jobs(due_only=False)  # its job finds nothing to send
    assert not Message.objects.exists()


def test_each_shift_has_its_own_summary(boy, customer, stop):
    evening = subscribe(customer, Order.Shift.EVENING)

    tap(boy, stop, "1", "0.5")
    tap(boy, evening, "1", "0.5")

    keys = sorted(m.dedupe_key.rsplit(":", 1)[1] for m in summaries())
    assert keys == ["evening", "morning"]


def test_a_customer_who_does_not_want_summaries_gets_none(boy, customer, stop):
    set_preference(
        customer=customer, opted_in=True, channel="whatsapp", language="en", opted_out=[SUMMARY]
    )

    tap(boy, stop, "1", "0.5")

    assert summaries() == []


def test_a_summary_in_telugu_says_the_reason_in_telugu(boy, customer, stop):
    set_preference(customer=customer, opted_in=True, channel="whatsapp", language="te")

    tap(boy, stop, "0", "0", reason=Delivery.Reason.ADDRESS_LOCKED)

    [message] = summaries()
    assert message.language == "te"
    assert "ఉదయం" in message.text and "ఇంటికి తాళం వేసి ఉంది" in message.text


def test_a_staff_correction_of_an_earlier_day_sends_nothing(customer, stop):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    generate_deliveries(day=yesterday)
    earlier = Delivery.objects.filter(customer=customer, date=yesterday).first()

    confirm_delivery(
        delivery=earlier, delivered_qty=earlier.ordered_qty, by=Confirmer(via=Delivery.Via.STAFF)
    )

    assert summaries() == []
