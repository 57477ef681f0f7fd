"""Day overrides and line quantities; adding and removing an order's products."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

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
from orders.models import DayOverride, OrderLine
from orders.services import set_day_override
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


def test_a_day_override_changed_in_the_admin_changes_tomorrows_delivery(
    admin_staff, order, tomorrow
):
    override = set_day_override(line=order.lines.get(), day=tomorrow, quantity=Decimal("2"))
    assert delivery_on(order, tomorrow).ordered_qty == Decimal("2")

    response = admin_staff.post(
        change_url(override), {"date": tomorrow.isoformat(), "quantity": "3.5"}
    )

    assert response.status_code == 302
    assert delivery_on(order, tomorrow).ordered_qty == Decimal("3.5")


def test_a_day_override_added_in_the_admin_changes_tomorrows_delivery(admin_staff, order, tomorrow):
    response = admin_staff.post(
        reverse("admin:orders_dayoverride_add"),
        {"line": order.lines.get().pk, "date": tomorrow.isoformat(), "quantity": "0"},
    )

    assert response.status_code == 302
    assert delivery_on(order, tomorrow).status == Delivery.Status.CANCELLED


def test_a_day_override_moved_to_another_day_leaves_the_old_day_to_the_pattern(
    admin_staff, order, today, tomorrow
):
    generate_deliveries(day=today)
    override = set_day_override(line=order.lines.get(), day=tomorrow, quantity=Decimal("2"))

    response = admin_staff.post(change_url(override), {"date": today.isoformat(), "quantity": "2"})

    assert response.status_code == 302
    assert list(DayOverride.objects.values_list("date", flat=True)) == [today]
    assert delivery_on(order, today).ordered_qty == Decimal("2")
    assert delivery_on(order, tomorrow).ordered_qty == Decimal("1")


def test_a_day_override_deleted_in_the_admin_gives_the_day_back_to_the_pattern(
    admin_staff, order, tomorrow
):
    override = set_day_override(line=order.lines.get(), day=tomorrow, quantity=Decimal("0"))
    assert delivery_on(order, tomorrow).status == Delivery.Status.CANCELLED

    response = admin_staff.post(delete_url(override), {"post": "yes"})

    assert response.status_code == 302
    assert not DayOverride.objects.exists()
    assert delivery_on(order, tomorrow).status == Delivery.Status.PENDING


def test_a_day_override_added_inline_on_the_line_changes_tomorrows_delivery(
    admin_staff, order, tomorrow
):
    line = order.lines.get()
    url = change_url(line)
    data = submitted(admin_staff.get(url))
    data.update(
        {
            "overrides-TOTAL_FORMS": "1",
            "overrides-0-date": tomorrow.isoformat(),
            "overrides-0-quantity": "4",
        }
    )

    response = admin_staff.post(url, data)

    assert response.status_code == 302, errors_of(response)
    assert delivery_on(order, tomorrow).ordered_qty == Decimal("4")


def test_an_override_outside_the_orders_dates_is_an_error_on_the_page(admin_staff, order, today):
    response = admin_staff.post(
        reverse("admin:orders_dayoverride_add"),
        {
            "line": order.lines.get().pk,
            "date": (today - dt.timedelta(days=1)).isoformat(),
            "quantity": "2",
        },
    )

    assert response.status_code == 200
    assert "outside" in errors_of(response)
    assert not DayOverride.objects.exists()


def test_a_line_quantity_changed_inline_on_the_order_changes_tomorrows_delivery(
    admin_staff, order, tomorrow
):
    url = change_url(order)
    data = submitted(admin_staff.get(url))
    data["lines-0-quantity"] = "2.5"

    response = admin_staff.post(url, data)

    assert response.status_code == 302, errors_of(response)
    assert order.lines.get().quantity == Decimal("2.5")
    assert delivery_on(order, tomorrow).ordered_qty == Decimal("2.5")


def test_a_line_quantity_changed_on_the_lines_page_changes_tomorrows_delivery(
    admin_staff, order, tomorrow
):
    line = order.lines.get()
    url = change_url(line)
    data = submitted(admin_staff.get(url))
    data["quantity"] = "3"

    response = admin_staff.post(url, data)

    assert response.status_code == 302, errors_of(response)
    assert delivery_on(order, tomorrow).ordered_qty == Decimal("3")


def test_a_product_added_inline_to_the_order_is_delivered_tomorrow(admin_staff, order, tomorrow):
    curd = ProductFactory(name="Curd")
    url = change_url(order)
    data = submitted(admin_staff.get(url))
    data.update(
        {
            "lines-TOTAL_FORMS": "2",
            "lines-1-product": str(curd.pk),
            "lines-1-quantity": "0.5",
        }
    )

    response = admin_staff.post(url, data)

    assert response.status_code == 302, errors_of(response)
    added = Delivery.objects.get(order=order, date=tomorrow, product=curd)
    assert added.ordered_qty == Decimal("0.5")


def test_a_line_with_deliveries_cannot_be_removed(admin_staff, order, tomorrow):
    milk = order.lines.get()
    curd = OrderLine.objects.create(order=order, product=ProductFactory(), quantity=1)
    generate_deliveries(day=tomorrow)
    url = change_url(order)
    data = submitted(admin_staff.get(url))
    data["lines-0-DELETE"] = "on"

    response = admin_staff.post(url, data)

    assert response.status_code == 200
    assert "protected" in errors_of(response) or "already has deliveries" in errors_of(response)
    assert set(order.lines.all()) == {milk, curd}


def test_the_only_line_of_an_order_cannot_be_removed(admin_staff, today):
    order = SubscriptionFactory(start_date=today + dt.timedelta(days=10))

    response = admin_staff.post(delete_url(order.lines.get()), {"post": "yes"})

    assert response.status_code == 302
    assert "keeps at least one product" in messages_of(response)
    assert order.lines.count() == 1


def test_a_line_without_deliveries_is_removed(admin_staff, today):
    order = SubscriptionFactory(start_date=today + dt.timedelta(days=10))
    extra = OrderLine.objects.create(order=order, product=ProductFactory(), quantity=1)

    response = admin_staff.post(delete_url(extra), {"post": "yes"})

    assert response.status_code == 302
    assert order.lines.count() == 1
    assert not OrderLine.objects.filter(pk=extra.pk).exists()
