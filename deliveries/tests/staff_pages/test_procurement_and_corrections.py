"""Procurement totals for a day, and staff corrections of a past delivery."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from customers.tests.factories import UserFactory
from deliveries.models import Delivery
from deliveries.selectors import procurement_for
from deliveries.services import generate_deliveries
from deliveries.tests.staff_pages import DAY, route_with
from earlybird import roles
from orders.tests.factories import OneTimeOrderFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_procurement_totals_per_product_area_and_delivery_boy(client, support):
    milk = ProductFactory(name="Milk 1 L")
    boy = route_with(3, product=milk)
    OneTimeOrderFactory(product=milk, quantity=Decimal("2"), delivery_date=DAY)
    generate_deliveries(day=DAY)
    tables = procurement_for(day=DAY)
    assert [(r.product, r.quantity) for r in tables["product"]] == [("Milk 1 L", Decimal("5.000"))]
    by_boy = {r.group: r.quantity for r in tables["delivery boy"]}
    assert by_boy == {boy.name: Decimal("3.000"), "—": Decimal("2.000")}
    response = client.get(
        reverse("deliveries:procurement"), {"date": DAY.isoformat(), "format": "csv"}
    )
    assert "product,All,Milk 1 L,litre,5.000,5.000," in response.content.decode().replace("\r", "")


def test_the_procurement_command_prints_the_totals(capsys):
    route_with(2, product=ProductFactory(name="Toned milk"))
    call_command("procurement", "--date", DAY.isoformat())
    out = capsys.readouterr().out
    assert "Toned milk" in out and "2 litres" in out


def test_staff_correct_a_past_delivery_and_it_is_attributed(client, support):
    boy = route_with(1)
    delivery = Delivery.objects.get()
    url = reverse("deliveries:correct", args=[delivery.pk])
    response = client.post(url, {"delivered_qty": "0.5"})
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.delivered_qty) == ("partial", Decimal("0.5"))
    assert (delivery.confirmed_via, delivery.confirmed_by) == ("staff", support)
    assert delivery.delivery_boy == boy


def test_a_correction_above_ordered_is_a_form_error_and_writes_nothing(client, support):
    route_with(1)
    delivery = Delivery.objects.get()
    response = client.post(
        reverse("deliveries:correct", args=[delivery.pk]), {"delivered_qty": "9"}
    )
    assert "must be between 0 and the 1 ordered" in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING


def test_accounts_staff_cannot_correct_deliveries(client):
    route_with(1)
    client.force_login(UserFactory(roles=[roles.ACCOUNTS]))
    delivery = Delivery.objects.get()
    response = client.post(
        reverse("deliveries:correct", args=[delivery.pk]), {"delivered_qty": "1"}
    )
    assert response.status_code == 404
    assert Delivery.objects.get().status == Delivery.Status.PENDING


def test_the_procurement_csv_shows_a_formula_like_name_as_text(client, support):
    route_with(1, product=ProductFactory(name='=HYPERLINK("http://evil.example","Milk")'))
    response = client.get(
        reverse("deliveries:procurement"), {"date": DAY.isoformat(), "format": "csv"}
    )
    text = response.content.decode()
    assert "'=HYPERLINK(" in text
    assert ",=HYPERLINK(" not in text and '"=HYPERLINK(' not in text
