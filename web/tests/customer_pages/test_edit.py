"""Editing and activating a customer."""

from decimal import Decimal

import pytest
from django.urls import reverse

from customers.models import Area, Customer
from customers.tests.factories import CustomerFactory
from earlybird import roles
from web.tests.customer_pages import login, staff

pytestmark = pytest.mark.django_db


def edit_data(customer, **overrides) -> dict:
    data = {
        "name": customer.name,
        "phone": customer.phone,
        "status": customer.status,
        "address": customer.address,
    }
    data.update(overrides)
    return data


def test_a_marketer_edits_their_customer_and_a_new_phone_becomes_the_login(client, marketer, own):
    login(client, marketer)
    response = client.post(
        reverse("customers:edit", args=[own.pk]),
        edit_data(own, name="Asha R. Rao", phone="9000011111", email="asha@example.in"),
    )
    assert response.url == reverse("customers:detail", args=[own.pk])
    own.refresh_from_db()
    own.user.refresh_from_db()
    assert (own.name, own.phone, own.user.username, own.user.email) == (
        "Asha R. Rao",
        "9000011111",
        "9000011111",
        "asha@example.in",
    )
    assert own.marketing_staff == marketer  # kept, though the field is not on their form


def test_editing_to_a_phone_of_another_customer_is_refused_and_nothing_changes(client, own, theirs):
    login(client, staff(roles.SUPPORT))
    response = client.post(
        reverse("customers:edit", args=[own.pk]),
        edit_data(own, name="Changed", phone=theirs.phone),
    )
    assert "already belongs to customer Bala Krishna" in response.content.decode()
    own.refresh_from_db()
    assert (own.name, own.phone) == ("Asha Rao", "9848022338")


def test_editing_keeps_the_opening_balance_when_the_form_does_not_show_it(client, own):
    Customer.objects.filter(pk=own.pk).update(opening_balance=Decimal("75"))
    login(client, staff(roles.SUPPORT))
    client.post(reverse("customers:edit", args=[own.pk]), edit_data(own, name="Asha"))
    own.refresh_from_db()
    assert (own.name, own.opening_balance) == ("Asha", Decimal("75.00"))


def test_a_trial_customer_is_moved_to_active(client, marketer):
    customer = CustomerFactory(status=Customer.Status.TRIAL, marketing_staff=marketer)
    login(client, marketer)
    response = client.post(reverse("customers:activate", args=[customer.pk]), follow=True)
    customer.refresh_from_db()
    assert customer.status == Customer.Status.ACTIVE
    assert "is now an active customer" in response.content.decode()


def test_a_stopped_customer_is_not_activated_and_the_page_says_why(client):
    customer = CustomerFactory(status=Customer.Status.STOPPED)
    login(client, staff(roles.SUPPORT))
    response = client.post(reverse("customers:activate", args=[customer.pk]), follow=True)
    customer.refresh_from_db()
    assert customer.status == Customer.Status.STOPPED
    assert "not on trial" in response.content.decode()


def test_activate_is_a_404_for_accounts_and_for_another_marketers_customer(
    client, marketer, theirs
):
    Customer.objects.filter(pk=theirs.pk).update(status=Customer.Status.TRIAL)
    for user in (staff(roles.ACCOUNTS), marketer):
        login(client, user)
        assert client.post(reverse("customers:activate", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Customer.Status.TRIAL
    assert client.get(reverse("customers:activate", args=[theirs.pk])).status_code == 405


def test_areas_closed_since_stay_on_a_customers_form(client, own):
    Area.objects.filter(pk=own.area_id).update(is_active=False)
    login(client, staff(roles.SUPPORT))
    form = client.get(reverse("customers:edit", args=[own.pk])).context["form"]
    assert own.area in form.fields["area"].queryset
    assert (
        own.area
        not in client.get(reverse("customers:create")).context["form"].fields["area"].queryset
    )
