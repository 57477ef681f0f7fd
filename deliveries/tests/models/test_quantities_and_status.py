"""Invariant 3: 0 <= delivered <= ordered; the status agrees with the quantities and a
confirmation records when and how. Delivery codes are unique."""

from decimal import Decimal

import pytest
from django.db.models import F

from deliveries.models import Delivery
from deliveries.tests.factories import DeliveryBoyFactory
from deliveries.tests.models import (
    CANCELLED,
    DELIVERED,
    NOT_DELIVERED,
    PARTIAL,
    PENDING,
    confirmed,
    delivery_fields,
    refused_by_database,
    refused_by_full_clean,
)

pytestmark = pytest.mark.django_db


# --- invariant 3: 0 <= delivered_qty <= ordered_qty --------------------------------


def test_full_clean_refuses_a_delivered_quantity_above_ordered(order):
    delivery = Delivery(**delivery_fields(order, **confirmed(DELIVERED, "2.5")))
    refused_by_full_clean(delivery, "deliveries_delivery_delivered_within_ordered")


def test_it_refuses_a_delivered_quantity_above_ordered(order):
    refused_by_database(
        lambda: Delivery.objects.create(**delivery_fields(order, **confirmed(PARTIAL, "2.001"))),
        "deliveries_delivery_delivered_within_ordered",
    )
    delivery = Delivery.objects.create(**delivery_fields(order, **confirmed(DELIVERED, "2")))
    refused_by_database(
        lambda: Delivery.objects.filter(pk=delivery.pk).update(delivered_qty=Decimal("3")),
        "deliveries_delivery_delivered_within_ordered",
    )
    delivery.refresh_from_db()
    assert delivery.delivered_qty == Decimal("2")


def test_full_clean_refuses_a_negative_delivered_quantity(order):
    delivery = Delivery(**delivery_fields(order, **confirmed(NOT_DELIVERED, "-1")))
    refused_by_full_clean(delivery, "deliveries_delivery_delivered_within_ordered")


def test_the_database_refuses_a_negative_delivered_quantity(order):
    refused_by_database(
        lambda: Delivery.objects.create(**delivery_fields(order, **confirmed(NOT_DELIVERED, "-1"))),
        "deliveries_delivery_delivered_within_ordered",
    )


@pytest.mark.parametrize("ordered_qty", [Decimal("0"), Decimal("-1")])
def test_it_refuses_an_ordered_quantity_that_is_not_above_zero(order, ordered_qty):
    refused_by_full_clean(
        Delivery(**delivery_fields(order, ordered_qty=ordered_qty)),
        "deliveries_delivery_ordered_positive",
    )
    # Below zero, "delivered 0 <= ordered" fails as well; PostgreSQL names either one.
    refused_by_database(
        lambda: Delivery.objects.create(**delivery_fields(order, ordered_qty=ordered_qty)),
        "deliveries_delivery_(ordered_positive|delivered_within_ordered)",
    )


def test_it_refuses_a_negative_unit_price(order):
    refused_by_full_clean(
        Delivery(**delivery_fields(order, unit_price=Decimal("-1"))),
        "deliveries_delivery_price_not_negative",
    )
    refused_by_database(
        lambda: Delivery.objects.create(**delivery_fields(order, unit_price=Decimal("-1"))),
        "deliveries_delivery_price_not_negative",
    )


# --- invariant 3: the status agrees with the quantities ---------------------------

STATUS_DISAGREES = [
    pytest.param(confirmed(DELIVERED, "1.5"), id="delivered-less-than-ordered"),
    pytest.param(confirmed(DELIVERED, "0"), id="delivered-nothing"),
    pytest.param(confirmed(PARTIAL, "2"), id="partial-the-full-quantity"),
    pytest.param(confirmed(PARTIAL, "0"), id="partial-nothing"),
    pytest.param(confirmed(NOT_DELIVERED, "1"), id="not-delivered-with-a-quantity"),
    pytest.param({"status": PENDING, "delivered_qty": Decimal("1")}, id="pending-with-a-qty"),
    pytest.param({"status": CANCELLED, "delivered_qty": Decimal("2")}, id="cancelled-with-a-qty"),
]


