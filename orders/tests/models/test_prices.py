"""Product prices, customer prices, and the price rule generation uses."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from customers.tests.factories import CustomerFactory
from orders.models import CustomerPrice, ProductPrice
from orders.services import set_price
from orders.tests.factories import ProductFactory
from orders.tests.models import JAN_1, JAN_20, refused_by_database, refused_by_full_clean

pytestmark = pytest.mark.django_db


# --- ProductPrice -----------------------------------------------------------------


def test_a_product_can_have_prices_on_different_days():
    product = ProductFactory()  # 60.00 from 2020-01-01
    price = ProductPrice(product=product, price=Decimal("62.00"), effective_from=JAN_1)
    price.full_clean()
    price.save()
    assert product.prices.count() == 2


def test_full_clean_refuses_a_second_product_price_on_the_same_day():
    product = ProductFactory()
    ProductPrice.objects.create(product=product, price=Decimal("62.00"), effective_from=JAN_1)
    refused_by_full_clean(
        ProductPrice(product=product, price=Decimal("64.00"), effective_from=JAN_1),
        "already exists",
    )


def test_the_database_refuses_a_second_product_price_on_the_same_day():
    product = ProductFactory()
    ProductPrice.objects.create(product=product, price=Decimal("62.00"), effective_from=JAN_1)
    refused_by_database(
        lambda: ProductPrice.objects.create(
            product=product, price=Decimal("64.00"), effective_from=JAN_1
        ),
        "orders_productprice_one_per_day",
    )
    assert product.prices.filter(effective_from=JAN_1).count() == 1


def test_setting_a_price_again_on_the_same_day_replaces_it():
    product = ProductFactory()
    set_price(product=product, price=Decimal("62.00"), effective_from=JAN_1)
    set_price(product=product, price=Decimal("64.00"), effective_from=JAN_1)
    assert list(product.prices.filter(effective_from=JAN_1).values_list("price", flat=True)) == [
        Decimal("64.00")
    ]


def test_full_clean_refuses_a_negative_product_price():
    refused_by_full_clean(
        ProductPrice(product=ProductFactory(), price=Decimal("-0.01"), effective_from=JAN_1),
        "orders_productprice_price_not_negative",
    )


def test_the_database_refuses_a_negative_product_price():
    product = ProductFactory()
    refused_by_database(
        lambda: ProductPrice.objects.create(
            product=product, price=Decimal("-0.01"), effective_from=JAN_1
        ),
        "orders_productprice_price_not_negative",
    )
    refused_by_database(
        lambda: ProductPrice.objects.filter(product=product).update(price=Decimal("-5")),
        "orders_productprice_price_not_negative",
    )


def test_a_free_product_price_is_allowed():
    price = ProductPrice(product=ProductFactory(), price=Decimal("0"), effective_from=JAN_1)
    price.full_clean()
    price.save()
    assert price.pk is not None


# --- CustomerPrice ----------------------------------------------------------------


def test_full_clean_refuses_a_second_customer_price_on_the_same_day():
    customer, product = CustomerFactory(), ProductFactory()
    CustomerPrice.objects.create(
        customer=customer, product=product, price=Decimal("55.00"), effective_from=JAN_1
    )
    refused_by_full_clean(
        CustomerPrice(
            customer=customer, product=product, price=Decimal("58.00"), effective_from=JAN_1
        ),
        "already exists",
    )


def test_the_database_refuses_a_second_customer_price_on_the_same_day():
    customer, product = CustomerFactory(), ProductFactory()
    CustomerPrice.objects.create(
        customer=customer, product=product, price=Decimal("55.00"), effective_from=JAN_1
    )
    refused_by_database(
        lambda: CustomerPrice.objects.create(
            customer=customer, product=product, price=Decimal("58.00"), effective_from=JAN_1
        ),
        "orders_customerprice_one_per_day",
    )


def test_two_customers_may_have_their_own_price_on_the_same_day():
    product = ProductFactory()
    for customer in (CustomerFactory(), CustomerFactory()):
        price = CustomerPrice(
            customer=customer, product=product, price=Decimal("55.00"), effective_from=JAN_1
        )
        price.full_clean()
        price.save()
    assert CustomerPrice.objects.filter(product=product, effective_from=JAN_1).count() == 2


def test_full_clean_refuses_a_negative_customer_price():
    refused_by_full_clean(
        CustomerPrice(
            customer=CustomerFactory(),
            product=ProductFactory(),
            price=Decimal("-1.00"),
            effective_from=JAN_1,
        ),
        "orders_customerprice_price_not_negative",
    )


def test_the_database_refuses_a_negative_customer_price():
    customer, product = CustomerFactory(), ProductFactory()
    refused_by_database(
        lambda: CustomerPrice.objects.create(
            customer=customer, product=product, price=Decimal("-1.00"), effective_from=JAN_1
        ),
        "orders_customerprice_price_not_negative",
    )


# --- orders_price_on(): the price rule generation uses, in SQL ---------------------


def sql_price_on(product, day, customer=None):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT orders_price_on(%s, %s, %s)", [customer and customer.pk, product.pk, day]
        )
        return cursor.fetchone()[0]


def test_the_price_on_a_day_is_the_latest_in_force_and_a_customer_price_wins():
    product = ProductFactory(price="60.00")  # from 2020-01-01
    customer, other = CustomerFactory(), CustomerFactory()
    set_price(product=product, price=Decimal("64.00"), effective_from=dt.date(2026, 1, 16))
    set_price(product=product, price=Decimal("58.00"), effective_from=JAN_20, customer=customer)

    assert sql_price_on(product, dt.date(2026, 1, 15)) == Decimal("60.00")
    assert sql_price_on(product, dt.date(2026, 1, 16)) == Decimal("64.00")
    assert sql_price_on(product, dt.date(2026, 1, 19), customer) == Decimal("64.00")  # not yet
    assert sql_price_on(product, JAN_20, customer) == Decimal("58.00")
    assert sql_price_on(product, JAN_20, other) == Decimal("64.00")
    assert sql_price_on(product, dt.date(2019, 12, 31)) is None  # before any price
