"""Creating a customer with their login and, if given, a first subscription."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.urls import reverse

from customers.models import Customer
from earlybird import roles
from orders.models import Order
from orders.tests.factories import ProductFactory
from web.tests.customer_pages import User, login, staff, today

pytestmark = pytest.mark.django_db


def create_data(**overrides) -> dict:
    data = {
        "name": "Deepa Nair",
        "phone": "+91 98765 43210",
        "status": "trial",
        "address": "12 MG Road",
        "generate_password": "on",
        "sub_pattern": "daily",
        "sub_shift": "morning",
        "sub_start_date": (today() + dt.timedelta(days=1)).isoformat(),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_support_creates_a_customer_whose_generated_password_is_shown_once(client):
    login(client, staff(roles.SUPPORT))
    response = client.post(reverse("customers:create"), create_data(), follow=True)

    customer = Customer.objects.get(phone="9876543210")
    assert response.redirect_chain[-1][0] == reverse("customers:detail", args=[customer.pk])
    shown = [str(m) for m in response.context["messages"]]
    password = next(m for m in shown if "password" in m).split("password ")[1].split(" ")[0]
    assert authenticate(username="98765 43210", password=password) == customer.user
    assert customer.user.groups.filter(name=roles.CUSTOMER).exists()
    again = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert password not in again


def test_a_customer_is_created_with_a_chosen_password_and_a_first_subscription(client):
    milk = ProductFactory(name="Buffalo milk")
    user = login(client, staff(roles.SUPPORT))
    start = today() + dt.timedelta(days=1)
    client.post(
        reverse("customers:create"),
        create_data(
            password="Ghee-Lamp-2026",
            generate_password=None,
            sub_product=milk.pk,
            sub_quantity="1.5",
            sub_pattern="weekdays",
            sub_weekdays=["0", "3"],
            sub_start_date=start.isoformat(),
        ),
    )
    customer = Customer.objects.get(phone="9876543210")
    order = customer.orders.get()
    line = order.lines.get()
    assert authenticate(username="9876543210", password="Ghee-Lamp-2026") == customer.user
    assert (order.kind, order.pattern, order.weekdays, order.start_date) == (
        "subscription",
        "weekdays",
        [0, 3],
        start,
    )
    assert (line.product, line.quantity, order.created_by) == (milk, Decimal("1.5"), user)


def test_a_marketer_becomes_the_marketer_of_the_customers_they_create(client, marketer):
    login(client, marketer)
    page = client.get(reverse("customers:create")).content.decode()
    assert 'name="marketing_staff"' not in page
    assert 'name="opening_balance"' not in page
    client.post(reverse("customers:create"), create_data())
    assert Customer.objects.get(phone="9876543210").marketing_staff == marketer


def test_only_an_admin_sets_an_opening_balance(client):
    login(client, staff(roles.ADMIN))
    client.post(reverse("customers:create"), create_data(opening_balance="450.00"))
    assert Customer.objects.get(phone="9876543210").opening_balance == Decimal("450.00")


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"phone": "12345"}, "phone", "not a 10-digit Indian mobile number"),
        ({"name": ""}, "name", "Give the customer's name."),
        ({"password": "123", "generate_password": None}, "password", "too short"),
        ({"map_link": "not a link"}, "map_link", "Paste the whole map link"),
        ({"latitude": "17.38"}, "longitude", "Give both latitude and longitude"),
        ({"sub_quantity": "2"}, "sub_product", "Choose the product"),
        ({"sub_product": "PRODUCT"}, "sub_quantity", "How much"),
        ({"sub_product": "PRODUCT", "sub_quantity": "abc"}, "sub_quantity", "Enter a number"),
        (
            {"sub_product": "PRODUCT", "sub_quantity": "1", "sub_pattern": "weekdays"},
            "sub_weekdays",
            "Tick at least one weekday.",
        ),
        (
            {"sub_product": "PRODUCT", "sub_quantity": "1", "sub_start_date": "2020-01-01"},
            "sub_start_date",
            "cannot be in the past",
        ),
    ],
)
def test_a_form_with_mistakes_says_what_is_wrong_and_writes_nothing(client, data, field, words):
    milk = ProductFactory()
    login(client, staff(roles.SUPPORT))
    data = {k: (milk.pk if v == "PRODUCT" else v) for k, v in data.items()}
    users, customers, orders = User.objects.count(), Customer.objects.count(), Order.objects.count()

    response = client.post(reverse("customers:create"), create_data(**data))

    assert response.status_code == 200
    assert words in " ".join(response.context["form"].errors[field])
    assert words.split("’")[0] in response.content.decode().replace("&#x27;", "'")
    assert (User.objects.count(), Customer.objects.count(), Order.objects.count()) == (
        users,
        customers,
        orders,
    )


def test_a_phone_already_registered_is_refused_on_the_phone_field(client, own):
    login(client, staff(roles.SUPPORT))
    response = client.post(reverse("customers:create"), create_data(phone="098480 22338"))
    assert "already belongs to customer Asha Rao" in response.context["form"].errors["phone"][0]
    assert Customer.objects.count() == 1


def test_if_the_subscription_is_refused_the_customer_is_not_created_either(client, monkeypatch):
    """The service refuses the product after the customer row was written: all rolls back."""
    from orders.services import placing

    milk = ProductFactory(name="Old milk")
    login(client, staff(roles.SUPPORT))
    real = placing.create_subscription

    def withdrawn_meanwhile(**kwargs):
        milk.is_active = False  # stopped being sold while the form was being filled in
        return real(**{**kwargs, "lines": [placing.LineSpec(milk, Decimal(1))]})

    monkeypatch.setattr(placing, "create_subscription", withdrawn_meanwhile)
    response = client.post(
        reverse("customers:create"), create_data(sub_product=milk.pk, sub_quantity="1")
    )

    assert "Old milk is no longer sold." in response.context["form"].errors["sub_quantity"]
    assert not Customer.objects.filter(phone="9876543210").exists()
    assert not User.objects.filter(username="9876543210").exists()
    assert not Order.objects.exists()
