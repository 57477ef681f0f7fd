"""Delivery instructions on /me/instructions/ (the customer) and on the staff customer
form; the delivery boy's daily sheet shows them."""

import pytest
from django.urls import reverse

from customers.models import Customer
from customers.tests.factories import CustomerFactory
from earlybird import roles
from web.tests.customer_pages import login, staff
from web.tests.portal import page_of

pytestmark = pytest.mark.django_db

URL = "/me/instructions/"


def test_the_url_is_the_pages_own():
    assert reverse("me:instructions") == URL


def test_the_customer_saves_their_instructions_and_sees_them_on_home(client, owner):
    response = client.post(URL, {"delivery_instructions": "Leave the packets in the bag"})
    assert response.status_code == 302 and response.url == URL
    owner.refresh_from_db()
    assert owner.delivery_instructions == "Leave the packets in the bag"
    assert "The delivery boy will see your instructions" in page_of(client.get(URL))
    assert "Leave the packets in the bag" in page_of(client.get(reverse("me:home")))


def test_clearing_the_instructions_says_so(client, owner):
    Customer.objects.filter(pk=owner.pk).update(delivery_instructions="Ring twice")
    response = client.post(URL, {"delivery_instructions": "  "}, follow=True)
    assert "no instructions for the delivery boy" in page_of(response)
    owner.refresh_from_db()
    assert owner.delivery_instructions == ""


def test_too_long_instructions_are_refused_with_a_clear_message(client, owner):
    response = client.post(URL, {"delivery_instructions": "x" * 301})
    assert response.status_code == 400
    assert "Keep the instructions to 300 characters" in page_of(response)
    owner.refresh_from_db()
    assert owner.delivery_instructions == ""


def test_the_page_edits_only_the_signed_in_customers_own(client, owner):
    other = CustomerFactory(name="Bala Krishna")
    Customer.objects.filter(pk=other.pk).update(delivery_instructions="Gate 3")
    client.post(URL, {"delivery_instructions": "Mine", "customer": other.pk})
    assert Customer.objects.get(pk=other.pk).delivery_instructions == "Gate 3"
    assert Customer.objects.get(pk=owner.pk).delivery_instructions == "Mine"


def test_staff_and_strangers_get_no_such_page(client):
    login(client, staff(roles.SUPPORT))
    assert client.get(URL).status_code == 404
    client.logout()
    response = client.get(URL)
    assert response.status_code == 302 and reverse("me:login") in response.url


def test_staff_edit_the_instructions_on_the_customer_form(client):
    customer = CustomerFactory(name="Asha Rao", phone="9848022338")
    login(client, staff(roles.SUPPORT))
    edit = reverse("customers:edit", args=[customer.pk])
    data = {"name": "Asha Rao", "phone": "9848022338", "status": customer.status}
    response = client.post(edit, {**data, "delivery_instructions": "Dog in the yard"})
    assert response.url == reverse("customers:detail", args=[customer.pk])
    assert Customer.objects.get(pk=customer.pk).delivery_instructions == "Dog in the yard"
    response = client.post(edit, {**data, "delivery_instructions": "z" * 301})
    assert "Keep the instructions to 300 characters" in page_of(response)
    assert Customer.objects.get(pk=customer.pk).delivery_instructions == "Dog in the yard"
    assert "Dog in the yard" in page_of(client.get(edit))
