"""A customer created without a password gets a set-password link: staff see it once
after creating the customer (page or API) and may ask for a new one on the customer's page;
the customer follows it, sets a password and logs in at /me/login/. The link works once and
for PASSWORD_RESET_TIMEOUT only.

The cast: the marketer who owns the customer, support, another marketer (an outsider to
that customer), accounts (who may see but not edit customers)."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from customers.models import Customer
from customers.tests.factories import CustomerFactory, UserFactory
from earlybird import roles

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver/me/set-password/[\w-]+/[\w-]+/")
NEW_PASSWORD = "Fresh-curd-2026"


def new_customer(**extra) -> dict:
    """The staff create form with no password typed and none made up."""
    return {
        "name": "Anitha Reddy",
        "phone": "98480 22338",
        "status": "trial",
        "sub_pattern": "daily",
        "sub_shift": "morning",
        **extra,
    }


def links_in(response) -> list[str]:
    return LINK.findall(response.content.decode())


def set_password(client, link: str, password: str = NEW_PASSWORD):
    """Follow the link and set a password: the response after the form is sent."""
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    return client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": password, "new_password2": password},
        follow=True,
    )


def link_still_works(client, link: str) -> bool:
    return client.get(link, follow=True).context["validlink"]


def test_a_customer_created_without_a_password_sets_one_by_the_link_shown_once(client):
    marketer = UserFactory(roles=[roles.MARKETING])
    client.force_login(marketer)

    response = client.post(reverse("customers:create"), new_customer(), follow=True)

    customer = Customer.objects.get(phone="9848022338")
    assert not customer.user.has_usable_password()
    [link] = links_in(response)
    detail = reverse("customers:detail", args=[customer.pk])
    assert response.redirect_chain[-1][0] == detail
    assert links_in(client.get(detail)) == []  # shown once

    client.logout()
    done = set_password(client, link)
    assert done.redirect_chain[-1][0] == reverse("me:home")
    client.logout()
    login = client.post(
        reverse("me:login"), {"username": "98480 22338", "password": NEW_PASSWORD}, follow=True
    )
    assert login.redirect_chain[-1][0] == reverse("me:home")
    assert int(client.session["_auth_user_id"]) == customer.user.pk

    client.logout()
    assert not link_still_works(client, link)  # used once, spent


def test_a_made_up_password_is_shown_instead_of_a_link(client):
    client.force_login(UserFactory(roles=[roles.SUPPORT]))
    response = client.post(
        reverse("customers:create"), new_customer(generate_password="on"), follow=True
    )
    assert links_in(response) == []
    assert "password" in " ".join(str(m) for m in response.context["messages"])


def test_the_link_expires_after_the_reset_timeout(client, frozen_clock):
    customer = CustomerFactory(phone="9848022338")
    client.force_login(UserFactory(roles=[roles.SUPPORT]))
    [link] = links_in(
        client.post(reverse("customers:password_link", args=[customer.pk]), follow=True)
    )
    client.logout()

    frozen_clock.shift(dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT - 60))
    assert link_still_works(client, link)
    frozen_clock.shift(dt.timedelta(seconds=120))
    assert not link_still_works(client, link)


def test_staff_who_may_edit_the_customer_get_a_new_link_on_demand(client):
    marketer = UserFactory(roles=[roles.MARKETING])
    customer = CustomerFactory(marketing_staff=marketer)
    client.force_login(marketer)
    detail = reverse("customers:detail", args=[customer.pk])
    button = reverse("customers:password_link", args=[customer.pk])
    assert button in client.get(detail).content.decode()

    response = client.post(button, follow=True)

    assert response.redirect_chain[-1][0] == detail
    [link] = links_in(response)
    client.logout()
    set_password(client, link)
    customer.user.refresh_from_db()
    assert customer.user.check_password(NEW_PASSWORD)


def test_asking_for_a_link_is_a_post(client):
    customer = CustomerFactory()
    client.force_login(UserFactory(roles=[roles.SUPPORT]))
    response = client.get(reverse("customers:password_link", args=[customer.pk]))
    assert response.status_code == 405


@pytest.mark.parametrize("who", ["colleague", "accounts"])
def test_others_cannot_get_a_link_for_the_customer(client, who):
    customer = CustomerFactory(marketing_staff=UserFactory(roles=[roles.MARKETING]))
    role = roles.MARKETING if who == "colleague" else roles.ACCOUNTS
    client.force_login(UserFactory(roles=[role]))

    response = client.post(reverse("customers:password_link", args=[customer.pk]))

    assert response.status_code == 404
    if who == "accounts":  # sees the customer, may not edit: no button either
        page = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
        assert "set-password-link" not in page


def test_the_api_gives_the_link_once_when_created_without_a_password(client):
    api = APIClient()
    api.force_login(UserFactory(roles=[roles.SUPPORT]))

    created = api.post(
        reverse("api:customers"), {"name": "రవి కుమార్", "phone": "98480 22338"}, format="json"
    )

    assert created.status_code == 201, created.content
    link = created.json()["set_password_link"]
    assert LINK.fullmatch(link)
    detail = api.get(reverse("api:customer", args=[created.json()["id"]])).json()
    assert "set_password_link" not in detail
    set_password(client, link)
    customer = Customer.objects.get(pk=created.json()["id"])
    assert customer.name == "రవి కుమార్"
    assert customer.user.check_password(NEW_PASSWORD)


def test_the_api_gives_no_link_when_a_password_was_given(client):
    api = APIClient()
    api.force_login(UserFactory(roles=[roles.SUPPORT]))
    created = api.post(
        reverse("api:customers"),
        {"name": "Asha", "phone": "98480 22338", "password": "Ghee-Lamp-2026"},
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["set_password_link"] is None
