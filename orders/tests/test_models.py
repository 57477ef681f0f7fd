"""Prices, orders, lines, day overrides and pauses: each rule is broken twice, once
through full_clean() (ValidationError) and once by a raw write (IntegrityError)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from customers.tests.factories import CustomerFactory
from orders.models import CustomerPrice, DayOverride, Order, OrderLine, OrderPause, ProductPrice
from orders.services import set_price
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

JAN_1 = dt.date(2026, 1, 1)
JAN_10 = dt.date(2026, 1, 10)
JAN_20 = dt.date(2026, 1, 20)


def messages(excinfo) -> str:
    return " ".join(str(m) for m in excinfo.value.messages)


def refused_by_full_clean(instance, expected: str) -> None:
    """`expected`: the check constraint's name, or "already exists" for a unique one."""
    with pytest.raises(ValidationError) as excinfo:
        instance.full_clean()
    assert expected in messages(excinfo)


def refused_by_database(write, constraint: str) -> None:
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        write()


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


def test_the_price_service_refuses_a_negative_price():
    with pytest.raises(ValidationError):
        set_price(product=ProductFactory(), price=Decimal("-1"), effective_from=JAN_1)


# --- Order ------------------------------------------------------------------------


def unsaved_order(**overrides) -> Order:
    fields = {
        "code": "SU-TEST-0001",
        "customer": overrides.pop("customer", None) or CustomerFactory(),
        "kind": Order.Kind.SUBSCRIPTION,
        "pattern": Order.Pattern.DAILY,
        "weekdays": [],
        "shift": Order.Shift.MORNING,
        "start_date": JAN_10,
        "end_date": None,
        "status": Order.Status.ACTIVE,
    }
    fields.update(overrides)
    return Order(**fields)


def one_time(**overrides) -> Order:
    fields = {
        "code": "OR-TEST-0001",
        "kind": Order.Kind.ONE_TIME,
        "end_date": JAN_10,
        "status": Order.Status.PLACED,
    }
    fields.update(overrides)
    return unsaved_order(**fields)


@pytest.mark.parametrize(
    "make",
    [
        lambda: unsaved_order(),
        lambda: unsaved_order(end_date=JAN_10),
        lambda: unsaved_order(end_date=JAN_20),
        lambda: unsaved_order(pattern=Order.Pattern.WEEKDAYS, weekdays=[0, 6]),
        lambda: one_time(),
    ],
    ids=["open-ended", "one-day", "bounded", "weekdays", "one-time"],
)
def test_it_accepts_a_valid_order(make):
    order = make()
    order.full_clean()
    order.save()
    assert Order.objects.filter(pk=order.pk).exists()


def test_full_clean_refuses_an_order_ending_before_it_starts():
    refused_by_full_clean(unsaved_order(end_date=JAN_1), "orders_order_end_not_before_start")


def test_the_database_refuses_an_order_ending_before_it_starts():
    refused_by_database(lambda: unsaved_order(end_date=JAN_1).save(), "end_not_before_start")
    order = unsaved_order()
    order.save()
    refused_by_database(
        lambda: Order.objects.filter(pk=order.pk).update(end_date=JAN_1),
        "orders_order_end_not_before_start",
    )


@pytest.mark.parametrize(
    "overrides",
    [
        {"end_date": JAN_20},
        {"end_date": None},
        {"pattern": Order.Pattern.ALTERNATE_DAYS},
    ],
    ids=["two-weeks", "open-ended", "alternate-days"],
)
def test_full_clean_refuses_a_one_time_order_that_is_not_one_day(overrides):
    refused_by_full_clean(one_time(**overrides), "orders_order_one_time_is_one_day")


@pytest.mark.parametrize(
    "overrides",
    [
        {"end_date": JAN_20},
        {"end_date": None},
        {"pattern": Order.Pattern.ALTERNATE_DAYS},
    ],
    ids=["two-weeks", "open-ended", "alternate-days"],
)
def test_the_database_refuses_a_one_time_order_that_is_not_one_day(overrides):
    refused_by_database(lambda: one_time(**overrides).save(), "orders_order_one_time_is_one_day")


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        (Order.Kind.SUBSCRIPTION, Order.Status.PLACED),
        (Order.Kind.SUBSCRIPTION, Order.Status.DELIVERED),
        (Order.Kind.ONE_TIME, Order.Status.ACTIVE),
        (Order.Kind.ONE_TIME, Order.Status.PAUSED),
    ],
)
def test_full_clean_refuses_a_status_of_the_other_kind(kind, status):
    order = unsaved_order(kind=kind, status=status, end_date=JAN_10)
    refused_by_full_clean(order, "orders_order_status_matches_kind")


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        (Order.Kind.SUBSCRIPTION, Order.Status.PLACED),
        (Order.Kind.SUBSCRIPTION, Order.Status.DELIVERED),
        (Order.Kind.ONE_TIME, Order.Status.ACTIVE),
        (Order.Kind.ONE_TIME, Order.Status.PAUSED),
    ],
)
def test_the_database_refuses_a_status_of_the_other_kind(kind, status):
    order = unsaved_order(kind=kind, status=status, end_date=JAN_10)
    refused_by_database(order.save, "orders_order_status_matches_kind")


def test_the_database_refuses_setting_a_subscription_to_a_one_time_status():
    order = SubscriptionFactory()
    refused_by_database(
        lambda: Order.objects.filter(pk=order.pk).update(status=Order.Status.PLACED),
        "orders_order_status_matches_kind",
    )


def test_full_clean_refuses_the_weekdays_pattern_without_weekdays():
    refused_by_full_clean(
        unsaved_order(pattern=Order.Pattern.WEEKDAYS, weekdays=[]), "orders_order_weekdays_chosen"
    )


