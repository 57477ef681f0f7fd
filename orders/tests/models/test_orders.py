"""Orders and products."""

import pytest
from django.core.exceptions import ValidationError

from customers.tests.factories import CustomerFactory
from orders.models import Order, Product
from orders.tests.factories import ProductFactory, SubscriptionFactory
from orders.tests.models import JAN_1, JAN_10, JAN_20, refused_by_database, refused_by_full_clean

pytestmark = pytest.mark.django_db


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


@pytest.mark.parametrize("weekdays", [[7], [0, 8]])
def test_full_clean_refuses_a_weekday_outside_0_to_6(weekdays):
    refused_by_full_clean(
        unsaved_order(pattern=Order.Pattern.WEEKDAYS, weekdays=weekdays),
        "orders_order_weekdays_valid",
    )


def test_full_clean_refuses_a_negative_weekday_on_the_field():
    """-1 already fails the field (positive small integers), so the constraint, which
    reads that field, is not checked too."""
    with pytest.raises(ValidationError) as excinfo:
        unsaved_order(pattern=Order.Pattern.WEEKDAYS, weekdays=[-1]).full_clean()
    assert list(excinfo.value.message_dict) == ["weekdays"]


@pytest.mark.parametrize("weekdays", [[7], [0, 8], [-1]])
def test_the_database_refuses_a_weekday_outside_0_to_6(weekdays):
    refused_by_database(
        lambda: unsaved_order(pattern=Order.Pattern.WEEKDAYS, weekdays=weekdays).save(),
        "orders_order_weekdays_valid",
    )


def test_it_refuses_a_second_order_with_the_same_code():
    first = SubscriptionFactory()
    copy = unsaved_order(code=first.code)
    with pytest.raises(ValidationError) as excinfo:
        copy.full_clean()
    assert "code" in excinfo.value.message_dict
    refused_by_database(copy.save, "orders_order_code_key")
    assert Order.objects.filter(code=first.code).count() == 1


# --- Product ----------------------------------------------------------------------


def test_it_refuses_two_products_with_the_same_name():
    ProductFactory(name="Cow milk")
    with pytest.raises(ValidationError) as excinfo:
        Product(name="Cow milk").full_clean()
    assert "name" in excinfo.value.message_dict
    refused_by_database(
        lambda: Product.objects.create(name="Cow milk", unit=Product.Unit.LITRE),
        "orders_product_name_key",
    )


def test_it_refuses_a_negative_sort_order():
    with pytest.raises(ValidationError) as excinfo:
        Product(name="Curd", sort_order=-1).full_clean()
    assert "sort_order" in excinfo.value.message_dict
    refused_by_database(
        lambda: Product.objects.create(name="Curd", sort_order=-1),
        "orders_product_sort_order_check",
    )
