import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from deliveries.models import Delivery
from deliveries.services import (
    Confirmer,
    assign_to_route,
    confirm_delivery,
    confirm_stop,
    generate_deliveries,
    undo_confirmation,
    undo_stop,
)
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird.tests.concurrency import Holder, Worker, wait_until_blocked
from orders.models import Order
from orders.services import set_price
from orders.tests.factories import OneTimeOrderFactory, ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 2, 10)


def boy_confirmer(boy) -> Confirmer:
    return Confirmer(
        via=Delivery.Via.DELIVERY_BOY,
        user=boy.user,
        ip="10.0.0.7",
        user_agent="Mozilla/5.0 (Linux; Android 10)",
    )


@pytest.fixture
def boy():
    return DeliveryBoyFactory()


@pytest.fixture
def delivery(boy):
    order = SubscriptionFactory(start_date=TODAY, quantity=Decimal("2"))
    assign_to_route(customer=order.customer, delivery_boy=boy)
    generate_deliveries(day=TODAY)
    return Delivery.objects.get(order=order)


def test_a_full_delivery_records_who_via_what_when_and_from_where(delivery, boy):
    confirmed = confirm_delivery(
        delivery=delivery, delivered_qty=Decimal("2"), by=boy_confirmer(boy), today=TODAY
    )
    confirmed.refresh_from_db()
    assert confirmed.status == Delivery.Status.DELIVERED
    assert (confirmed.confirmed_by, confirmed.confirmed_via) == (
        boy.user,
        Delivery.Via.DELIVERY_BOY,
    )
    assert confirmed.confirmed_at is not None
    assert (confirmed.confirmed_ip, confirmed.confirmed_user_agent) == (
        "10.0.0.7",
        "Mozilla/5.0 (Linux; Android 10)",
    )
    # Generation writes in bulk (no history row); the confirmation is in the history.
    assert list(confirmed.history.values_list("status", "confirmed_via")) == [
        ("delivered", "delivery_boy")
    ]


def test_a_partial_delivery_sets_the_status_from_the_quantity(delivery, boy):
    confirm_delivery(delivery=delivery, delivered_qty="1.5", by=boy_confirmer(boy), today=TODAY)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.delivered_qty) == (Delivery.Status.PARTIAL, Decimal("1.5"))


def test_not_delivered_needs_a_reason(delivery, boy):
    with pytest.raises(ValidationError, match="why"):
        confirm_delivery(delivery=delivery, delivered_qty=0, by=boy_confirmer(boy), today=TODAY)
    confirm_delivery(
        delivery=delivery,
        delivered_qty=0,
        reason=Delivery.Reason.CUSTOMER_AWAY,
        by=boy_confirmer(boy),
        today=TODAY,
    )
    delivery.refresh_from_db()
    assert (delivery.status, delivery.reason) == (Delivery.Status.NOT_DELIVERED, "customer_away")


@pytest.mark.parametrize("quantity", ["2.001", "3", "-1", "abc", "NaN"])
def test_a_quantity_outside_0_to_ordered_is_refused_with_a_message_and_no_write(
    delivery, boy, quantity
):
    before = Delivery.objects.filter(pk=delivery.pk).values().get()
    with pytest.raises(ValidationError) as excinfo:
        confirm_delivery(
            delivery=delivery, delivered_qty=quantity, by=boy_confirmer(boy), today=TODAY
        )
    assert "delivered_qty" in excinfo.value.message_dict
    assert Delivery.objects.filter(pk=delivery.pk).values().get() == before


def test_a_delivery_boy_can_only_confirm_the_deliverys_own_day(delivery, boy):
    with pytest.raises(ValidationError, match="only today's deliveries"):
        confirm_delivery(
            delivery=delivery,
            delivered_qty=2,
            by=boy_confirmer(boy),
            today=TODAY + dt.timedelta(days=1),
        )
    staff = Confirmer(via=Delivery.Via.STAFF, user=boy.user)
    confirm_delivery(
        delivery=delivery, delivered_qty=2, by=staff, today=TODAY + dt.timedelta(days=3)
    )
    delivery.refresh_from_db()
    assert delivery.confirmed_via == Delivery.Via.STAFF


def test_nobody_confirms_a_day_still_to_come(delivery):
    staff = Confirmer(via=Delivery.Via.STAFF)
    with pytest.raises(ValidationError, match="still to come"):
        confirm_delivery(
            delivery=delivery, delivered_qty=2, by=staff, today=TODAY - dt.timedelta(days=1)
        )


