"""Staff subscribe a customer and edit the subscription."""

from decimal import Decimal

import pytest
from django.urls import reverse

from earlybird import roles
from orders.models import Order
from orders.tests.views import assert_404_for, days, login, outsider_users, staff

pytestmark = [pytest.mark.django_db, pytest.mark.any_day]


def subscription_data(product, **overrides) -> dict:
    data = {
        f"qty_{product.pk}": "2",
        "pattern": "daily",
        "shift": "morning",
        "start_date": days(1).isoformat(),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_marketer_subscribes_their_customer_to_two_products(
    client, marketer, customer, milk, curd
):
    login(client, marketer)
    url = reverse("orders:subscription_create", args=[customer.pk])
    response = client.post(
        url,
        subscription_data(
            milk,
            **{f"qty_{curd.pk}": "1"},
            pattern="alternate_days",
            shift="evening",
            end_date=days(30).isoformat(),
        ),
    )
    order = Order.objects.get(customer=customer)
    assert response.url == reverse("orders:detail", args=[order.pk])
    assert (order.pattern, order.shift, order.start_date, order.end_date, order.created_by) == (
        "alternate_days",
        "evening",
        days(1),
        days(30),
        marketer,
    )
    assert dict(order.lines.values_list("product__name", "quantity")) == {
        "Cow milk": Decimal("2.000"),
        "Curd 500 g": Decimal("1.000"),
    }


def test_creating_a_subscription_is_a_404_for_outsiders_and_accounts(client, customer, milk):
    url = reverse("orders:subscription_create", args=[customer.pk])
    assert_404_for(client, [*outsider_users(), staff(roles.ACCOUNTS)], "get", url)
    assert_404_for(client, [staff(roles.ACCOUNTS)], "post", url, subscription_data(milk))
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"QTY": None}, None, "Give a quantity for at least one product"),
        ({"QTY": "-1"}, "QTY", "Enter a quantity from 0 to 50."),
        ({"QTY": "50.5"}, "QTY", "Enter a quantity from 0 to 50."),
        ({"QTY": "9999999.999"}, "QTY", "Enter a quantity from 0 to 50."),
        ({"QTY": "1.2345"}, "QTY", "Use at most 3 decimal places."),
        ({"pattern": "weekdays"}, "weekdays", "Tick at least one weekday."),
        ({"start_date": "2020-01-01"}, "start_date", "cannot be in the past"),
        ({"start_date": ""}, "start_date", "Give the first day."),
        ({"end_date": "AFTER"}, "end_date", "cannot be before the first"),
        ({"end_date": "9999-12-31"}, "end_date", "Choose a date between 1 Jan 2000 and"),
        ({"start_date": "0001-01-01"}, "start_date", "Choose a date between 1 Jan 2000 and"),
    ],
)
def test_a_subscription_form_with_mistakes_says_so_and_writes_nothing(
    client, support, customer, milk, overrides, field, words
):
    qty = f"qty_{milk.pk}"
    data = subscription_data(milk, start_date=days(5).isoformat())
    for key, value in overrides.items():
        key = qty if key == "QTY" else key
        data[key] = days(2).isoformat() if value == "AFTER" else value
    data = {k: v for k, v in data.items() if v is not None}
    response = client.post(reverse("orders:subscription_create", args=[customer.pk]), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    key = qty if field == "QTY" else (field or "__all__")
    assert words in " ".join(errors[key])
    assert not Order.objects.exists()


def test_the_subscription_is_edited_pattern_quantities_and_a_new_product(
    client, marketer, subscription, milk, curd
):
    login(client, marketer)
    response = client.post(
        reverse("orders:edit", args=[subscription.pk]),
        {
            f"qty_{milk.pk}": "1.5",
            f"qty_{curd.pk}": "1",
            "pattern": "weekdays",
            "weekdays": ["5", "6"],
            "shift": "morning",
        },
    )
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert (subscription.pattern, subscription.weekdays) == ("weekdays", [5, 6])
    assert dict(subscription.lines.values_list("product__name", "quantity")) == {
        "Cow milk": Decimal("1.500"),
        "Curd 500 g": Decimal("1.000"),
    }


def test_a_product_on_the_subscription_cannot_be_emptied_and_nothing_changes(
    client, support, subscription, milk
):
    response = client.post(
        reverse("orders:edit", args=[subscription.pk]),
        {f"qty_{milk.pk}": "0", "pattern": "alternate_days", "shift": "morning"},
    )
    assert "keep a quantity above 0" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.pattern == "daily"
    assert subscription.lines.get().quantity == Decimal("1")


def test_editing_is_a_404_for_another_marketer_and_for_accounts(client, subscription, milk):
    url = reverse("orders:edit", args=[subscription.pk])
    users = [staff(roles.MARKETING), staff(roles.ACCOUNTS), staff(roles.DELIVERY_BOY)]
    assert_404_for(client, users, "get", url)
    assert_404_for(client, users, "post", url, {f"qty_{milk.pk}": "9", "pattern": "daily"})
    assert subscription.lines.get().quantity == Decimal("1")
