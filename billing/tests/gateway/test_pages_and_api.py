"""Where links are asked for: the accounts staff's payment-links page, the customer's
"pay online" and "recharge" buttons in /me/, and the customer's API. Each goes through
create_payment_link; with no gateway set up each says so and makes nothing."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from billing.models import PaymentLink
from billing.services.online_payments import NOT_SET_UP
from billing.tests.factories import accounts_user
from billing.tests.gateway.fake_razorpay import FakeRazorpay, error, use_razorpay
from customers.tests.factories import CustomerFactory, UserFactory
from earlybird.roles import MARKETING, SUPPORT

pytestmark = pytest.mark.django_db
LINKS = "/staff/billing/payment-links/"
RECHARGE_API = "/api/v1/me/wallet/recharge-link/"


@pytest.fixture
def accounts_client():
    client = Client()
    client.force_login(accounts_user())
    return client


@pytest.fixture
def customer_client(customer):
    client = Client()
    client.force_login(customer.user)
    return client


# --- staff ---------------------------------------------------------------------------------


def test_accounts_staff_make_a_recharge_link_and_see_it_listed(razorpay, accounts_client, customer):
    response = accounts_client.post(
        LINKS, {"customer": customer.code, "purpose": "wallet", "amount": "750"}, follow=True
    )

    link = PaymentLink.objects.get()
    assert (link.customer, link.amount, link.purpose) == (customer, Decimal("750.00"), "wallet")
    page = response.content.decode()
    assert f"{link.short_url}" in page  # in the message, to copy and send
    assert "Waiting for payment" in page
    assert link.created_by is not None


def test_a_bill_link_by_the_bills_code_from_the_customers_phone(
    razorpay, accounts_client, customer, bill
):
    accounts_client.post(
        LINKS, {"customer": "98480 22338", "purpose": "bill", "bill": bill.code.lower()}
    )

    link = PaymentLink.objects.get()
    assert (link.bill, link.amount) == (bill, Decimal("560.00"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"customer": "CU-nobody", "purpose": "wallet", "amount": "10"},
            "No customer with the code",
        ),
        ({"purpose": "bill", "bill": ""}, "Give the code of the bill to pay."),
        ({"purpose": "bill", "bill": "BI-209901-0001"}, "has no bill"),
        ({"purpose": "wallet", "amount": ""}, "Enter the amount to recharge."),
        ({"purpose": "wallet", "amount": "0"}, "Enter an amount from"),
    ],
)
def test_the_form_says_what_is_wrong(razorpay, accounts_client, customer, data, message):
    response = accounts_client.post(LINKS, {"customer": customer.code, **data})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert razorpay.requests == []


def test_without_a_gateway_the_page_says_so_and_makes_nothing(accounts_client, customer):
    page = accounts_client.get(LINKS).content.decode()
    assert "Online payments are not set up" in page

    response = accounts_client.post(
        LINKS, {"customer": customer.code, "purpose": "wallet", "amount": "10"}
    )
    assert NOT_SET_UP.split(":")[0] in response.content.decode()
    assert not PaymentLink.objects.exists()


def test_razorpays_refusal_is_shown_on_the_form(razorpay, accounts_client, customer):
    razorpay.reply("/v1/payment_links", 400, error("BAD_REQUEST_ERROR", "contact is invalid"))
    response = accounts_client.post(
        LINKS, {"customer": customer.code, "purpose": "wallet", "amount": "10"}
    )

    assert "contact is invalid" in response.content.decode()
    assert not PaymentLink.objects.exists()


@pytest.mark.parametrize("role", [MARKETING, SUPPORT])
def test_the_links_page_is_for_accounts_and_admins(role):
    client = Client()
    client.force_login(UserFactory(roles=[role]))
    assert client.get(LINKS).status_code == 404


# --- the customer in /me/ ------------------------------------------------------------------


def test_recharge_online_sends_the_customer_to_razorpay(razorpay, customer_client, customer):
    response = customer_client.post(reverse("me:recharge_online"), {"amount": "300"})

    link = PaymentLink.objects.get()
    assert response.status_code == 302
    assert response["Location"] == link.short_url
    assert (link.customer, link.amount, link.created_by) == (
        customer,
        Decimal("300.00"),
        customer.user,
    )


def test_pay_a_bill_online_sends_the_customer_to_razorpay(razorpay, customer_client, bill):
    response = customer_client.post(reverse("me:bill_pay_online", args=[bill.pk]))

    link = PaymentLink.objects.get()
    assert (response.status_code, response["Location"]) == (302, link.short_url)
    assert link.bill == bill


def test_another_customers_bill_is_a_404(razorpay, bill):
    client = Client()
    client.force_login(CustomerFactory().user)

    assert client.post(reverse("me:bill_pay_online", args=[bill.pk])).status_code == 404
    assert not PaymentLink.objects.exists()


def test_a_bad_amount_or_no_gateway_brings_the_customer_back_with_the_reason(customer_client):
    response = customer_client.post(reverse("me:recharge_online"), {"amount": "-5"}, follow=True)
    assert "Enter an amount from" in response.content.decode()

    response = customer_client.post(reverse("me:recharge_online"), {"amount": "5"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("me:wallet")
    assert "Online payments are not set up" in response.content.decode()
    assert not PaymentLink.objects.exists()


# --- the API -------------------------------------------------------------------------------


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_the_recharge_link_api_makes_a_link_once(razorpay, customer):
    api = api_for(customer.user)

    first = api.post(RECHARGE_API, {"amount": "400.00"}, format="json")
    again = api.post(RECHARGE_API, {"amount": "400"}, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    link = PaymentLink.objects.get()
    assert first.json() == again.json()
    assert first.json()["short_url"] == link.short_url
    assert first.json()["amount"] == "400.00" and first.json()["purpose"] == "wallet"
    assert len(razorpay.posts("/v1/payment_links")) == 1


def test_the_bill_link_api_pays_one_of_your_bills(razorpay, customer, bill):
    response = api_for(customer.user).post(f"/api/v1/me/bills/{bill.pk}/payment-link/")

    assert response.status_code == 201
    assert response.json()["amount"] == "560.00" and response.json()["bill"] == bill.pk
    stranger = api_for(CustomerFactory().user).post(f"/api/v1/me/bills/{bill.pk}/payment-link/")
    assert stranger.status_code == 404


def test_the_api_says_why_without_a_gateway(customer):
    response = api_for(customer.user).post(RECHARGE_API, {"amount": "400"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [NOT_SET_UP]}


def test_the_api_refuses_a_bad_amount_and_staff(razorpay, customer):
    response = api_for(customer.user).post(RECHARGE_API, {"amount": "0.001"}, format="json")
    assert response.status_code == 400 and "amount" in response.json()

    staff = api_for(accounts_user()).post(RECHARGE_API, {"amount": "10"}, format="json")
    assert staff.status_code == 403
    assert razorpay.requests == []


def test_a_gateway_that_cannot_make_the_link_is_a_502(razorpay, customer):
    razorpay.reply("/v1/payment_links", 500, error("SERVER_ERROR", "Down for maintenance"))

    response = api_for(customer.user).post(RECHARGE_API, {"amount": "10"}, format="json")

    assert response.status_code == 502
    assert "Down for maintenance" in response.json()["detail"]


def test_the_bill_pages_offer_online_payment_only_with_a_gateway(
    settings, customer_client, accounts_client, bill
):
    me_bill, staff_bill = (
        reverse("me:bill", args=[bill.pk]),
        reverse("billing:bill_detail", args=[bill.pk]),
    )
    pay_form = f'action="{reverse("me:bill_pay_online", args=[bill.pk])}"'
    link_form = f'<input type="hidden" name="bill" value="{bill.code}">'
    assert pay_form not in customer_client.get(me_bill).content.decode()
    assert link_form not in accounts_client.get(staff_bill).content.decode()

    with FakeRazorpay() as server:
        use_razorpay(settings, server)
        assert pay_form in customer_client.get(me_bill).content.decode()
        assert link_form in accounts_client.get(staff_bill).content.decode()