def test_the_database_refuses_the_weekdays_pattern_without_weekdays():
    refused_by_database(
        lambda: unsaved_order(pattern=Order.Pattern.WEEKDAYS, weekdays=[]).save(),
        "orders_order_weekdays_chosen",
    )


@pytest.mark.parametrize("weekdays", [[7], [0, 8], [-1]])
def test_full_clean_refuses_a_weekday_outside_0_to_6(weekdays):
    with pytest.raises(ValidationError):
        unsaved_order(pattern=Order.Pattern.WEEKDAYS, weekdays=weekdays).full_clean()


@pytest.mark.parametrize("weekdays", [[7], [0, 8], [-1]])
def test_the_database_refuses_a_weekday_outside_0_to_6(weekdays):
    refused_by_database(
        lambda: unsaved_order(pattern=Order.Pattern.WEEKDAYS, weekdays=weekdays).save(),
        "orders_order_weekdays_valid",
    )


# --- OrderLine --------------------------------------------------------------------


@pytest.mark.parametrize("quantity", [Decimal("0"), Decimal("-1.000")])
def test_full_clean_refuses_a_line_quantity_that_is_not_above_zero(quantity):
    order = SubscriptionFactory()
    refused_by_full_clean(
        OrderLine(order=order, product=ProductFactory(), quantity=quantity),
        "orders_orderline_quantity_positive",
    )


@pytest.mark.parametrize("quantity", [Decimal("0"), Decimal("-1.000")])
def test_the_database_refuses_a_line_quantity_that_is_not_above_zero(quantity):
    order = SubscriptionFactory()
    product = ProductFactory()
    refused_by_database(
        lambda: OrderLine.objects.create(order=order, product=product, quantity=quantity),
        "orders_orderline_quantity_positive",
    )
    refused_by_database(
        lambda: OrderLine.objects.filter(order=order).update(quantity=quantity),
        "orders_orderline_quantity_positive",
    )


def test_full_clean_refuses_a_second_line_for_the_same_product():
    order = SubscriptionFactory()
    product = order.lines.get().product
    refused_by_full_clean(
        OrderLine(order=order, product=product, quantity=Decimal("2")),
        "already exists",
    )


def test_the_database_refuses_a_second_line_for_the_same_product():
    order = SubscriptionFactory()
    product = order.lines.get().product
    refused_by_database(
        lambda: OrderLine.objects.create(order=order, product=product, quantity=Decimal("2")),
        "orders_orderline_one_per_product",
    )
    assert order.lines.count() == 1


def test_a_fractional_line_quantity_is_allowed():
    order = SubscriptionFactory()
    line = OrderLine(order=order, product=ProductFactory(), quantity=Decimal("0.500"))
    line.full_clean()
    line.save()
    assert order.lines.count() == 2


# --- DayOverride ------------------------------------------------------------------


def test_a_zero_override_skips_the_day_and_is_allowed():
    line = SubscriptionFactory().lines.get()
    override = DayOverride(line=line, date=JAN_10, quantity=Decimal("0"))
    override.full_clean()
    override.save()
    assert line.overrides.get().quantity == Decimal("0")


def test_full_clean_refuses_a_negative_override():
    line = SubscriptionFactory().lines.get()
    refused_by_full_clean(
        DayOverride(line=line, date=JAN_10, quantity=Decimal("-0.5")),
        "orders_dayoverride_quantity_not_negative",
    )


def test_the_database_refuses_a_negative_override():
    line = SubscriptionFactory().lines.get()
    refused_by_database(
        lambda: DayOverride.objects.create(line=line, date=JAN_10, quantity=Decimal("-0.5")),
        "orders_dayoverride_quantity_not_negative",
    )


def test_full_clean_refuses_a_second_override_for_the_same_line_and_date():
    line = SubscriptionFactory().lines.get()
    DayOverride.objects.create(line=line, date=JAN_10, quantity=Decimal("2"))
    refused_by_full_clean(
        DayOverride(line=line, date=JAN_10, quantity=Decimal("3")),
        "already exists",
    )


def test_the_database_refuses_a_second_override_for_the_same_line_and_date():
    line = SubscriptionFactory().lines.get()
    DayOverride.objects.create(line=line, date=JAN_10, quantity=Decimal("2"))
    refused_by_database(
        lambda: DayOverride.objects.create(line=line, date=JAN_10, quantity=Decimal("3")),
        "orders_dayoverride_one_per_day",
    )
    assert line.overrides.get().quantity == Decimal("2")


# --- OrderPause -------------------------------------------------------------------


@pytest.mark.parametrize(
    "end_date", [None, JAN_10, JAN_20], ids=["until-resumed", "one-day", "range"]
)
def test_it_accepts_a_pause_ending_on_or_after_its_start_or_open_ended(end_date):
    pause = OrderPause(order=SubscriptionFactory(), start_date=JAN_10, end_date=end_date)
    pause.full_clean()
    pause.save()
    assert OrderPause.objects.get(pk=pause.pk).end_date == end_date


def test_full_clean_refuses_a_pause_ending_before_it_starts():
    refused_by_full_clean(
        OrderPause(order=SubscriptionFactory(), start_date=JAN_10, end_date=JAN_1),
        "orders_orderpause_end_not_before_start",
    )


def test_the_database_refuses_a_pause_ending_before_it_starts():
    order = SubscriptionFactory()
    refused_by_database(
        lambda: OrderPause.objects.create(order=order, start_date=JAN_10, end_date=JAN_1),
        "orders_orderpause_end_not_before_start",
    )
    pause = OrderPause.objects.create(order=order, start_date=JAN_10)
    refused_by_database(
        lambda: OrderPause.objects.filter(pk=pause.pk).update(end_date=JAN_1),
        "orders_orderpause_end_not_before_start",
    )
