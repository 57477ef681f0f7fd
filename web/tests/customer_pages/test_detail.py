"""A customer's page: orders, calendar, bills, payments and balance, in a fixed number of
queries."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.models import Payment
from billing.services import record_payment
from customers.tests.factories import CustomerFactory
from deliveries.models import Delivery
from deliveries.services import Confirmer, confirm_delivery, generate_deliveries
from earlybird import roles
from orders.models import DayOverride
from orders.services import pause_order, set_day_override
from orders.tests.factories import OneTimeOrderFactory, ProductFactory, SubscriptionFactory
from web.tests.customer_pages import bulk_customers, issue_bill, login, queries_for, staff, today

pytestmark = pytest.mark.django_db

# The page's own, and the wallet section's (its figures, modes, usual amount, holds, entries),
# and the bottles the customer has (one).
MAX_DETAIL_QUERIES = 18


def test_the_detail_page_shows_orders_calendar_bills_payments_and_balance(client, own):
    milk, curd = ProductFactory(name="Cow milk"), ProductFactory(name="Curd 500 g")
    start = today() - dt.timedelta(days=2)
    subscription = SubscriptionFactory(customer=own, product=milk, start_date=start)
    pause_order(
        order=subscription,
        start_date=today() + dt.timedelta(days=5),
        end_date=today() + dt.timedelta(days=6),
        reason="Travelling",
    )
    set_day_override(
        line=subscription.lines.get(), day=today() + dt.timedelta(days=3), quantity=Decimal("3")
    )
    OneTimeOrderFactory(
        customer=own, product=curd, quantity=Decimal("2"), delivery_date=today() + dt.timedelta(1)
    )
    generate_deliveries(day=start)
    delivery = Delivery.objects.get(customer=own, date=start)
    confirm_delivery(
        delivery=delivery,
        delivered_qty=Decimal("0.5"),
        by=Confirmer(via=Delivery.Via.STAFF, user=staff(roles.SUPPORT)),
    )
    issue_bill(own, total="1860.00")
    record_payment(
        customer=own, amount="860", method=Payment.Method.UPI, paid_on=today(), reference="UPI123"
    )
    login(client, staff(roles.SUPPORT))

    page = client.get(
        reverse("customers:detail", args=[own.pk]), {"month": f"{start:%Y-%m}"}
    ).content.decode()

    assert subscription.code in page
    assert "Travelling" in page
    assert "Curd 500 g × 2" in page
    assert "Partly delivered" in page and "Cow milk × 0.5 of 1" in page
    assert "BI-202601-0001" in page and "₹1,860.00" in page
    assert "UPI123" in page
    assert "Balance: ₹1,000.00" in page
    assert f'id="day-{start:%Y-%m-%d}"' in page


def test_the_calendar_moves_by_month(client, own):
    login(client, staff(roles.SUPPORT))
    page = client.get(reverse("customers:detail", args=[own.pk]), {"month": "2026-02"})
    body = page.content.decode()
    assert "February 2026" in body
    assert "?month=2026-01" in body and "?month=2026-03" in body
    assert 'id="day-2026-02-28"' in body
    nonsense = client.get(reverse("customers:detail", args=[own.pk]), {"month": "2026-13"})
    assert today().strftime("%B %Y") in nonsense.content.decode()


BILL_NUMBERS = itertools.count(1)


def busy_customer(customer, *, subscriptions: int, days: int):
    """Give a customer several subscriptions with pauses and overrides, deliveries on
    `days` days, a bill per subscription and payments."""
    start = today().replace(day=1)
    for n in range(subscriptions):
        order = SubscriptionFactory(customer=customer, start_date=start)
        pause_order(order=order, start_date=today() + dt.timedelta(days=40 + n))
        set_day_override(
            line=order.lines.get(), day=today() + dt.timedelta(days=20 + n), quantity=Decimal(2)
        )
        issue_bill(customer, total="10", period=dt.date(2025, n + 1, 1), number=next(BILL_NUMBERS))
        record_payment(customer=customer, amount="5", method="cash", paid_on=today())
        OneTimeOrderFactory(customer=customer, delivery_date=today() + dt.timedelta(days=n + 1))
    for n in range(days):
        generate_deliveries(day=start + dt.timedelta(days=n))


def test_the_detail_page_runs_the_same_queries_for_a_quiet_and_a_busy_customer(
    client, django_assert_max_num_queries
):
    login(client, staff(roles.SUPPORT))
    quiet, busy = CustomerFactory(), CustomerFactory()
    busy_customer(quiet, subscriptions=1, days=1)
    bulk_customers(10)
    with django_assert_max_num_queries(MAX_DETAIL_QUERIES):
        few = queries_for(client, reverse("customers:detail", args=[quiet.pk]))
    busy_customer(busy, subscriptions=4, days=5)
    bulk_customers(490)
    with django_assert_max_num_queries(MAX_DETAIL_QUERIES):
        many = queries_for(client, reverse("customers:detail", args=[busy.pk]))
    assert few == many
    assert DayOverride.objects.filter(line__order__customer=busy).count() == 4
