"""Order lines, day overrides and pauses."""

from decimal import Decimal

import pytest

from orders.models import DayOverride, OrderLine, OrderPause
from orders.tests.factories import ProductFactory, SubscriptionFactory
from orders.tests.models import JAN_1, JAN_10, JAN_20, refused_by_database, refused_by_full_clean

pytestmark = pytest.mark.django_db


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
