"""Invariants 2 and 3 on Delivery: one order, line, product and customer that agree;
one row per (line, date, shift); 0 <= delivered <= ordered; status agrees with the
quantities; confirmations record when and how. Each rule is broken twice: through
full_clean() (ValidationError) and by a raw write (IntegrityError)."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from customers.tests.factories import CustomerFactory
from deliveries.models import Delivery
from deliveries.tests.factories import DeliveryBoyFactory
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

JAN_10 = dt.date(2026, 1, 10)
_codes = itertools.count(1)

PENDING = Delivery.Status.PENDING
DELIVERED = Delivery.Status.DELIVERED
PARTIAL = Delivery.Status.PARTIAL
NOT_DELIVERED = Delivery.Status.NOT_DELIVERED
CANCELLED = Delivery.Status.CANCELLED


def delivery_fields(order, /, **overrides) -> dict:
    """A valid pending delivery of the order's first line, unless overridden."""
    line = order.lines.first()
    fields = {
        "code": f"DL-TEST-{next(_codes):05d}",
        "order": order,
        "order_line": line,
        "product": line.product,
        "customer": order.customer,
        "date": JAN_10,
        "shift": order.shift,
        "ordered_qty": Decimal("2.000"),
        "unit_price": Decimal("60.00"),
    }
    fields.update(overrides)
    return fields


def confirmed(status, delivered_qty, **overrides) -> dict:
    """The fields of a confirmation by staff, so only the rule under test can fail."""
    fields = {
        "status": status,
        "delivered_qty": Decimal(delivered_qty),
        "confirmed_at": timezone.now(),
        "confirmed_via": Delivery.Via.STAFF,
    }
    if status == NOT_DELIVERED:
        fields["reason"] = Delivery.Reason.CUSTOMER_AWAY
    fields.update(overrides)
    return fields


@pytest.fixture
def order():
    return SubscriptionFactory(quantity=Decimal("2"))


def refused_by_full_clean(instance, expected: str) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        instance.full_clean()
    assert expected in " ".join(str(m) for m in excinfo.value.messages)
    return excinfo.value


def refused_by_database(write, expected: str = "") -> None:
    with pytest.raises(IntegrityError, match=expected), transaction.atomic():
        write()


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
