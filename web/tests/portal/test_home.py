"""The home page: calendar, balance, the UPI link, in a fixed number of queries."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing.models import Bill, Payment
from customers.tests.factories import CustomerFactory
from deliveries.models import Delivery
from deliveries.services import generate_deliveries
from orders.models import DayOverride, Order
from orders.services import LineSpec, create_one_time_order, pause_order
from orders.tests.factories import ProductFactory, SubscriptionFactory
from web.tests.portal import (
    BEFORE_CUTOFF,
    IST,
    TOMORROW,
    d,
    iso,
    issued_bill,
    page_of,
    staff_confirm,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 10)


def test_the_calendar_shows_the_pattern_ahead_and_the_statuses_behind(client, owner, milk, clock):
    SubscriptionFactory(
        customer=owner,
        product=milk,
        quantity=Decimal("2"),
        start_date=d(1),
        pattern=Order.Pattern.ALTERNATE_DAYS,
    )
    clock(dt.datetime(2026, 3, 8, 6, 0, tzinfo=IST))
    for day in (d(3), d(5), d(7)):
        generate_deliveries(day=day)
    rows = {row.date: row for row in Delivery.objects.filter(customer=owner)}
    staff_confirm(rows[d(3)], "2")
    staff_confirm(rows[d(5)], "1.5")
    staff_confirm(rows[d(7)], "0", reason=Delivery.Reason.CUSTOMER_AWAY)
    clock(BEFORE_CUTOFF)

    response = client.get(reverse("me:home"))

    calendar = response.context["calendar"]
    assert [(i.product, i.status) for i in calendar.items_on(d(3))] == [("Cow milk", "delivered")]
    assert [(i.status, i.delivered_qty) for i in calendar.items_on(d(5))] == [
        ("partial", Decimal("1.5"))
    ]
    assert [i.status for i in calendar.items_on(d(7))] == ["not_delivered"]
    # Ahead: every second day from 1 March, for 30 days, quantity 2.
    due_days = [day for day, cell in calendar.days.items() if day >= TODAY and cell.items]
    expected = [TODAY + dt.timedelta(days=n) for n in range(31)]
    assert due_days == [day for day in expected if (day - d(1)).days % 2 == 0]
    assert due_days[0] == TOMORROW and due_days[-1] == d(8, 4)
    assert {(i.product, i.quantity, i.status) for i in calendar.items_on(d(13))} == {
        ("Cow milk", Decimal("2"), "")
    }
    assert calendar.items_on(d(12)) == []
    assert calendar.end == d(9, 4)  # 30 days ahead, over the month end

    page = page_of(response)
    march_3 = re.search(r'<td data-date="2026-03-03"[^>]*>(.*?)</td>', page, re.S).group(1)
    assert "Cow milk" in march_3 and "Delivered" in march_3
    march_12 = re.search(r'<td data-date="2026-03-12"[^>]*>(.*?)</td>', page, re.S).group(1)
    assert "Cow milk" not in march_12
    assert "April 2026" in page


def test_a_customer_sees_only_their_own_deliveries(client, owner, milk, clock):
    SubscriptionFactory(customer=owner, product=milk, start_date=d(1))
    neighbour = CustomerFactory(name="Neighbour")
    paneer = ProductFactory(name="Paneer 200g")
    SubscriptionFactory(customer=neighbour, product=paneer, start_date=d(1))
    clock(dt.datetime(2026, 3, 9, 6, 0, tzinfo=IST))
    generate_deliveries(day=d(9))
    for row in Delivery.objects.filter(date=d(9)):
        staff_confirm(row, str(row.ordered_qty))
    clock(BEFORE_CUTOFF)

    response = client.get(reverse("me:home"))

    calendar = response.context["calendar"]
    assert [i.product for i in calendar.items_on(d(9))] == ["Cow milk"]
    assert all(i.product == "Cow milk" for day in calendar.days.values() for i in day.items)
    assert "Paneer" not in page_of(response)


def test_pauses_and_skips_bring_nothing_and_say_why(client, owner, subscription):
    pause_order(order=subscription, start_date=d(15), end_date=d(17))
    client.post(reverse("me:skip", args=[subscription.pk]), {"day": iso(d(12))})
    response = client.get(reverse("me:home"))
    calendar = response.context["calendar"]
    assert calendar.items_on(d(12)) == []
    assert [calendar.items_on(d(n)) for n in (15, 16, 17)] == [[], [], []]
    assert calendar.items_on(d(14)) and calendar.items_on(d(18))
    assert calendar.days[d(12)].notes == ["Skipped: no Cow milk"]
    assert [calendar.days[d(n)].notes for n in (15, 16, 17)] == [["Paused: no Cow milk"]] * 3
    # The month grid says it too, not a blank day.
    page = page_of(response)
    march_16 = re.search(r'<td data-date="2026-03-16"[^>]*>(.*?)</td>', page, re.S).group(1)
    assert "Paused" in march_16


def test_the_balance_and_the_upi_link(client, owner, subscription, settings):
    settings.BUSINESS_UPI_ID = "earlybird@okhdfc"
    settings.BUSINESS_NAME = "EarlyBird Dairy"
    issued_bill(owner, total=Decimal("1860.00"), code="BI-202602-0001")
    Bill.objects.create(customer=owner, period=d(1), charges=Decimal("500"), total=Decimal("500"))
    Payment.objects.create(
        customer=owner, amount=Decimal("1000"), method="upi", paid_on=d(5), code="PA-T-1"
    )
    owner.opening_balance = Decimal("140.50")
    owner.save()

    response = client.get(reverse("me:home"))

    # 140.50 + 1860 (the draft bill does not count) − 1000
    assert response.context["balance"] == Decimal("1000.50")
    link = response.context["upi_link"]
    assert link == (
        "upi://pay?pa=earlybird%40okhdfc&pn=EarlyBird%20Dairy&am=1000.50&cu=INR"
        f"&tn=BI-202602-0001%20{owner.code}"
    )
    assert "₹1,000.50" in page_of(response)
    assert link.replace("&", "&amp;") in page_of(response)


def test_no_upi_link_without_a_upi_id_or_when_nothing_is_due(client, owner, settings):
    settings.BUSINESS_UPI_ID = ""
    issued_bill(owner, total=Decimal("100"))
    assert client.get(reverse("me:home")).context["upi_link"] is None
    settings.BUSINESS_UPI_ID = "earlybird@okhdfc"
    Payment.objects.create(
        customer=owner, amount=Decimal("150"), method="cash", paid_on=d(5), code="PA-T-2"
    )
    response = client.get(reverse("me:home"))
    assert response.context["upi_link"] is None
    assert "In credit" in page_of(response) and "₹50.00" in page_of(response)


def test_the_home_page_runs_the_same_queries_for_1_and_10_subscriptions(client, owner, clock):
    def fill(customer, subscriptions):
        for n in range(subscriptions):
            order = SubscriptionFactory(customer=customer, start_date=d(1))
            line = order.lines.get()
            DayOverride.objects.create(line=line, date=d(20), quantity=Decimal("3"))
            pause_order(order=order, start_date=d(25), end_date=d(26))
            create_one_time_order(
                customer=customer, delivery_date=d(14 + n), lines=[LineSpec(line.product, 1)]
            )
        clock(dt.datetime(2026, 3, 9, 6, 0, tzinfo=IST))
        generate_deliveries(day=d(9))
        clock(BEFORE_CUTOFF)
        issued_bill(customer, total=Decimal("10"))

    def queries_for(customer):
        client.force_login(customer.user)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("me:home"))
        assert response.status_code == 200
        return len(ctx.captured_queries), response

    fill(owner, 1)
    other = CustomerFactory()
    fill(other, 10)
    few, _ = queries_for(owner)
    many, response = queries_for(other)
    assert len(response.context["subscriptions"]) == 10
    assert few == many


# The home page's reads: a fixed number, whatever the days, orders, prices and holds.
HOME_QUERIES = 17  # 16, and one more for a prepaid wallet with a held day


def _busy(customer, *, orders: int, days: int, clock):
    """`orders` subscriptions (each its own product, price change and own price, a pause,
    a skip and an extra) and as many one-time orders, `days` days delivered, a hold ahead
    and behind, prepaid with a wallet and a low-balance hold."""
    from billing.services.wallet import set_billing_mode
    from billing.wallet_models import WalletEntry
    from deliveries.models import Hold
    from orders.models import CustomerPrice, ProductPrice

    for n in range(orders):
        product = ProductFactory(name=f"Product {n} of {customer.pk}")
        ProductPrice.objects.create(product=product, price=Decimal("40"), effective_from=d(20))
        CustomerPrice.objects.create(
            customer=customer, product=product, price=Decimal("25"), effective_from=d(1)
        )
        order = SubscriptionFactory(customer=customer, product=product, start_date=d(1))
        line = order.lines.get()
        DayOverride.objects.create(line=line, date=d(12 + n), quantity=Decimal(0))
        DayOverride.objects.create(line=line, date=d(19 + n), quantity=Decimal("4"))
        pause_order(order=order, start_date=d(25), end_date=d(26))
        create_one_time_order(
            customer=customer, delivery_date=d(14 + n), lines=[LineSpec(product, 1)]
        )
    for n in range(days):
        clock(dt.datetime(2026, 3, 1 + n, 6, 0, tzinfo=IST))
        generate_deliveries(day=d(1 + n))
    clock(BEFORE_CUTOFF)
    set_billing_mode(customer=customer, mode="prepaid", effective_from=d(1))
    WalletEntry.objects.create(customer=customer, kind="opening", amount=Decimal(50), date=d(1))
    for day in (d(9), d(16), d(17)):
        Hold.objects.create(
            customer=customer, date=day, reason="low_balance", amount=Decimal(9), shifts=["morning"]
        )
    issued_bill(customer, total=Decimal("10"))


@pytest.mark.parametrize("view", ["", "agenda", "month"])
def test_the_home_page_reads_do_not_grow_with_days_or_orders(
    client, owner, clock, django_assert_max_num_queries, view
):
    _busy(owner, orders=1, days=1, clock=clock)
    busy = CustomerFactory()
    _busy(busy, orders=6, days=9, clock=clock)

    for customer, products in ((owner, 1), (busy, 6)):
        client.force_login(customer.user)
        with django_assert_max_num_queries(HOME_QUERIES):
            response = client.get(reverse("me:home"), {"view": view} if view else {})
        page = page_of(response)
        assert f"Product {products - 1} of {customer.pk}" in page
        assert "Paused: low balance" in page
