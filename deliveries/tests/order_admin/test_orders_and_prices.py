"""Orders added, moved and stopped in the admin; prices and products."""

from decimal import Decimal

import pytest
from django.urls import reverse

from customers.tests.factories import CustomerFactory
from deliveries.models import Delivery
from deliveries.services import generate_deliveries
from deliveries.tests.order_admin import (
    change_url,
    delete_url,
    delivery_on,
    errors_of,
    messages_of,
    submitted,
)
from orders.models import Order, ProductPrice
from orders.tests.factories import OneTimeOrderFactory, ProductFactory

pytestmark = pytest.mark.django_db


# Orders ------------------------------------------------------------------------------------


def test_a_one_time_order_added_in_the_admin_joins_the_day_already_generated(
    admin_staff, order, tomorrow
):
    customer, paneer = CustomerFactory(), ProductFactory(name="Paneer")

    response = admin_staff.post(
        reverse("admin:orders_order_add"),
        {
            "customer": customer.pk,
            "kind": Order.Kind.ONE_TIME,
            "status": Order.Status.PLACED,
            "shift": Order.Shift.MORNING,
            "start_date": tomorrow.isoformat(),
            "pattern": Order.Pattern.DAILY,
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-product": paneer.pk,
            "lines-0-quantity": "2",
            "pauses-TOTAL_FORMS": "0",
            "pauses-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    placed = Order.objects.get(customer=customer)
    assert placed.code.startswith("OR-")
    assert placed.created_by is not None
    assert delivery_on(placed, tomorrow).ordered_qty == Decimal("2")


def test_a_subscription_stopped_in_the_admin_cancels_tomorrows_delivery(
    admin_staff, order, tomorrow
):
    url = change_url(order)
    data = submitted(admin_staff.get(url))
    data["status"] = Order.Status.STOPPED

    response = admin_staff.post(url, data)

    assert response.status_code == 302, errors_of(response)
    assert delivery_on(order, tomorrow).status == Delivery.Status.CANCELLED


def test_a_one_time_order_moved_in_the_admin_leaves_its_old_day_for_the_new_one(
    admin_staff, order, today, tomorrow
):
    one_time = OneTimeOrderFactory(delivery_date=today)
    generate_deliveries(day=today)  # tomorrow was generated too (the `order` fixture)
    url = change_url(one_time)
    data = submitted(admin_staff.get(url))
    data["start_date"] = tomorrow.isoformat()

    response = admin_staff.post(url, data)

    assert response.status_code == 302, errors_of(response)
    assert delivery_on(one_time, today).status == Delivery.Status.CANCELLED
    assert delivery_on(one_time, tomorrow).status == Delivery.Status.PENDING
    one_time.refresh_from_db()
    assert one_time.end_date == tomorrow


def test_a_one_time_order_cannot_be_marked_delivered_in_the_admin(admin_staff, tomorrow):
    one_time = OneTimeOrderFactory(delivery_date=tomorrow)
    url = change_url(one_time)
    data = submitted(admin_staff.get(url))
    data["status"] = Order.Status.DELIVERED

    response = admin_staff.post(url, data)

    assert response.status_code == 200
    assert "delivered when its delivery is confirmed" in errors_of(response)
    one_time.refresh_from_db()
    assert one_time.status == Order.Status.PLACED


def test_an_order_cannot_be_deleted_in_the_admin(admin_staff, order):
    response = admin_staff.post(delete_url(order), {"post": "yes"})

    assert response.status_code == 403
    assert Order.objects.filter(pk=order.pk).exists()


# Prices ------------------------------------------------------------------------------------


def test_a_price_in_force_cannot_be_deleted(admin_staff):
    price = ProductFactory().prices.get()

    response = admin_staff.post(delete_url(price), {"post": "yes"})

    assert response.status_code == 302
    assert "set a new price from a later day instead" in messages_of(response)
    assert ProductPrice.objects.filter(pk=price.pk).exists()


def test_a_price_still_to_come_is_deleted(admin_staff, tomorrow):
    product = ProductFactory()
    future = ProductPrice.objects.create(product=product, price="65.00", effective_from=tomorrow)

    response = admin_staff.post(delete_url(future), {"post": "yes"})

    assert response.status_code == 302
    assert list(product.prices.all()) == [product.prices.get()]
    assert not ProductPrice.objects.filter(pk=future.pk).exists()


def test_a_product_added_in_the_admin_gets_its_first_price(admin_staff, today):
    response = admin_staff.post(
        reverse("admin:orders_product_add"),
        {
            "name": "Buffalo milk",
            "unit": "litre",
            "sort_order": "3",
            "price": "72.00",
            "effective_from": today.isoformat(),
            "prices-TOTAL_FORMS": "0",
            "prices-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    price = ProductPrice.objects.get(product__name="Buffalo milk")
    assert (price.price, price.effective_from) == (Decimal("72.00"), today)


def test_bulk_delete_is_not_offered_where_deletes_go_through_a_service(admin_staff, order):
    response = admin_staff.get(reverse("admin:orders_orderpause_changelist"))

    action_form = response.context["action_form"]
    actions = [name for name, _ in action_form.fields["action"].choices] if action_form else []
    assert "delete_selected" not in actions
