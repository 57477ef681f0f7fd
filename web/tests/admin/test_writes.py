"""Other writes in the admin get their codes and logins: orders, delivery boys, payments,
prices; route stops keep their order; links are revoked with who and when."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.urls import reverse
from django.utils import timezone

from billing.models import Payment
from customers.tests.factories import CustomerFactory
from deliveries.models import DeliveryLink
from deliveries.services import assign_to_route
from deliveries.tests.factories import DeliveryBoyFactory
from orders.models import Order
from orders.tests.factories import ProductFactory
from web.tests.admin import PASSWORD

pytestmark = pytest.mark.django_db


def order_form(**overrides) -> dict:
    data = {
        "customer": "",
        "kind": Order.Kind.SUBSCRIPTION,
        "status": Order.Status.ACTIVE,
        "shift": Order.Shift.MORNING,
        "notes": "",
        "start_date": "2026-02-01",
        "end_date": "",
        "pattern": Order.Pattern.DAILY,
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-product": "",
        "lines-0-quantity": "1.5",
        "pauses-TOTAL_FORMS": "0",
        "pauses-INITIAL_FORMS": "0",
        "pauses-MIN_NUM_FORMS": "0",
        "pauses-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("kind", "status", "prefix"),
    [
        (Order.Kind.SUBSCRIPTION, Order.Status.ACTIVE, "SU-"),
        (Order.Kind.ONE_TIME, Order.Status.PLACED, "OR-"),
    ],
)
def test_an_order_added_in_the_admin_gets_its_code_and_lines(admin_client, kind, status, prefix):
    customer, product = CustomerFactory(), ProductFactory()

    response = admin_client.post(
        reverse("admin:orders_order_add"),
        order_form(
            customer=customer.pk, kind=kind, status=status, **{"lines-0-product": product.pk}
        ),
    )

    assert response.status_code == 302
    order = Order.objects.get()
    assert order.code.startswith(prefix)
    assert [(line.product, line.quantity) for line in order.lines.all()] == [
        (product, Decimal("1.5"))
    ]
    if kind == Order.Kind.ONE_TIME:
        assert order.end_date == order.start_date


def test_an_order_without_lines_is_refused(admin_client):
    customer = CustomerFactory()

    response = admin_client.post(
        reverse("admin:orders_order_add"),
        order_form(customer=customer.pk, **{"lines-TOTAL_FORMS": "0"}),
    )

    assert response.status_code == 200
    assert not Order.objects.exists()


def test_a_delivery_boy_added_in_the_admin_can_log_in(admin_client):
    response = admin_client.post(
        reverse("admin:deliveries_deliveryboy_add"),
        {"name": "Ravi", "phone": "+91 99887 76655", "password": PASSWORD},
    )

    assert response.status_code == 302
    assert authenticate(username="9988776655", password=PASSWORD).delivery_boy.name == "Ravi"


def test_a_payment_added_in_the_admin_gets_a_code_for_its_day(admin_client, admin_user):
    customer = CustomerFactory()

    response = admin_client.post(
        reverse("admin:billing_payment_add"),
        {
            "customer": customer.pk,
            "amount": "450.00",
            "method": Payment.Method.UPI,
            "paid_on": "2026-02-03",
            "reference": "UPI123",
            "received_by": admin_user.pk,
            "notes": "",
        },
    )

    assert response.status_code == 302
    assert Payment.objects.get().code == "PA-20260203-0001"


def test_a_product_price_changed_in_the_admin_replaces_that_days_price(admin_client):
    product = ProductFactory(price="60.00")
    price = product.prices.get()

    response = admin_client.post(
        reverse("admin:orders_productprice_change", args=[price.pk]), {"price": "62.50"}
    )

    assert response.status_code == 302
    assert list(product.prices.values_list("price", flat=True)) == [Decimal("62.50")]


def test_a_stop_added_in_the_admin_at_a_taken_place_moves_the_later_stops_down(admin_client):
    boy = DeliveryBoyFactory()
    first, second, newcomer = CustomerFactory(), CustomerFactory(), CustomerFactory()
    assign_to_route(customer=first, delivery_boy=boy)
    assign_to_route(customer=second, delivery_boy=boy)

    response = admin_client.post(
        reverse("admin:deliveries_routestop_add"),
        {"delivery_boy": boy.pk, "customer": newcomer.pk, "place": "1"},
    )

    assert response.status_code == 302
    route = boy.stops.order_by("position").values_list("customer", "position")
    assert list(route) == [(newcomer.pk, 1), (first.pk, 2), (second.pk, 3)]


def test_a_stop_moved_in_the_admin_keeps_the_route_in_order(admin_client):
    boy = DeliveryBoyFactory()
    customers = [CustomerFactory() for _ in range(3)]
    stops = [assign_to_route(customer=c, delivery_boy=boy) for c in customers]

    response = admin_client.post(
        reverse("admin:deliveries_routestop_change", args=[stops[2].pk]),
        {"delivery_boy": boy.pk, "place": "1"},
    )

    assert response.status_code == 302
    route = boy.stops.order_by("position").values_list("customer", flat=True)
    assert list(route) == [customers[2].pk, customers[0].pk, customers[1].pk]


def test_revoking_links_in_the_admin_records_who_and_when(admin_client, admin_user):
    link = DeliveryLink.objects.create(
        delivery_boy=DeliveryBoyFactory(),
        shift=Order.Shift.MORNING,
        token_hash="b" * 64,
        valid_from=dt.date(2026, 1, 10),
        valid_until=dt.date(2026, 1, 10),
        expires_at=timezone.now(),
    )

    response = admin_client.post(
        reverse("admin:deliveries_deliverylink_changelist"),
        {"action": "revoke", "_selected_action": [link.pk]},
    )

    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert link.revoked_by == admin_user
