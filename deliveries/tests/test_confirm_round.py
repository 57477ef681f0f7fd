"""confirm_round: a whole round confirmed at once, by the rules of a confirmation."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from deliveries.models import Delivery
from deliveries.services import (
    Confirmer,
    Handover,
    assign_to_route,
    confirm_round,
    generate_deliveries,
)
from deliveries.tests.factories import DeliveryBoyFactory
from messaging.models import Message
from orders.models import Order
from orders.tests.factories import OneTimeOrderFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 2, 10)
IST = timezone.get_fixed_timezone(330)


def at(hour: int, minute: int, day: dt.date = TODAY) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=IST)


@pytest.fixture
def boy():
    return DeliveryBoyFactory()


def by_boy(boy) -> Confirmer:
    return Confirmer(via=Delivery.Via.DELIVERY_BOY, user=boy.user, user_agent="Android")


def route(boy, count: int, *, day: dt.date = TODAY, quantity: str = "2") -> list[Delivery]:
    """`count` customers on the boy's route, each with a delivery on `day`."""
    for _ in range(count):
        order = SubscriptionFactory(start_date=day, quantity=Decimal(quantity))
        assign_to_route(customer=order.customer, delivery_boy=boy)
    generate_deliveries(day=day)
    return list(Delivery.objects.filter(date=day).order_by("pk"))


def test_a_round_confirms_each_delivery_as_handed_over_at_its_time(boy):
    full, part, missed = route(boy, 3)

    changed = confirm_round(
        handovers=[
            Handover(full, 2, at=at(6, 1)),
            Handover(part, "1", at=at(6, 4)),
            Handover(missed, 0, reason="address_locked", reason_note="Gate shut", at=at(6, 9)),
        ],
        by=by_boy(boy),
        today=TODAY,
    )

    assert {d.pk for d in changed} == {full.pk, part.pk, missed.pk}
    rows = Delivery.objects.filter(pk__in=[full.pk, part.pk, missed.pk]).order_by("pk")
    assert [(d.status, d.delivered_qty, d.reason, d.confirmed_at) for d in rows] == [
        (Delivery.Status.DELIVERED, Decimal(2), "", at(6, 1)),
        (Delivery.Status.PARTIAL, Decimal(1), "", at(6, 4)),
        (Delivery.Status.NOT_DELIVERED, Decimal(0), "address_locked", at(6, 9)),
    ]
    assert {(d.confirmed_by, d.confirmed_via, d.confirmed_user_agent) for d in rows} == {
        (boy.user, Delivery.Via.DELIVERY_BOY, "Android")
    }
    # One history row each, as a save would write, by the boy.
    for delivery in rows:
        assert list(
            delivery.history.values_list("history_type", "status", "history_user", "reason_note")
        ) == [("~", delivery.status, boy.user.pk, delivery.reason_note)]


def test_a_round_is_confirmed_whole_or_not_at_all(boy):
    fine, unexplained = route(boy, 2)

    with pytest.raises(ValidationError, match="Say why"):
        confirm_round(
            handovers=[Handover(fine, 2), Handover(unexplained, 0)], by=by_boy(boy), today=TODAY
        )
    with pytest.raises(ValidationError, match="between 0 and the 2 ordered"):
        confirm_round(
            handovers=[Handover(fine, 2), Handover(unexplained, 3)], by=by_boy(boy), today=TODAY
        )
    with pytest.raises(ValidationError, match="twice"):
        confirm_round(handovers=[Handover(fine, 2), Handover(fine, 1)], by=by_boy(boy), today=TODAY)

    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.PENDING}


def test_a_boy_confirms_only_todays_round_and_staff_no_day_to_come(boy):
    [yesterdays] = route(boy, 1, day=TODAY - dt.timedelta(days=1))
    generate_deliveries(day=TODAY + dt.timedelta(days=1))
    tomorrows = Delivery.objects.get(date=TODAY + dt.timedelta(days=1))
    staff = Confirmer(via=Delivery.Via.STAFF, user=boy.user)

    with pytest.raises(ValidationError, match="only today's deliveries"):
        confirm_round(handovers=[Handover(yesterdays, 2)], by=by_boy(boy), today=TODAY)
    with pytest.raises(ValidationError, match="a day still to come"):
        confirm_round(handovers=[Handover(tomorrows, 2)], by=staff, today=TODAY)
    confirm_round(handovers=[Handover(yesterdays, 2)], by=staff, today=TODAY)

    yesterdays.refresh_from_db()
    assert (yesterdays.status, yesterdays.confirmed_via) == ("delivered", Delivery.Via.STAFF)


def test_a_handover_time_still_to_come_is_refused(boy):
    [delivery] = route(boy, 1, day=timezone.localdate())

    with pytest.raises(ValidationError, match="in the future"):
        confirm_round(
            handovers=[Handover(delivery, 2, at=timezone.now() + dt.timedelta(hours=1))],
            by=by_boy(boy),
        )

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING


def test_the_same_round_twice_changes_nothing(boy):
    deliveries = route(boy, 2)
    handovers = [Handover(d, 2, at=at(6, 0)) for d in deliveries]
    confirm_round(handovers=handovers, by=by_boy(boy), today=TODAY)

    again = confirm_round(handovers=handovers, by=by_boy(boy), today=TODAY)

    assert again == []
    assert all(d.history.count() == 1 for d in deliveries)


def test_a_one_time_order_confirmed_in_a_round_is_delivered(boy):
    order = OneTimeOrderFactory(delivery_date=TODAY)
    assign_to_route(customer=order.customer, delivery_boy=boy)
    generate_deliveries(day=TODAY)
    [delivery] = Delivery.objects.filter(order=order)

    confirm_round(handovers=[Handover(delivery, 2)], by=by_boy(boy), today=TODAY)

    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED


def test_todays_round_writes_one_summary_per_customer(boy):
    deliveries = route(boy, 3, day=timezone.localdate())

    confirm_round(handovers=[Handover(d, 2) for d in deliveries], by=by_boy(boy))

    summaries = Message.objects.filter(purpose=Message.Purpose.DELIVERY_SUMMARY)
    assert sorted(summaries.values_list("customer", flat=True)) == sorted(
        d.customer_id for d in deliveries
    )


def test_its_queries_do_not_grow_with_the_round(boy):
    tomorrow = TODAY + dt.timedelta(days=1)
    small, large = route(boy, 2), route(boy, 4, day=tomorrow)  # tomorrow: all six

    with CaptureQueriesContext(connection) as few:
        confirm_round(handovers=[Handover(d, 2) for d in small], by=by_boy(boy), today=TODAY)
    with CaptureQueriesContext(connection) as many:
        confirm_round(handovers=[Handover(d, 2) for d in large], by=by_boy(boy), today=tomorrow)

    assert len(large) > len(small)
    assert len(many) == len(few)
