"""Who may open the customer pages; logging in; the set-password link."""

import pytest
from django.urls import reverse

from billing import upi
from customers.tests.factories import CustomerFactory, UserFactory
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird import roles
from web.portal import selectors, views
from web.portal.access import set_password_link
from web.tests.portal import page_of

pytestmark = pytest.mark.django_db

# --- who may open the pages -----------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_customer_login(client):
    response = client.get(reverse("me:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("me:login") + "?next=")


@pytest.mark.parametrize("role", [roles.SUPPORT, roles.ADMIN, roles.ACCOUNTS])
def test_staff_get_a_404_on_every_customer_page(client, role):
    client.force_login(UserFactory(roles=[role]))
    for name in ("me:home", "me:bills", "me:new_order"):
        assert client.get(reverse(name)).status_code == 404


def test_a_delivery_boy_gets_a_404(client):
    client.force_login(DeliveryBoyFactory().user)
    assert client.get(reverse("me:home")).status_code == 404


def test_a_customer_logs_in_with_a_phone_number_in_any_format(client):
    customer = CustomerFactory(phone="9848022338", password="Milk-morning-7")
    response = client.post(
        reverse("me:login"), {"username": "+91 98480-22338", "password": "Milk-morning-7"}
    )
    assert response.status_code == 302
    assert response.url == reverse("me:home")
    assert int(client.session["_auth_user_id"]) == customer.user.pk


def test_a_wrong_password_is_refused_on_the_customer_login(client):
    CustomerFactory(phone="9848022338", password="Milk-morning-7")
    response = client.post(reverse("me:login"), {"username": "9848022338", "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Please enter a correct" in page_of(response)


# --- the set-password link ------------------------------------------------------------


def test_the_set_password_link_works_once(client):
    customer = CustomerFactory(phone="9876543210")  # no password yet
    link = set_password_link(customer)
    assert link.startswith("/me/set-password/")

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Fresh-milk-2026", "new_password2": "Fresh-milk-2026"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("me:home")
    assert int(client.session["_auth_user_id"]) == customer.user.pk
    customer.user.refresh_from_db()
    assert customer.user.check_password("Fresh-milk-2026")

    client.logout()
    again = client.get(link, follow=True)
    assert again.context["validlink"] is False
    assert "already been used or has expired" in page_of(again)


def test_the_set_password_link_of_a_non_customer_does_not_work(client):
    staff = UserFactory(roles=[roles.SUPPORT])
    fake = type("Fake", (), {"user": staff})()
    response = client.get(set_password_link(fake), follow=True)
    assert response.context["validlink"] is False


def test_the_set_password_link_can_be_absolute(rf):
    customer = CustomerFactory()
    link = set_password_link(customer, request=rf.get("/", HTTP_HOST="localhost"))
    assert link.startswith("http://localhost/me/set-password/")


def test_the_customer_pages_use_the_same_link_builder():
    assert views.upi_link is upi.upi_link
    assert not hasattr(selectors, "upi_link")
