"""Schedule edits (orders.services) reach the deliveries already generated: through
orders.signals.schedule_changed and customers.signals.customer_status_changed, which
deliveries receives."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from customers.services import CustomerDetails, update_customer
from deliveries.models import Delivery
from deliveries.services import Confirmer, confirm_delivery, generate_deliveries
from orders.models import Order
from orders.services import (
    cancel_one_time_order,
    pause_order,
    remove_price,
    resume_order,
    set_day_override,
    set_price,
    skip_day,
    stop_subscription,
    update_subscription,
)
from orders.tests.factories import OneTimeOrderFactory, ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)


def statuses(order) -> dict:
    return dict(Delivery.objects.filter(order=order).values_list("date", "status"))


def test_a_pause_cancels_the_pending_rows_already_generated_and_resume_brings_them_back():
    order = SubscriptionFactory(start_date=DAY)
    generate_deliveries(day=DAY)
    generate_deliveries(day=DAY + dt.timedelta(days=1))
    pause = pause_order(order=order, start_date=DAY)
    assert set(statuses(order).values()) == {"cancelled"}
    resume_order(pause=pause, first_day_back=DAY + dt.timedelta(days=1))
    assert statuses(order) == {DAY: "cancelled", DAY + dt.timedelta(days=1): "pending"}


def test_a_day_override_updates_the_generated_row_and_none_reverts_to_the_pattern():
    order = SubscriptionFactory(start_date=DAY, quantity=Decimal("1"))
    generate_deliveries(day=DAY)
    line = order.lines.get()
    set_day_override(line=line, day=DAY, quantity=Decimal("3"))
    assert Delivery.objects.get(order=order).ordered_qty == Decimal("3")
    set_day_override(line=line, day=DAY, quantity=None)
    assert Delivery.objects.get(order=order).ordered_qty == Decimal("1")


def test_skipping_a_day_cancels_it_for_every_product():
    order = SubscriptionFactory(start_date=DAY)
    generate_deliveries(day=DAY)
    skip_day(order=order, day=DAY)
    assert statuses(order) == {DAY: "cancelled"}
    assert list(order.lines.get().overrides.values_list("quantity", flat=True)) == [Decimal("0")]


def test_stopping_a_subscription_ends_it_after_the_last_day():
    order = SubscriptionFactory(start_date=DAY)
    for offset in range(3):
        generate_deliveries(day=DAY + dt.timedelta(days=offset))
    stop_subscription(order=order, last_day=DAY)
    assert statuses(order) == {
        DAY: "pending",
        DAY + dt.timedelta(days=1): "cancelled",
        DAY + dt.timedelta(days=2): "cancelled",
    }


def test_cancelling_a_one_time_order_cancels_its_delivery_but_not_once_delivered():
    order = OneTimeOrderFactory(delivery_date=DAY)
    generate_deliveries(day=DAY)
    cancel_one_time_order(order=order)
    assert statuses(order) == {DAY: "cancelled"}
    delivered = OneTimeOrderFactory(delivery_date=DAY)
    Order.objects.filter(pk=delivered.pk).update(status=Order.Status.DELIVERED)
    delivered.refresh_from_db()
    with pytest.raises(ValidationError, match="already delivered"):
        cancel_one_time_order(order=delivered)


def test_editing_quantities_changes_pending_rows_and_never_confirmed_ones():
    order = SubscriptionFactory(start_date=DAY, quantity=Decimal("1"))
    generate_deliveries(day=DAY)
    generate_deliveries(day=DAY + dt.timedelta(days=1))
    Delivery.objects.filter(order=order, date=DAY).update(
        status="delivered",
        delivered_qty=Decimal("1"),
        confirmed_at=timezone.now(),
        confirmed_via="staff",
    )
    product = order.lines.get().product
    update_subscription(
        order=order,
        quantities={product: Decimal("2")},
        pattern="daily",
        shift="morning",
        from_day=DAY,
    )
    assert dict(Delivery.objects.filter(order=order).values_list("date", "ordered_qty")) == {
        DAY: Decimal("1"),
        DAY + dt.timedelta(days=1): Decimal("2"),
    }


def test_pausing_a_customer_cancels_the_pending_deliveries_already_generated():
    today = timezone.localdate()
    order = SubscriptionFactory(start_date=today)
    generate_deliveries(day=today)
    generate_deliveries(day=today + dt.timedelta(days=1))
    customer = order.customer
    details = CustomerDetails(name=customer.name, phone=customer.phone, status="paused")
    update_customer(customer=customer, details=details)
    assert set(Delivery.objects.filter(order=order).values_list("status", flat=True)) == {
        "cancelled"
    }
    update_customer(
        customer=customer,
        details=CustomerDetails(name=customer.name, phone=customer.phone, status="active"),
    )
    assert set(Delivery.objects.filter(order=order).values_list("status", flat=True)) == {"pending"}


def test_a_new_price_reprices_the_pending_days_already_generated_but_never_a_confirmed_one():
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    milk = ProductFactory(price="50.00")
    order = SubscriptionFactory(product=milk, start_date=today)
    for day in (today, tomorrow):
        generate_deliveries(day=day)
    confirm_delivery(
        delivery=Delivery.objects.get(order=order, date=today),
        delivered_qty=Decimal(1),
        by=Confirmer(via=Delivery.Via.STAFF),
    )

    set_price(product=milk, price=Decimal("55.00"), effective_from=today)
    set_price(product=milk, price=Decimal("60.00"), effective_from=tomorrow)

    prices = dict(Delivery.objects.filter(order=order).values_list("date", "unit_price"))
    assert prices == {today: Decimal("50.00"), tomorrow: Decimal("60.00")}
    set_price(
        product=milk, price=Decimal("61.00"), effective_from=tomorrow, customer=order.customer
    )
    assert Delivery.objects.get(order=order, date=tomorrow).unit_price == Decimal("61.00")
    remove_price(price=order.customer.prices.get())  # taken back: the product's again
    assert Delivery.objects.get(order=order, date=tomorrow).unit_price == Decimal("60.00")
