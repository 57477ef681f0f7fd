"""A recharge at the door: the delivery boy takes cash from a prepaid customer into the
wallet (a payment received by him, within his cash limit), which resumes a held day at the
next generation; a postpaid customer's cash still goes toward the bills."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.models import Payment, WalletEntry
from billing.services.wallet import set_billing_mode
from customers.tests.factories import CustomerFactory
from deliveries.models import Hold
from deliveries.services import assign_to_route, generate_deliveries
from earlybird.idempotency import issue_form_key
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def held(boy):
    """A prepaid customer on his route with an empty wallet: tomorrow is held."""
    customer = CustomerFactory(name="Ravi Teja")
    assign_to_route(customer=customer, delivery_boy=boy)
    SubscriptionFactory(
        customer=customer, product=ProductFactory(price="60.00"), start_date=today()
    )
    set_billing_mode(customer=customer, mode="prepaid", effective_from=today())
    generate_deliveries(day=today() + dt.timedelta(days=1))
    assert Hold.objects.filter(customer=customer).exists()
    return customer


def cash_form(boy, amount: str, **more) -> dict:
    return {"amount": amount, "once": issue_form_key(user=boy.user, operation="boy:cash"), **more}


def test_the_route_says_the_stop_is_paused(client, boy, held):
    generate_deliveries(day=today())

    page = client.get(reverse("boy:route")).content.decode()

    assert "Paused: low balance" in page
    assert reverse("boy:cash", args=[held.pk]) in page


def test_cash_at_the_door_recharges_the_wallet_and_the_next_generation_delivers(client, boy, held):
    form = client.get(reverse("boy:cash", args=[held.pk]))
    assert "Prepaid · wallet ₹0.00" in form.content.decode()
    assert form.context["form"]["into"].value() == "wallet"

    response = client.post(
        reverse("boy:cash", args=[held.pk]), cash_form(boy, "600", into="wallet"), follow=True
    )

    payment = Payment.objects.get(customer=held)
    assert (payment.purpose, payment.method, payment.amount, payment.received_by) == (
        "wallet",
        "cash",
        Decimal("600.00"),
        boy.user,
    )
    assert WalletEntry.objects.get(payment=payment).kind == "recharge"
    assert "₹600.00 wallet recharge from Ravi Teja recorded." in response.content.decode()
    tomorrow = today() + dt.timedelta(days=1)
    generate_deliveries(day=tomorrow)
    assert not Hold.objects.filter(customer=held).exists()
    assert held.deliveries.filter(date=tomorrow, status="pending").count() == 1


def test_cash_from_a_prepaid_customer_may_go_toward_old_bills(client, boy, held):
    client.post(reverse("boy:cash", args=[held.pk]), cash_form(boy, "150", into="bill"))

    payment = Payment.objects.get(customer=held)
    assert payment.purpose == "bill"
    assert not WalletEntry.objects.filter(customer=held).exists()


@pytest.mark.parametrize(
    ("amount", "into"), [("20000.01", "wallet"), ("abc", "wallet"), ("100", "gold")]
)
def test_a_bad_recharge_at_the_door_is_a_form_error(client, boy, held, amount, into):
    response = client.post(reverse("boy:cash", args=[held.pk]), cash_form(boy, amount, into=into))

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Payment.objects.exists()


def test_a_postpaid_customers_cash_goes_toward_the_bills(client, boy):
    customer = CustomerFactory()
    assign_to_route(customer=customer, delivery_boy=boy)

    form = client.get(reverse("boy:cash", args=[customer.pk]))
    client.post(reverse("boy:cash", args=[customer.pk]), cash_form(boy, "80", into="wallet"))

    assert "into" not in form.context["form"].fields
    assert "Prepaid" not in form.content.decode()
    assert Payment.objects.get(customer=customer).purpose == "bill"
