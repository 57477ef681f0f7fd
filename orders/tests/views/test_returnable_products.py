"""Returnable products: a container (glass bottle, crate) and a deposit per container,
set on the staff product pages through the product services."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from earlybird import roles
from orders.models import Product
from orders.services import create_product, update_product
from orders.tests.views import login, staff

pytestmark = pytest.mark.django_db


def test_accounts_adds_a_returnable_product_with_its_deposit(client):
    login(client, staff(roles.ACCOUNTS))
    client.post(
        reverse("orders:product_create"),
        {
            "name": "Milk 1 L glass bottle",
            "unit": "packet",
            "price": "70",
            "effective_from": timezone.localdate().isoformat(),
            "returnable": "on",
            "container": " glass bottle ",
            "deposit": "25",
        },
    )
    product = Product.objects.get(name="Milk 1 L glass bottle")
    assert (product.returnable, product.container, product.deposit) == (
        True,
        "glass bottle",
        Decimal("25.00"),
    )
    page = client.get(reverse("orders:product", args=[product.pk])).content.decode()
    assert "returnable glass bottle, ₹25.00 deposit" in page


def test_the_product_form_edits_the_container_and_keeps_it_otherwise(client, milk):
    login(client, staff(roles.ACCOUNTS))
    data = {
        "product-name": milk.name,
        "product-unit": milk.unit,
        "product-sort_order": "0",
        "product-is_active": "on",
        "product-returnable": "on",
        "product-container": "crate",
        "product-deposit": "100",
    }
    client.post(reverse("orders:product_edit", args=[milk.pk]), data)
    milk.refresh_from_db()
    assert (milk.returnable, milk.container, milk.deposit) == (True, "crate", Decimal("100.00"))
    # Another path that does not know about containers (the admin) leaves them alone.
    update_product(product=milk, name="Cow milk", unit=milk.unit, is_active=True)
    milk.refresh_from_db()
    assert (milk.returnable, milk.container, milk.deposit) == (True, "crate", Decimal("100.00"))


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"product-deposit": "20"}, "A deposit is only for a returnable product"),
        ({"product-returnable": "on", "product-deposit": "-1"}, "Enter an amount from"),
        ({"product-returnable": "on", "product-deposit": "abc"}, "Enter an amount in rupees"),
        ({"product-returnable": "on", "product-container": "x" * 41}, "at most 40"),
    ],
)
def test_a_bad_container_or_deposit_says_so_and_writes_nothing(client, milk, data, words):
    login(client, staff(roles.ACCOUNTS))
    base = {
        "product-name": milk.name,
        "product-unit": milk.unit,
        "product-sort_order": "0",
        "product-is_active": "on",
    }
    response = client.post(reverse("orders:product_edit", args=[milk.pk]), {**base, **data})
    assert words in response.content.decode()
    milk.refresh_from_db()
    assert (milk.returnable, milk.deposit) == (False, Decimal("0.00"))


def test_the_service_refuses_a_deposit_on_a_product_that_is_not_returnable():
    with pytest.raises(ValidationError, match="only for a returnable product"):
        create_product(
            name="Ghee",
            unit="kg",
            price=Decimal("600"),
            effective_from=timezone.localdate(),
            deposit=Decimal("10"),
        )
    assert not Product.objects.filter(name="Ghee").exists()


def test_the_database_refuses_a_negative_deposit_or_one_without_a_returnable_product(milk):
    for values in ({"returnable": True, "deposit": -1}, {"returnable": False, "deposit": 5}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Product.objects.filter(pk=milk.pk).update(**values)
        product = Product.objects.get(pk=milk.pk)
        product.returnable, product.deposit = values["returnable"], Decimal(values["deposit"])
        with pytest.raises(ValidationError):
            product.full_clean()