def test_confirming_twice_with_the_same_values_is_harmless(delivery, boy):
    first = confirm_delivery(delivery=delivery, delivered_qty=2, by=boy_confirmer(boy), today=TODAY)
    second = confirm_delivery(
        delivery=delivery, delivered_qty=2, by=boy_confirmer(boy), today=TODAY
    )
    assert second.confirmed_at == first.confirmed_at
    assert delivery.history.count() == 1, "the second tap wrote nothing"


def test_undo_puts_a_stop_back_to_pending(delivery, boy):
    confirm_delivery(delivery=delivery, delivered_qty=1, by=boy_confirmer(boy), today=TODAY)
    undo_confirmation(delivery=delivery, by=boy_confirmer(boy), today=TODAY)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.delivered_qty, delivery.confirmed_at) == (
        Delivery.Status.PENDING,
        Decimal("0"),
        None,
    )


def test_a_one_time_order_becomes_delivered_when_all_its_deliveries_are_confirmed(boy):
    order = OneTimeOrderFactory(delivery_date=TODAY)
    second = ProductFactory()
    order.lines.create(product=second, quantity=Decimal("1"))
    generate_deliveries(day=TODAY)
    first_delivery, second_delivery = Delivery.objects.filter(order=order).order_by("pk")
    confirm_delivery(delivery=first_delivery, delivered_qty=2, by=boy_confirmer(boy), today=TODAY)
    order.refresh_from_db()
    assert order.status == Order.Status.PLACED
    confirm_delivery(
        delivery=second_delivery,
        delivered_qty=0,
        reason="refused",
        by=boy_confirmer(boy),
        today=TODAY,
    )
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED
    undo_confirmation(delivery=second_delivery, by=boy_confirmer(boy), today=TODAY)
    order.refresh_from_db()
    assert order.status == Order.Status.PLACED


def test_a_cancelled_delivery_cannot_be_confirmed(delivery, boy):
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.CANCELLED)
    with pytest.raises(ValidationError, match="cancelled"):
        confirm_delivery(delivery=delivery, delivered_qty=2, by=boy_confirmer(boy), today=TODAY)


# --- at the same time ----------------------------------------------------------------
#
# Each test forces its interleaving: one side holds its locks in an open transaction, the
# other starts and is seen waiting in PostgreSQL, then the first commits. Each fails with
# the lock it is about removed (see earlybird/tests/concurrency.py).


@pytest.mark.django_db(transaction=True)
def test_eight_devices_confirming_at_once_leave_one_consistent_confirmation():
    """The same stop tapped on eight devices (a retrying phone, a second phone, the
    office): the first holds the stop; the seven others wait, then find it confirmed with
    the same values and write nothing. One confirmation remains: the first one's."""
    today = timezone.localdate()
    boy = DeliveryBoyFactory()
    order = SubscriptionFactory(start_date=today, quantity=Decimal("4"))
    assign_to_route(customer=order.customer, delivery_boy=boy)
    generate_deliveries(day=today)
    delivery = Delivery.objects.get(order=order)

    def tap(device: int):
        by = Confirmer(via=Delivery.Via.DELIVERY_BOY, user=boy.user, user_agent=f"device {device}")
        return lambda: confirm_delivery(delivery=delivery, delivered_qty="4", by=by)

    first = Holder(tap(0), name="device 0")
    first.start_and_hold()
    others = [Worker(tap(n), name=f"device {n}") for n in range(1, 8)]
    for device in others:
        device.start()
    waited = wait_until_blocked(*others)
    first.release()
    for device in (first, *others):
        device.finish()

    assert [device.error for device in (first, *others)] == [None] * 8
    delivery.refresh_from_db()
    assert (delivery.status, delivery.delivered_qty) == (Delivery.Status.DELIVERED, Decimal(4))
    assert delivery.confirmed_user_agent == "device 0", "a later tap overwrote the first"
    assert delivery.confirmed_at == first.result.confirmed_at
    assert {device.result.confirmed_user_agent for device in others} == {"device 0"}
    assert delivery.history.filter(status=Delivery.Status.DELIVERED).count() == 1
    assert all(waited.values()), f"some devices never waited: {waited}"