@pytest.mark.parametrize("state", STATUS_DISAGREES)
def test_full_clean_refuses_a_status_that_disagrees_with_the_quantities(order, state):
    refused_by_full_clean(
        Delivery(**delivery_fields(order, **state)),
        "deliveries_delivery_status_matches_quantity",
    )


@pytest.mark.parametrize("state", STATUS_DISAGREES)
def test_the_database_refuses_a_status_that_disagrees_with_the_quantities(order, state):
    refused_by_database(
        lambda: Delivery.objects.create(**delivery_fields(order, **state)),
        "deliveries_delivery_status_matches_quantity",
    )
    assert not Delivery.objects.exists()


def test_the_database_refuses_marking_a_partial_delivery_delivered_without_the_quantity(order):
    delivery = Delivery.objects.create(**delivery_fields(order, **confirmed(PARTIAL, "1")))
    refused_by_database(
        lambda: Delivery.objects.filter(pk=delivery.pk).update(status=DELIVERED),
        "deliveries_delivery_status_matches_quantity",
    )
    delivery.refresh_from_db()
    assert delivery.status == PARTIAL


def test_full_clean_refuses_not_delivered_without_a_reason(order):
    state = confirmed(NOT_DELIVERED, "0", reason="")
    refused_by_full_clean(
        Delivery(**delivery_fields(order, **state)),
        "deliveries_delivery_not_delivered_has_reason",
    )


def test_the_database_refuses_not_delivered_without_a_reason(order):
    state = confirmed(NOT_DELIVERED, "0", reason="")
    refused_by_database(
        lambda: Delivery.objects.create(**delivery_fields(order, **state)),
        "deliveries_delivery_not_delivered_has_reason",
    )
    delivery = Delivery.objects.create(**delivery_fields(order, **confirmed(NOT_DELIVERED, "0")))
    refused_by_database(
        lambda: Delivery.objects.filter(pk=delivery.pk).update(reason=""),
        "deliveries_delivery_not_delivered_has_reason",
    )


CONFIRMATION_MISSING = [
    pytest.param(confirmed(status, qty, **missing), id=f"{status}-{name}")
    for status, qty in [(DELIVERED, "2"), (PARTIAL, "1"), (NOT_DELIVERED, "0")]
    for name, missing in [
        ("without-confirmed-at", {"confirmed_at": None}),
        ("without-confirmed-via", {"confirmed_via": ""}),
    ]
]


@pytest.mark.parametrize("state", CONFIRMATION_MISSING)
def test_full_clean_refuses_a_confirmed_status_without_when_and_how(order, state):
    refused_by_full_clean(
        Delivery(**delivery_fields(order, **state)),
        "deliveries_delivery_confirmation_recorded",
    )


@pytest.mark.parametrize("state", CONFIRMATION_MISSING)
def test_the_database_refuses_a_confirmed_status_without_when_and_how(order, state):
    refused_by_database(
        lambda: Delivery.objects.create(**delivery_fields(order, **state)),
        "deliveries_delivery_confirmation_recorded",
    )
    assert not Delivery.objects.exists()


def test_the_database_refuses_confirming_by_update_without_recording_it(order):
    delivery = Delivery.objects.create(**delivery_fields(order))
    refused_by_database(
        lambda: Delivery.objects.filter(pk=delivery.pk).update(
            status=DELIVERED, delivered_qty=F("ordered_qty")
        ),
        "deliveries_delivery_confirmation_recorded",
    )
    delivery.refresh_from_db()
    assert delivery.status == PENDING


def test_a_delivery_boy_may_be_assigned_or_left_blank(order):
    boy = DeliveryBoyFactory()
    delivery = Delivery(**delivery_fields(order, delivery_boy=boy))
    delivery.full_clean()
    delivery.save()
    assert Delivery.objects.get(delivery_boy=boy) == delivery


def test_the_database_refuses_a_second_delivery_with_the_same_code(order):
    first = Delivery.objects.create(**delivery_fields(order))
    refused_by_full_clean(
        Delivery(**delivery_fields(order, code=first.code, shift="evening")),
        "Delivery with this Code already exists",
    )
    refused_by_database(
        lambda: Delivery.objects.create(**delivery_fields(order, code=first.code, shift="evening")),
        "deliveries_delivery_code_key",
    )
