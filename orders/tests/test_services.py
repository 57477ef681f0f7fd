import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from customers.tests.factories import CustomerFactory, UserFactory
from earlybird import roles
from orders.models import Order, OrderLine, ProductPrice
from orders.services import LineSpec, create_one_time_order, create_subscription, set_price
from orders.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_it_creates_a_subscription_with_its_lines_and_a_code():
    customer = CustomerFactory()
    milk, curd = ProductFactory(), ProductFactory()
    order = create_subscription(
        customer=customer,
        lines=[LineSpec(milk, Decimal("1.5")), LineSpec(curd, Decimal("1"))],
        start_date=dt.date(2026, 2, 1),
        pattern=Order.Pattern.WEEKDAYS,
        weekdays=[4, 0, 0],
    )
    assert order.code.startswith("SU-")
    assert order.weekdays == [0, 4]
    assert sorted(order.lines.values_list("quantity", flat=True)) == [Decimal("1"), Decimal("1.5")]


def test_a_subscription_with_no_lines_or_a_repeated_product_writes_nothing():
    customer = CustomerFactory()
    milk = ProductFactory()
    with pytest.raises(ValidationError):
        create_subscription(customer=customer, lines=[], start_date=dt.date(2026, 2, 1))
    with pytest.raises(ValidationError) as excinfo:
        create_subscription(
            customer=customer,
            lines=[LineSpec(milk, Decimal("1")), LineSpec(milk, Decimal("2"))],
            start_date=dt.date(2026, 2, 1),
        )
    assert "listed twice" in str(excinfo.value)
    assert not Order.objects.exists()
    assert not OrderLine.objects.exists()


def test_an_end_before_the_start_is_a_form_error_and_nothing_is_half_saved():
    with pytest.raises(ValidationError) as excinfo:
        create_subscription(
            customer=CustomerFactory(),
            lines=[LineSpec(ProductFactory(), Decimal("1"))],
            start_date=dt.date(2026, 2, 10),
            end_date=dt.date(2026, 2, 1),
        )
    assert excinfo.value.messages
    assert not Order.objects.exists()


def test_a_one_time_order_is_for_one_day():
    order = create_one_time_order(
        customer=CustomerFactory(),
        delivery_date=dt.date(2026, 3, 8),
        lines=[LineSpec(ProductFactory(), Decimal("2"))],
    )
    assert order.code.startswith("OR-")
    assert (order.kind, order.status) == (Order.Kind.ONE_TIME, Order.Status.PLACED)
    assert order.start_date == order.end_date == dt.date(2026, 3, 8)


def test_setting_a_price_twice_for_a_day_replaces_it():
    product = ProductFactory()
    set_price(product=product, price=Decimal("70"), effective_from=dt.date(2026, 4, 1))
    set_price(product=product, price=Decimal("72"), effective_from=dt.date(2026, 4, 1))
    prices = ProductPrice.objects.filter(product=product, effective_from=dt.date(2026, 4, 1))
    assert list(prices.values_list("price", flat=True)) == [Decimal("72.00")]


def test_a_negative_price_is_refused():
    product = ProductFactory()
    with pytest.raises(ValidationError) as excinfo:
        set_price(product=product, price=Decimal("-1"), effective_from=dt.date(2026, 4, 1))
    assert list(excinfo.value.message_dict) == ["price"]
    assert not product.prices.filter(effective_from=dt.date(2026, 4, 1)).exists()


def test_only_accounts_and_admins_set_prices_on_every_path():
    product = ProductFactory(price="50.00")
    before = ProductPrice.objects.count()
    for role in (roles.MARKETING, roles.SUPPORT, roles.DELIVERY_BOY, roles.CUSTOMER):
        with pytest.raises(ValidationError, match="Only accounts staff or an admin"):
            set_price(
                product=product,
                price=Decimal("60"),
                effective_from=dt.date(2026, 12, 1),
                by=UserFactory(roles=[role]),
            )
    assert ProductPrice.objects.count() == before
    set_price(
        product=product,
        price=Decimal("60"),
        effective_from=dt.date(2026, 12, 1),
        by=UserFactory(roles=[roles.ACCOUNTS]),
    )
    assert ProductPrice.objects.count() == before + 1


def test_a_price_above_the_money_cap_is_refused_on_the_price():
    with pytest.raises(ValidationError) as refused:
        set_price(
            product=ProductFactory(price="50.00"),
            price=Decimal("99999999.99"),
            effective_from=dt.date(2026, 12, 1),
        )
    assert "price" in refused.value.message_dict
