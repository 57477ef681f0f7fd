"""The home page day by day (the agenda a phone shows): one row per day from today, what
comes by product name with its quantity and unit, what it costs, and why a day brings
less in words; the month grid beside it for wide screens."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from deliveries.models import Delivery
from deliveries.services import generate_deliveries
from orders.models import CustomerPrice, DayOverride, Order, Product, ProductPrice
from orders.services import pause_order
from orders.tests.factories import ProductFactory, SubscriptionFactory
from web.tests.portal import BEFORE_CUTOFF, IST, TOMORROW, d, iso, page_of, staff_confirm

pytestmark = pytest.mark.django_db

TODAY = d(10)


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def agenda_row(page: str, day: dt.date) -> str:
    """The words of one agenda row (the list of days, not the month grid)."""
    start = page.index(f'data-date="{iso(day)}"', page.index('class="agenda-day'))
    ends = [page.find(mark, start + 1) for mark in ('<li class="agenda-day', "</ol>")]
    return text_of(page[start : min(e for e in ends if e > 0)].split(">", 1)[1])


@pytest.fixture
def toned(owner):
    """2 packets of Toned milk 500 ml every morning at ₹28.00 a packet."""
    milk = ProductFactory(name="Toned milk 500 ml", unit=Product.Unit.PACKET, price="28.00")
    return SubscriptionFactory(customer=owner, product=milk, quantity="2", start_date=d(1))


def test_one_row_a_day_with_the_product_by_name_its_quantity_and_its_cost(client, toned):
    page = page_of(client.get(reverse("me:home")))

    assert agenda_row(page, TODAY) == "Tue 10 Mar Today ₹56.00 Toned milk 500 ml 2 packets"
    assert agenda_row(page, TOMORROW) == "Wed 11 Mar ₹56.00 Toned milk 500 ml 2 packets"
    rows = re.findall(r'class="agenda-day[^"]*" data-date="([\d-]+)"', page)
    assert rows[0] == iso(TODAY) and rows[-1] == iso(d(9, 4)) and len(rows) == 31
    assert toned.code not in agenda_row(page, TOMORROW)


def test_a_paused_a_skipped_and_a_day_off_are_said_in_words(client, owner, toned):
    curd = ProductFactory(name="Curd 500 g", unit=Product.Unit.PACKET, price="35.00")
    SubscriptionFactory(
        customer=owner,
        product=curd,
        quantity="1",
        start_date=d(1),
        pattern=Order.Pattern.ALTERNATE_DAYS,
    )
    pause_order(order=toned, start_date=d(15), end_date=d(16))
    client.post(reverse("me:skip", args=[toned.pk]), {"day": iso(d(12))})

    page = page_of(client.get(reverse("me:home")))

    # 12 Mar: the milk skipped, no curd that day (every second day from 1 March).
    assert agenda_row(page, d(12)) == "Thu 12 Mar Skipped: no Toned milk 500 ml"
    assert (
        agenda_row(page, d(13))
        == "Fri 13 Mar ₹91.00 Curd 500 g 1 packet Toned milk 500 ml 2 packets"
    )
    assert (
        agenda_row(page, d(15))
        == "Sun 15 Mar ₹35.00 Curd 500 g 1 packet Paused: no Toned milk 500 ml"
    )
    assert agenda_row(page, d(16)) == "Mon 16 Mar Paused: no Toned milk 500 ml"


def test_a_day_with_nothing_says_no_delivery(client, owner):
    milk = ProductFactory(name="Cow milk")
    SubscriptionFactory(
        customer=owner, product=milk, start_date=d(1), pattern=Order.Pattern.ALTERNATE_DAYS
    )
    page = page_of(client.get(reverse("me:home")))
    assert agenda_row(page, d(12)) == "Thu 12 Mar No delivery"
    assert agenda_row(page, d(13)) == "Fri 13 Mar ₹60.00 Cow milk 1 litre"


def test_an_extra_shows_the_total_and_how_much_is_extra(client, toned):
    client.post(
        reverse("me:extra", args=[toned.pk]),
        {"line": toned.lines.get().pk, "day": iso(TOMORROW), "quantity": "1"},
    )
    page = page_of(client.get(reverse("me:home")))
    assert agenda_row(page, TOMORROW) == (
        "Wed 11 Mar ₹84.00 Toned milk 500 ml 3 packets 1 packet extra"
    )


def test_the_cost_is_the_price_in_force_each_day_the_customers_own_first(client, owner, toned):
    milk = toned.lines.get().product
    ProductPrice.objects.create(product=milk, price=Decimal("30.00"), effective_from=d(15))
    page = page_of(client.get(reverse("me:home")))
    assert "₹56.00" in agenda_row(page, d(14)) and "₹60.00" in agenda_row(page, d(15))

    CustomerPrice.objects.create(
        customer=owner, product=milk, price=Decimal("25.00"), effective_from=d(1)
    )
    page = page_of(client.get(reverse("me:home")))
    assert "₹50.00" in agenda_row(page, d(14)) and "₹50.00" in agenda_row(page, d(20))


def test_past_days_show_what_was_delivered_and_what_it_cost(client, owner, toned, clock):
    clock(dt.datetime(2026, 3, 8, 6, 0, tzinfo=IST))
    for day in (d(7), d(8)):
        generate_deliveries(day=day)
    rows = {row.date: row for row in Delivery.objects.filter(customer=owner)}
    staff_confirm(rows[d(7)], "2")
    staff_confirm(rows[d(8)], "1")
    clock(BEFORE_CUTOFF)

    page = page_of(client.get(reverse("me:home")))

    earlier = page[page.index('class="agenda-earlier"') :]
    assert agenda_row(earlier, d(8)) == (
        "Sun 8 Mar ₹28.00 Toned milk 500 ml 1 packet of 2 packets Partly delivered"
    )
    assert agenda_row(earlier, d(7)) == "Sat 7 Mar ₹56.00 Toned milk 500 ml 2 packets Delivered"
    assert earlier.index(iso(d(8))) < earlier.index(iso(d(7)))  # latest first


def test_a_held_day_says_so_in_its_row(client, owner, toned):
    from deliveries import holds
    from deliveries.models import Hold

    with holds.registered(lambda day, needs: {owner.pk: Hold.Reason.LOW_BALANCE}):
        generate_deliveries(day=TOMORROW)
    page = page_of(client.get(reverse("me:home")))
    assert agenda_row(page, TOMORROW) == "Wed 11 Mar Paused: low balance"


def test_both_views_are_in_the_page_and_the_screen_width_picks_one(client, toned):
    page = page_of(client.get(reverse("me:home")))
    assert '<div class="agenda-view narrow-only">' in page
    assert '<div class="month-view wide-only">' in page

    month = page_of(client.get(reverse("me:home"), {"view": "month"}))
    assert 'class="agenda-day' not in month and '<table class="cal"' in month
    assert 'href="?view=agenda#deliveries">Day by day</a>' in month

    agenda = page_of(client.get(reverse("me:home"), {"view": "agenda"}))
    assert 'class="agenda-day' in agenda and '<table class="cal"' not in agenda

    odd = page_of(client.get(reverse("me:home"), {"view": "<b>"}))
    assert '<div class="agenda-view narrow-only">' in odd


def test_the_month_grid_keeps_day_numbers_apart_from_quantities(client, toned):
    page = page_of(client.get(reverse("me:home"), {"view": "month"}))
    cell = re.search(r'<td data-date="2026-03-11"[^>]*>(.*?)</td>', page, re.S).group(1)
    assert '<span class="cal-no">11</span>' in cell
    assert 'Toned milk 500 ml <b class="cal-qty">×2</b>' in cell
    assert "₹56.00" in cell


def test_subscriptions_are_titled_by_their_products(client, owner, toned):
    page = page_of(client.get(reverse("me:home")))
    link = re.search(rf'<a href="/me/orders/{toned.pk}/"><strong>(.*?)</strong></a>', page)
    assert link.group(1) == "Toned milk 500 ml"
    assert f'<small class="code">{toned.code}</small>' in page
    # and what a usual day costs
    assert "2 packets" in page and "₹28.00 a packet" in page


def test_an_override_of_another_customer_changes_nothing_here(client, owner, toned):
    other = SubscriptionFactory(product=toned.lines.get().product, start_date=d(1))
    DayOverride.objects.create(line=other.lines.get(), date=TOMORROW, quantity=Decimal(0))
    page = page_of(client.get(reverse("me:home")))
    assert agenda_row(page, TOMORROW) == "Wed 11 Mar ₹56.00 Toned milk 500 ml 2 packets"
