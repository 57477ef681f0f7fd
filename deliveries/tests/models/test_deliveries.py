"""Invariant 2: a delivery's order, line, product and customer are set and agree; one row
per (line, date, shift)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from customers.tests.factories import CustomerFactory
from deliveries.models import Delivery
from deliveries.tests.models import (
    CANCELLED,
    DELIVERED,
    JAN_10,
    NOT_DELIVERED,
    PARTIAL,
    PENDING,
    confirmed,
    delivery_fields,
    refused_by_database,
    refused_by_full_clean,
)
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


# --- a valid delivery, so the refusals below mean something -----------------------


@pytest.mark.parametrize(
    "state",
    [
        {},
        confirmed(DELIVERED, "2"),
        confirmed(PARTIAL, "0.5"),
        confirmed(NOT_DELIVERED, "0"),
        {"status": CANCELLED},
    ],
    ids=["pending", "delivered", "partial", "not-delivered", "cancelled"],
)
def test_it_accepts_a_delivery_whose_status_agrees_with_its_quantities(order, state):
    delivery = Delivery(**delivery_fields(order, **state))
    delivery.full_clean()
    delivery.save()
    delivery.refresh_from_db()
    assert delivery.status == state.get("status", PENDING)


# --- invariant 2: not-null order and product --------------------------------------


@pytest.mark.parametrize("field", ["order", "order_line", "product", "customer"])
def test_full_clean_refuses_a_delivery_without_its(order, field):
    delivery = Delivery(**delivery_fields(order, **{field: None}))
    with pytest.raises(ValidationError) as excinfo:
        delivery.full_clean()
    assert field in excinfo.value.message_dict


@pytest.mark.parametrize("field", ["order", "order_line", "product", "customer"])
def test_the_database_refuses_a_delivery_without_its(order, field):
    refused_by_database(
        lambda: Delivery.objects.create(**delivery_fields(order, **{field: None})),
        f"{field}_id",
    )
    assert not Delivery.objects.exists()


# --- invariant 2: one row per (order line, date, shift) ---------------------------


def test_full_clean_refuses_a_second_delivery_of_a_line_on_the_same_date_and_shift(order):
    Delivery.objects.create(**delivery_fields(order))
    refused_by_full_clean(Delivery(**delivery_fields(order)), "already exists")


def test_the_database_refuses_a_second_delivery_of_a_line_on_the_same_date_and_shift(order):
    Delivery.objects.create(**delivery_fields(order))
    refused_by_database(
        lambda: Delivery.objects.create(**delivery_fields(order)),
        "deliveries_delivery_one_per_line_day",
    )
    assert Delivery.objects.count() == 1


def test_the_same_line_may_be_delivered_on_another_shift_or_date(order):
    Delivery.objects.create(**delivery_fields(order))
    Delivery.objects.create(**delivery_fields(order, shift="evening"))
    Delivery.objects.create(**delivery_fields(order, date=JAN_10 + dt.timedelta(days=1)))
    assert Delivery.objects.count() == 3


def test_the_database_refuses_moving_a_delivery_onto_a_taken_date(order):
    Delivery.objects.create(**delivery_fields(order))
    other = Delivery.objects.create(**delivery_fields(order, date=dt.date(2026, 1, 11)))
    refused_by_database(
        lambda: Delivery.objects.filter(pk=other.pk).update(date=JAN_10),
        "deliveries_delivery_one_per_line_day",
    )


# --- invariant 2: order, line, product and customer agree (composite FKs) ---------


def test_the_database_refuses_a_delivery_whose_product_is_not_its_lines(order):
    refused_by_database(
        lambda: Delivery.objects.create(**delivery_fields(order, product=ProductFactory())),
        "deliveries_delivery_line_matches_order_product",
    )
    assert not Delivery.objects.exists()


def test_the_database_refuses_a_delivery_whose_line_is_not_on_its_order(order):
    other_line = SubscriptionFactory(customer=order.customer).lines.get()
    refused_by_database(
        lambda: Delivery.objects.create(
            **delivery_fields(order, order_line=other_line, product=other_line.product)
        ),
        "deliveries_delivery_line_matches_order_product",
    )


def test_the_database_refuses_a_delivery_whose_customer_is_not_its_orders(order):
    refused_by_database(
        lambda: Delivery.objects.create(**delivery_fields(order, customer=CustomerFactory())),
        "deliveries_delivery_order_matches_customer",
    )
    assert not Delivery.objects.exists()


def test_the_database_refuses_changing_a_deliverys_product_or_customer_alone(order):
    delivery = Delivery.objects.create(**delivery_fields(order))
    refused_by_database(
        lambda: Delivery.objects.filter(pk=delivery.pk).update(product=ProductFactory()),
        "deliveries_delivery_line_matches_order_product",
    )
    refused_by_database(
        lambda: Delivery.objects.filter(pk=delivery.pk).update(customer=CustomerFactory()),
        "deliveries_delivery_order_matches_customer",
    )
    delivery.refresh_from_db()
    assert (delivery.product_id, delivery.customer_id) == (
        order.lines.get().product_id,
        order.customer_id,
    )


def test_the_database_refuses_moving_an_order_to_another_customer_under_its_deliveries(order):
    Delivery.objects.create(**delivery_fields(order))
    refused_by_database(
        lambda: type(order).objects.filter(pk=order.pk).update(customer=CustomerFactory()),
        "deliveries_delivery_order_matches_customer",
    )
