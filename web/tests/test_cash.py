"""Cash collected on the route (web.cash, "boy:cash"): a payment received by the
delivery boy, from his own customers only."""

from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from billing.models import Payment
from customers.tests.factories import CustomerFactory
from deliveries.services import assign_to_route
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird.idempotency import issue_form_key

pytestmark = pytest.mark.django_db


def cash_form(boy, amount: str, **more) -> dict:
    return {"amount": amount, "once": issue_form_key(user=boy.user, operation="boy:cash"), **more}


def on_route(boy):
    customer = CustomerFactory()
    assign_to_route(customer=customer, delivery_boy=boy)
    return customer


def test_cash_collected_becomes_a_payment_received_by_him(client, boy):
    customer = on_route(boy)
    client.post(reverse("boy:cash", args=[customer.pk]), cash_form(boy, "250.50"))
    payment = Payment.objects.get(customer=customer)
    assert (payment.amount, payment.method, payment.received_by) == (
        Decimal("250.50"),
        Payment.Method.CASH,
        boy.user,
    )
    page = client.post(reverse("boy:cash", args=[customer.pk]), cash_form(boy, "0"))
    assert "Enter an amount from ₹0.01 to ₹20,000.00." in page.content.decode()
    assert Payment.objects.count() == 1


def test_it_404s_for_another_delivery_boys_customer(client, boy):
    stranger = on_route(DeliveryBoyFactory())
    assert client.get(reverse("boy:cash", args=[stranger.pk])).status_code == 404
    response = client.post(reverse("boy:cash", args=[stranger.pk]), cash_form(boy, "100"))
    assert response.status_code == 404
    assert not Payment.objects.exists()


def test_after_recording_it_goes_back_to_the_stop_on_the_route(client, boy):
    customer = on_route(boy)
    response = client.post(reverse("boy:cash", args=[customer.pk]), cash_form(boy, "100"))
    assert response.url == f"{reverse('boy:route')}?stop={customer.pk}#stop-{customer.pk}"
    assert Payment.objects.get().paid_on == timezone.localdate()


def test_the_same_cash_form_sent_twice_records_it_once(client, boy):
    customer = on_route(boy)
    url = reverse("boy:cash", args=[customer.pk])
    key = client.get(url).context["form"]["once"].value()

    first = client.post(url, {"amount": "250", "once": key})
    second = client.post(url, {"amount": "250", "once": key}, follow=True)

    payment = Payment.objects.get()
    assert (
        first.url
        == second.redirect_chain[-1][0]
        == f"{reverse('boy:route')}?stop={customer.pk}#stop-{customer.pk}"
    )
    assert f"Already recorded: {payment.code}, ₹250.00 cash from {customer.name}." in (
        second.content.decode()
    )


def test_a_cash_form_without_a_key_the_server_issued_records_nothing(client, boy):
    customer = on_route(boy)

    response = client.post(reverse("boy:cash", args=[customer.pk]), {"amount": "250"})

    assert "This form was out of date" in response.content.decode()
    assert response.context["form"]["once"].value()  # a fresh key: the next tap records it
    assert not Payment.objects.exists()


@override_settings(CASH_COLLECTION_MAX_AMOUNT=Decimal("5000"))
def test_more_cash_than_a_delivery_boy_may_take_is_refused_on_the_amount(client, boy):
    customer = on_route(boy)
    url = reverse("boy:cash", args=[customer.pk])

    for amount in ("5000.01", "9999999999.99", "99999999999999"):
        response = client.post(url, cash_form(boy, amount))
        assert response.status_code == 200
        assert response.context["form"].errors["amount"], amount
    page = client.post(url, cash_form(boy, "5000.01")).content.decode()

    assert "Enter an amount from ₹0.01 to ₹5,000.00." in page
    assert not Payment.objects.exists()
    assert client.post(url, cash_form(boy, "5000.00")).status_code == 302
    assert Payment.objects.get().amount == Decimal("5000.00")
