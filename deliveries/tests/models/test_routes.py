"""Delivery boys (one login, one phone each) and route stops (one route per customer, one
stop per position, from 1)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from customers.tests.factories import CustomerFactory, UserFactory
from deliveries.models import DeliveryBoy, RouteStop
from deliveries.tests.factories import DeliveryBoyFactory
from deliveries.tests.models import refused_by_database, refused_by_full_clean

pytestmark = pytest.mark.django_db


# --- delivery boys: one login each, one phone each ---------------------------------


def test_it_refuses_a_second_delivery_boy_on_the_same_login():
    boy = DeliveryBoyFactory()
    twin = DeliveryBoy(user=boy.user, name="Twin", phone="8999999999")
    with pytest.raises(ValidationError) as excinfo:
        twin.full_clean()
    assert "user" in excinfo.value.message_dict
    refused_by_database(twin.save, "deliveries_deliveryboy_user_id_key")
    assert DeliveryBoy.objects.filter(user=boy.user).count() == 1


def test_it_refuses_a_second_delivery_boy_with_the_same_phone():
    boy = DeliveryBoyFactory()
    copy = DeliveryBoy(user=UserFactory(), name="Copy", phone=boy.phone)
    with pytest.raises(ValidationError) as excinfo:
        copy.full_clean()
    assert "phone" in excinfo.value.message_dict
    refused_by_database(copy.save, "deliveries_deliveryboy_phone_key")
    other = DeliveryBoyFactory()
    refused_by_database(
        lambda: DeliveryBoy.objects.filter(pk=other.pk).update(phone=boy.phone),
        "deliveries_deliveryboy_phone_key",
    )


# --- route stops: a customer on one route, one stop per position, from 1 ------------


def test_it_accepts_a_route_whose_stops_count_from_one(boy):
    for position in (1, 2):
        stop = RouteStop(delivery_boy=boy, customer=CustomerFactory(), position=position)
        stop.full_clean()
        stop.save()
    assert list(boy.stops.values_list("position", flat=True)) == [1, 2]


def test_full_clean_refuses_a_stop_at_position_zero(boy):
    refused_by_full_clean(
        RouteStop(delivery_boy=boy, customer=CustomerFactory(), position=0),
        "deliveries_routestop_position_positive",
    )


def test_the_database_refuses_a_stop_at_position_zero(boy):
    customer = CustomerFactory()
    refused_by_database(
        lambda: RouteStop.objects.create(delivery_boy=boy, customer=customer, position=0),
        "deliveries_routestop_position_positive",
    )
    stop = RouteStop.objects.create(delivery_boy=boy, customer=customer, position=1)
    refused_by_database(
        lambda: RouteStop.objects.filter(pk=stop.pk).update(position=0),
        "deliveries_routestop_position_positive",
    )
    stop.refresh_from_db()
    assert stop.position == 1


def test_it_refuses_a_negative_position(boy):
    """PositiveIntegerField's own CHECK (position >= 0); PostgreSQL tests CHECKs in name
    order, so "_position_check" answers before "_position_positive"."""
    customer = CustomerFactory()
    with pytest.raises(ValidationError) as excinfo:
        RouteStop(delivery_boy=boy, customer=customer, position=-1).full_clean()
    assert "position" in excinfo.value.message_dict
    refused_by_database(
        lambda: RouteStop.objects.create(delivery_boy=boy, customer=customer, position=-1),
        "deliveries_routestop_position_check",
    )


def test_full_clean_refuses_two_stops_at_one_position(boy):
    RouteStop.objects.create(delivery_boy=boy, customer=CustomerFactory(), position=1)
    refused_by_full_clean(
        RouteStop(delivery_boy=boy, customer=CustomerFactory(), position=1), "already exists"
    )


def test_the_database_refuses_two_stops_at_one_position_when_the_transaction_ends(boy):
    """The constraint is deferred (a reorder shifts positions in one transaction), so it
    is checked at commit; SET CONSTRAINTS ... IMMEDIATE runs that check now."""
    RouteStop.objects.create(delivery_boy=boy, customer=CustomerFactory(), position=1)
    customer = CustomerFactory()

    def second_stop_at_one_and_commit():
        RouteStop.objects.create(delivery_boy=boy, customer=customer, position=1)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS deliveries_routestop_unique_position IMMEDIATE")

    refused_by_database(second_stop_at_one_and_commit, "deliveries_routestop_unique_position")
    assert boy.stops.count() == 1


def test_two_stops_may_swap_positions_inside_one_transaction(boy):
    first = RouteStop.objects.create(delivery_boy=boy, customer=CustomerFactory(), position=1)
    second = RouteStop.objects.create(delivery_boy=boy, customer=CustomerFactory(), position=2)
    with transaction.atomic():
        RouteStop.objects.filter(pk=first.pk).update(position=2)
        RouteStop.objects.filter(pk=second.pk).update(position=1)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS deliveries_routestop_unique_position IMMEDIATE")
    assert list(boy.stops.values_list("pk", flat=True)) == [second.pk, first.pk]


def test_it_refuses_a_customer_on_two_routes(boy):
    customer = CustomerFactory()
    RouteStop.objects.create(delivery_boy=boy, customer=customer, position=1)
    other_route = DeliveryBoyFactory()
    with pytest.raises(ValidationError) as excinfo:
        RouteStop(delivery_boy=other_route, customer=customer, position=1).full_clean()
    assert "customer" in excinfo.value.message_dict
    refused_by_database(
        lambda: RouteStop.objects.create(delivery_boy=other_route, customer=customer, position=1),
        "deliveries_routestop_customer_id_key",
    )
