"""Products, their prices and a customer's own prices."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from earlybird import roles
from orders.models import CustomerPrice, Product, ProductPrice
from orders.tests.views import assert_404_for, days, login, outsider_users, staff

pytestmark = [pytest.mark.django_db, pytest.mark.any_day]


def test_every_staff_role_sees_products_with_todays_and_the_next_price(client, milk):
    ProductPrice.objects.create(product=milk, price=Decimal("58.00"), effective_from=days(10))
    for role in (roles.MARKETING, roles.SUPPORT, roles.ACCOUNTS):
        login(client, staff(role))
        page = client.get(reverse("orders:products")).content.decode()
        assert "₹56.00" in page and "₹58.00 from" in page
        can_manage = reverse("orders:product", args=[milk.pk]) in page
        assert can_manage is (role == roles.ACCOUNTS)
    assert_404_for(client, outsider_users()[1:], "get", reverse("orders:products"))


def test_accounts_adds_a_product_with_its_first_price(client):
    login(client, staff(roles.ACCOUNTS))
    response = client.post(
        reverse("orders:product_create"),
        {"name": "Paneer 200 g", "unit": "packet", "price": "90", "effective_from": "2026-02-01"},
    )
    product = Product.objects.get(name="Paneer 200 g")
    assert response.url == reverse("orders:product", args=[product.pk])
    assert list(product.prices.values_list("price", "effective_from")) == [
        (Decimal("90.00"), dt.date(2026, 2, 1))
    ]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"name": "Cow milk"}, "Product with this Name already exists."),
        ({"name": ""}, "Give the product a name."),
        ({"price": "-5"}, "Enter an amount from ₹0.00 to ₹10,00,000.00."),
        ({"price": "10000000"}, "Enter an amount from ₹0.00 to ₹10,00,000.00."),
        ({"price": "12.345"}, "at most 2 decimals"),
    ],
)
def test_a_product_form_with_mistakes_says_so_and_writes_nothing(client, milk, data, words):
    login(client, staff(roles.ACCOUNTS))
    before = (Product.objects.count(), ProductPrice.objects.count())
    response = client.post(
        reverse("orders:product_create"),
        {"name": "Ghee", "unit": "kg", "price": "600", "effective_from": "2026-02-01", **data},
    )
    assert words in response.content.decode()
    assert (Product.objects.count(), ProductPrice.objects.count()) == before


def test_a_new_price_from_a_day_on_keeps_the_earlier_price(client, milk):
    login(client, staff(roles.ACCOUNTS))
    client.post(
        reverse("orders:product_price", args=[milk.pk]),
        {"price-price": "60", "price-effective_from": days(1).isoformat()},
    )
    assert list(milk.prices.order_by("effective_from").values_list("price", flat=True)) == [
        Decimal("56.00"),
        Decimal("60.00"),
    ]
    page = client.get(reverse("orders:product", args=[milk.pk])).content.decode()
    assert "(to come)" in page


def test_a_negative_price_is_refused_on_the_field(client, milk):
    login(client, staff(roles.ACCOUNTS))
    response = client.post(
        reverse("orders:product_price", args=[milk.pk]),
        {"price-price": "-1", "price-effective_from": days(1).isoformat()},
    )
    assert (
        "Enter an amount from ₹0.00 to ₹10,00,000.00."
        in (response.context["price_form"].errors["price"])
    )
    assert milk.prices.count() == 1


def test_a_product_is_renamed_and_taken_off_sale(client, milk):
    login(client, staff(roles.ADMIN))
    client.post(
        reverse("orders:product_edit", args=[milk.pk]),
        {"product-name": "Cow milk 1 L", "product-unit": "litre", "product-sort_order": "2"},
    )
    milk.refresh_from_db()
    assert (milk.name, milk.is_active, milk.sort_order) == ("Cow milk 1 L", False, 2)


def test_a_product_edit_with_mistakes_shows_the_page_again_with_them(client, milk):
    # It used to answer 500: the page was drawn with `product` given twice.
    login(client, staff(roles.ACCOUNTS))
    response = client.post(
        reverse("orders:product_edit", args=[milk.pk]),
        {"product-name": "", "product-unit": "litre", "product-sort_order": "-1"},
    )
    assert response.status_code == 200
    errors = response.context["product_form"].errors
    assert errors["name"] == ["Give the product a name."]
    assert errors["sort_order"] == ["Use 0 or more."]
    milk.refresh_from_db()
    assert milk.name == "Cow milk"


def test_product_management_is_a_404_for_marketing_and_support(client, milk):
    users = [staff(roles.MARKETING), staff(roles.SUPPORT), *outsider_users()[1:]]
    assert_404_for(client, users, "get", reverse("orders:product", args=[milk.pk]))
    assert_404_for(client, users, "get", reverse("orders:product_create"))
    assert_404_for(
        client,
        users,
        "post",
        reverse("orders:product_price", args=[milk.pk]),
        {"price-price": "1", "price-effective_from": days(1).isoformat()},
    )
    assert milk.prices.count() == 1


def test_accounts_gives_a_customer_a_special_price(client, customer, milk):
    login(client, staff(roles.ACCOUNTS))
    url = reverse("orders:customer_prices", args=[customer.pk])
    response = client.post(
        url, {"product": milk.pk, "price": "50", "effective_from": days(1).isoformat()}
    )
    assert response.url == url
    special = CustomerPrice.objects.get()
    assert (special.customer, special.product, special.price) == (customer, milk, Decimal("50"))
    detail = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert "₹50.00" in detail


def test_a_special_price_without_a_product_says_so_and_writes_nothing(client, customer):
    login(client, staff(roles.ACCOUNTS))
    response = client.post(
        reverse("orders:customer_prices", args=[customer.pk]),
        {"price": "50", "effective_from": days(1).isoformat()},
    )
    assert "Choose the product." in response.content.decode()
    assert not CustomerPrice.objects.exists()


def test_special_prices_are_a_404_for_support_and_marketing(client, marketer, customer, milk):
    url = reverse("orders:customer_prices", args=[customer.pk])
    data = {"product": milk.pk, "price": "1", "effective_from": days(1).isoformat()}
    assert_404_for(client, [marketer, staff(roles.SUPPORT), *outsider_users()], "post", url, data)
    assert not CustomerPrice.objects.exists()
