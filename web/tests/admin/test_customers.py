"""Customers are created and changed in the admin through the services."""

import re

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.messages import get_messages
from django.urls import reverse

from customers.models import Customer
from customers.tests.factories import CustomerFactory
from deliveries.tests.factories import DeliveryBoyFactory
from web.tests.admin import PASSWORD

pytestmark = pytest.mark.django_db

User = get_user_model()

PHONE = "9848022338"


def customer_form(**overrides) -> dict:
    """A complete POST for the customer add/change form."""
    data = {
        "name": "Lakshmi Devi",
        "phone": "+91 98480-22338",
        "email": "",
        "status": Customer.Status.ACTIVE,
        "marketing_staff": "",
        "area": "",
        "address": "12 Temple Street",
        "landmark": "",
        "map_link": "",
        "latitude": "",
        "longitude": "",
        "delivery_instructions": "",
        "opening_balance": "0",
        "notes": "",
    }
    data.update(overrides)
    return data


def change_form_of(customer: Customer, **overrides) -> dict:
    current = {
        "name": customer.name,
        "phone": customer.phone,
        "status": customer.status,
        "area": customer.area_id or "",
        "address": customer.address,
    }
    return customer_form(**{**current, **overrides})


def test_a_customer_added_in_the_admin_gets_a_login_that_works(admin_client):
    response = admin_client.post(
        reverse("admin:customers_customer_add"), customer_form(password=PASSWORD)
    )

    assert response.status_code == 302
    customer = Customer.objects.select_related("user").get()
    assert customer.phone == PHONE
    assert customer.code.startswith("CU-")
    assert customer.user.username == PHONE
    assert customer.user.groups.filter(name="customer").exists()
    assert authenticate(username=PHONE, password=PASSWORD) == customer.user


def test_a_blank_password_is_generated_and_shown_once(admin_client):
    response = admin_client.post(reverse("admin:customers_customer_add"), customer_form())

    assert response.status_code == 302
    shown = [str(m) for m in get_messages(response.wsgi_request) if "password" in str(m)]
    assert len(shown) == 1
    password = re.search(r"the password (\S+) ", shown[0]).group(1)
    assert len(password) >= 12
    assert authenticate(username=PHONE, password=password) == Customer.objects.get().user


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        ("+91 98480 22338", "already belongs to customer"),
        ("98480 11111", "already the login"),  # a delivery boy's login
        ("12345", "10-digit"),
    ],
)
def test_a_taken_or_bad_phone_is_an_error_on_the_phone_field_and_writes_nothing(
    admin_client, phone, expected
):
    CustomerFactory(phone=PHONE)
    DeliveryBoyFactory(phone="9848011111")
    customers, users = Customer.objects.count(), User.objects.count()

    response = admin_client.post(
        reverse("admin:customers_customer_add"), customer_form(phone=phone, password=PASSWORD)
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["phone"]
    assert expected in errors["phone"][0]
    assert (Customer.objects.count(), User.objects.count()) == (customers, users)


def test_a_weak_password_is_an_error_on_the_password_field(admin_client):
    response = admin_client.post(
        reverse("admin:customers_customer_add"), customer_form(password="12345678")
    )

    assert response.status_code == 200
    assert "password" in response.context["adminform"].form.errors
    assert not Customer.objects.exists()


def test_changing_the_phone_in_the_admin_changes_the_login_too(admin_client):
    customer = CustomerFactory(phone=PHONE, password=PASSWORD)

    response = admin_client.post(
        reverse("admin:customers_customer_change", args=[customer.pk]),
        change_form_of(customer, phone="+91 98480 99999"),
    )

    assert response.status_code == 302
    customer.refresh_from_db()
    customer.user.refresh_from_db()
    assert (customer.phone, customer.user.username) == ("9848099999", "9848099999")
    assert authenticate(username="9848099999", password=PASSWORD) == customer.user


def test_the_delivery_instructions_are_changed_in_the_admin_too(admin_client):
    customer = CustomerFactory(phone=PHONE)
    url = reverse("admin:customers_customer_change", args=[customer.pk])

    response = admin_client.post(
        url, change_form_of(customer, delivery_instructions="Leave the packets in the bag")
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.delivery_instructions == "Leave the packets in the bag"

    response = admin_client.post(url, change_form_of(customer, delivery_instructions="x" * 301))
    assert response.status_code == 200
    assert "delivery_instructions" in response.context["adminform"].form.errors
    customer.refresh_from_db()
    assert customer.delivery_instructions == "Leave the packets in the bag"


def test_the_history_page_shows_a_change_made_in_the_admin(admin_client, admin_user):
    customer = CustomerFactory(name="Lakshmi Devi")

    admin_client.post(
        reverse("admin:customers_customer_change", args=[customer.pk]),
        change_form_of(customer, name="Lakshmi Rao"),
    )
    response = admin_client.get(reverse("admin:customers_customer_history", args=[customer.pk]))

    assert response.status_code == 200
    latest = response.context["page_obj"].object_list[0]
    assert (latest.name, latest.history_user) == ("Lakshmi Rao", admin_user)
    content = response.content.decode()
    assert "Lakshmi Rao" in content
    assert admin_user.username in content


def test_a_revert_from_the_history_is_refused(admin_client):
    customer = CustomerFactory(name="Lakshmi Devi")
    first = customer.history.earliest()
    admin_client.post(
        reverse("admin:customers_customer_change", args=[customer.pk]),
        change_form_of(customer, name="Lakshmi Rao"),
    )

    url = reverse("admin:customers_customer_simple_history", args=[customer.pk, first.history_id])
    response = admin_client.post(url, change_form_of(customer, name="Lakshmi Devi"))

    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.name == "Lakshmi Rao"