@pytest.mark.django_db(transaction=True)
def test_a_confirmation_waiting_for_generation_keeps_the_price_generation_wrote():
    """Generation (a price change effective today) holds the stop's row; the boy
    confirms meanwhile, waits for it, and then saves over the fresh row, not a stale copy."""
    today = timezone.localdate()
    boy = DeliveryBoyFactory()
    milk = ProductFactory(price="60.00")
    order = SubscriptionFactory(product=milk, quantity=Decimal("2"), start_date=today)
    assign_to_route(customer=order.customer, delivery_boy=boy)
    generate_deliveries(day=today)
    delivery = Delivery.objects.get(order=order)

    # A price change effective today re-prices today's pending rows (the refresh is
    # generation's update) and holds them while the boy confirms.
    generation = Holder(
        lambda: set_price(product=milk, price=Decimal("65.00"), effective_from=today),
        name="generation",
    )
    generation.start_and_hold()
    confirmation = Worker(
        lambda: confirm_delivery(delivery=delivery, delivered_qty=2, by=boy_confirmer(boy)),
        name="confirmation",
    )
    confirmation.start()
    waited = wait_until_blocked(confirmation)
    generation.release()
    generation.finish()
    confirmation.finish()

    assert generation.error is None
    assert confirmation.error is None
    delivery.refresh_from_db()
    assert (delivery.status, delivery.delivered_qty) == (Delivery.Status.DELIVERED, Decimal(2))
    assert delivery.unit_price == Decimal("65.00"), "the confirmation wrote back the old price"
    assert waited == {"confirmation": True}


@pytest.mark.django_db(transaction=True)
def test_two_products_of_a_one_time_order_confirmed_at_once_deliver_the_order():
    """Two stops' products of one one-time order confirmed from two devices: the second
    waits for the first (the order's row lock), then sees both confirmed."""
    today = timezone.localdate()
    boy = DeliveryBoyFactory()
    order = OneTimeOrderFactory(delivery_date=today)
    order.lines.create(product=ProductFactory(), quantity=Decimal("1"))
    assign_to_route(customer=order.customer, delivery_boy=boy)
    generate_deliveries(day=today)
    first_delivery, second_delivery = Delivery.objects.filter(order=order).order_by("pk")

    first = Holder(
        lambda: confirm_delivery(delivery=first_delivery, delivered_qty=2, by=boy_confirmer(boy)),
        name="first",
    )
    first.start_and_hold()
    second = Worker(
        lambda: confirm_delivery(delivery=second_delivery, delivered_qty=1, by=boy_confirmer(boy)),
        name="second",
    )
    second.start()
    waited = wait_until_blocked(second)
    first.release()
    first.finish()
    second.finish()

    assert (first.error, second.error) == (None, None)
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED, "each device saw the other stop pending"
    assert waited == {"second": True}


def test_the_admin_action_confirms_through_the_service(admin_client, delivery):
    from django.urls import reverse

    Delivery.objects.filter(pk=delivery.pk).update(date=timezone.localdate())
    response = admin_client.post(
        reverse("admin:deliveries_delivery_changelist"),
        {"action": "mark_delivered", "_selected_action": [delivery.pk]},
        follow=True,
    )
    assert "Confirmed 1 delivery(ies)." in response.content.decode()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.confirmed_via) == ("delivered", "staff")
    assert delivery.confirmed_by.is_superuser


@pytest.mark.parametrize("action", ["confirm", "undo"])
def test_a_stop_locks_all_its_orders_before_any_of_its_deliveries(boy, action):
    """Never an order after a delivery (earlybird/locks.py): a stop of two subscriptions
    locks both orders, then both deliveries."""
    customer = SubscriptionFactory(start_date=TODAY).customer
    SubscriptionFactory(customer=customer, start_date=TODAY)
    assign_to_route(customer=customer, delivery_boy=boy)
    generate_deliveries(day=TODAY)
    deliveries = list(Delivery.objects.filter(customer=customer))
    by = boy_confirmer(boy)
    if action == "undo":
        confirm_stop(quantities={d: d.ordered_qty for d in deliveries}, by=by, today=TODAY)

    with CaptureQueriesContext(connection) as queries:
        if action == "confirm":
            confirm_stop(quantities={d: d.ordered_qty for d in deliveries}, by=by, today=TODAY)
        else:
            undo_stop(deliveries=deliveries, by=by, today=TODAY)

    locks = [q["sql"] for q in queries if "FOR NO KEY UPDATE" in q["sql"]]
    # First every order of the stop, then every delivery, in one statement each; the
    # confirmations after that lock only rows already held, so they never wait.
    orders, rows = locks[0], locks[1]
    assert 'FROM "orders_order"' in orders and 'FROM "deliveries_delivery"' in rows
    assert ids_in(orders, "orders_order") == {d.order_id for d in deliveries}, orders
    assert ids_in(rows, "deliveries_delivery") == {d.pk for d in deliveries}, rows


def ids_in(sql: str, table: str) -> set[int]:
    """The primary keys a statement's WHERE names: `"table"."id" IN (…)` or `= n`."""
    match = re.search(rf'"{table}"\."id" (?:IN \(([\d, ]+)\)|= (\d+))', sql)
    return {int(pk) for pk in (match[1] or match[2]).split(",")} if match else set()
