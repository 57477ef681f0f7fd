"""Pause, resume, skip, extra and one-time orders: written until the cut-off, refused
after it; another customer's orders and bills are a 404."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from customers.tests.factories import CustomerFactory
from deliveries.models import Delivery
from deliveries.services import generate_deliveries
from orders.models import DayOverride, Order, OrderPause
from orders.services import LineSpec, create_one_time_order, pause_order
from orders.tests.factories import ProductFactory, SubscriptionFactory
from web.tests.portal import IST, TOMORROW, d, iso, issued_bill, page_of

pytestmark = pytest.mark.django_db

AFTER_CUTOFF = dt.datetime(2026, 3, 10, 21, 30, tzinfo=IST)
PHONE = "98480 22338"
CLOSED = (
    f"Changes for Wed 11 Mar closed at 9:00 PM on Tue 10 Mar. Please call us instead on {PHONE}."
)
CALL_LINK = f'href="tel:9848022338">Call us: {PHONE}</a>'


@pytest.fixture(autouse=True)
def business_phone(settings):
    settings.BUSINESS_PHONE = PHONE


# --- pause, resume, skip, extra, one-time order: until the cut-off ---------------------


def test_pausing_before_the_cutoff(client, subscription):
    response = client.post(
        reverse("me:pause", args=[subscription.pk]),
        {"start_date": iso(TOMORROW), "end_date": iso(d(14)), "reason": "Holiday"},
        follow=True,
    )
    assert list(OrderPause.objects.values_list("start_date", "end_date")) == [(TOMORROW, d(14))]
    assert "Paused from Wed 11 Mar to Sat 14 Mar: no deliveries on those days." in page_of(response)


def test_an_open_ended_pause_and_resuming_it(client, subscription):
    client.post(reverse("me:pause", args=[subscription.pk]), {"start_date": iso(TOMORROW)})
    pause = OrderPause.objects.get()
    assert pause.end_date is None
    response = client.post(
        reverse("me:resume", args=[subscription.pk, pause.pk]),
        {"first_day_back": iso(d(15))},
        follow=True,
    )
    pause.refresh_from_db()
    assert pause.end_date == d(14)
    assert "Resumed: deliveries start again on Sun 15 Mar." in page_of(response)


def test_skipping_a_day_before_the_cutoff_is_confirmed_in_words(client, subscription):
    response = client.post(
        reverse("me:skip", args=[subscription.pk]), {"day": iso(TOMORROW)}, follow=True
    )
    assert list(DayOverride.objects.values_list("date", "quantity")) == [(TOMORROW, Decimal(0))]
    assert "Skipped Wed 11 Mar: no Cow milk that day." in page_of(response)


def test_skipping_a_day_with_nothing_due_is_refused(client, owner, milk):
    order = SubscriptionFactory(
        customer=owner, product=milk, start_date=d(1), pattern=Order.Pattern.ALTERNATE_DAYS
    )
    response = client.post(reverse("me:skip", args=[order.pk]), {"day": iso(d(12))})
    assert "Nothing is coming on Thu 12 Mar" in page_of(response)
    assert not DayOverride.objects.exists()


def test_an_extra_is_added_to_the_usual_and_confirmed_with_its_price(client, subscription):
    line = subscription.lines.get()  # 1 litre of Cow milk every day, ₹60.00 a litre
    response = client.post(
        reverse("me:extra", args=[subscription.pk]),
        {"line": line.pk, "day": iso(TOMORROW), "quantity": "2.5"},
        follow=True,
    )
    assert list(DayOverride.objects.values_list("line", "date", "quantity")) == [
        (line.pk, TOMORROW, Decimal("3.5"))
    ]
    assert (
        "Extra 2.5 litres Cow milk on Wed 11 Mar: 3.5 litres in all that day, ₹210.00."
        in page_of(response)
    )


def test_generation_delivers_the_usual_plus_the_extra(client, subscription, clock):
    client.post(
        reverse("me:extra", args=[subscription.pk]),
        {"line": subscription.lines.get().pk, "day": iso(TOMORROW), "quantity": "2"},
    )
    clock(dt.datetime(2026, 3, 10, 21, 15, tzinfo=IST))
    generate_deliveries(day=TOMORROW)
    assert list(
        Delivery.objects.filter(date=TOMORROW).values_list("ordered_qty", "unit_price")
    ) == [(Decimal("3"), Decimal("60.00"))]


def test_a_second_extra_on_the_same_day_replaces_the_first(client, subscription):
    url = reverse("me:extra", args=[subscription.pk])
    line = subscription.lines.get()
    client.post(url, {"line": line.pk, "day": iso(TOMORROW), "quantity": "2"})
    client.post(url, {"line": line.pk, "day": iso(TOMORROW), "quantity": "1"})
    assert list(DayOverride.objects.values_list("quantity", flat=True)) == [Decimal("2")]


def test_an_extra_on_a_day_off_brings_just_the_extra(client, owner, milk):
    order = SubscriptionFactory(
        customer=owner, product=milk, start_date=d(1), pattern=Order.Pattern.ALTERNATE_DAYS
    )
    response = client.post(
        reverse("me:extra", args=[order.pk]),
        {"line": order.lines.get().pk, "day": iso(d(12)), "quantity": "1"},
        follow=True,
    )
    assert list(DayOverride.objects.values_list("date", "quantity")) == [(d(12), Decimal(1))]
    assert "Extra 1 litre Cow milk on Thu 12 Mar: 1 litre in all that day" in page_of(response)


def test_an_extra_of_nothing_is_refused(client, subscription):
    response = client.post(
        reverse("me:extra", args=[subscription.pk]),
        {"line": subscription.lines.get().pk, "day": iso(TOMORROW), "quantity": "0"},
    )
    assert response.context["extra_form"].errors["quantity"]
    assert not DayOverride.objects.exists()


def test_an_extra_that_makes_more_than_a_delivery_holds_is_refused_with_the_phone(
    client, owner, milk
):
    order = SubscriptionFactory(customer=owner, product=milk, quantity="45", start_date=d(1))
    response = client.post(
        reverse("me:extra", args=[order.pk]),
        {"line": order.lines.get().pk, "day": iso(TOMORROW), "quantity": "10"},
    )
    assert response.context["extra_form"].errors["quantity"] == [
        "That makes 55 litres on Wed 11 Mar; at most 50 litres come in one delivery. "
        f"For more, please call us on {PHONE}."
    ]
    assert CALL_LINK in page_of(response)
    assert not DayOverride.objects.exists()


def test_extra_on_a_paused_day_is_refused(client, subscription):
    pause_order(order=subscription, start_date=d(12))
    response = client.post(
        reverse("me:extra", args=[subscription.pk]),
        {"line": subscription.lines.get().pk, "day": iso(d(13)), "quantity": "3"},
    )
    assert "Deliveries are paused on Fri 13 Mar; resume them first." in page_of(response)
    assert not DayOverride.objects.exists()


def test_a_skip_can_be_undone_back_to_the_usual(client, subscription):
    client.post(reverse("me:skip", args=[subscription.pk]), {"day": iso(TOMORROW)})
    client.post(reverse("me:reset_day", args=[subscription.pk]), {"day": iso(TOMORROW)})
    assert not DayOverride.objects.exists()


def test_placing_a_one_time_order_with_several_products(client, owner, milk):
    curd = ProductFactory(name="Curd 500g")
    response = client.post(
        reverse("me:new_order"),
        {
            "delivery_date": iso(TOMORROW),
            "shift": "evening",
            f"qty_{milk.pk}": "2",
            f"qty_{curd.pk}": "1",
            "notes": "Guests",
        },
        follow=True,
    )
    order = Order.objects.get(customer=owner, kind=Order.Kind.ONE_TIME)
    assert (order.start_date, order.shift, order.created_by) == (
        TOMORROW,
        "evening",
        owner.user,
    )
    assert sorted((ln.product.name, ln.quantity) for ln in order.lines.all()) == [
        ("Cow milk", Decimal("2")),
        ("Curd 500g", Decimal("1")),
    ]
    # Cow milk ₹60.00 a litre, Curd ₹60.00 a litre (the factories' price)
    assert (
        "Ordered for Wed 11 Mar (evening): 1 litre Curd 500g and 2 litres Cow milk, ₹180.00."
        in page_of(response)
    )


def test_a_one_time_order_needs_a_product(client, owner, milk):
    response = client.post(
        reverse("me:new_order"), {"delivery_date": iso(TOMORROW), "shift": "morning"}
    )
    assert "Enter a quantity for at least one product." in page_of(response)
    assert not Order.objects.exists()


def test_a_one_time_order_can_be_cancelled_before_the_cutoff(client, owner, milk):
    order = create_one_time_order(
        customer=owner, delivery_date=TOMORROW, lines=[LineSpec(milk, Decimal(1))]
    )
    client.post(reverse("me:cancel", args=[order.pk]))
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED


def _extra_data(subscription):
    return {"line": subscription.lines.get().pk, "day": iso(TOMORROW), "quantity": "3"}


AFTER_CUTOFF_CASES = {
    "pause": lambda s, m: (reverse("me:pause", args=[s.pk]), {"start_date": iso(TOMORROW)}),
    "skip": lambda s, m: (reverse("me:skip", args=[s.pk]), {"day": iso(TOMORROW)}),
    "extra": lambda s, m: (reverse("me:extra", args=[s.pk]), _extra_data(s)),
    "one_time": lambda s, m: (
        reverse("me:new_order"),
        {"delivery_date": iso(TOMORROW), "shift": "morning", f"qty_{m.pk}": "1"},
    ),
}


def _writes() -> tuple:
    return (
        OrderPause.objects.count(),
        DayOverride.objects.count(),
        Order.objects.count(),
        Order.history.count(),
    )


@pytest.mark.parametrize("action", list(AFTER_CUTOFF_CASES))
def test_after_the_cutoff_each_change_is_refused_with_the_reason_and_nothing_written(
    client, subscription, milk, clock, action
):
    url, data = AFTER_CUTOFF_CASES[action](subscription, milk)
    clock(AFTER_CUTOFF)
    before = _writes()
    response = client.post(url, data)
    assert response.status_code == 200
    assert CLOSED in page_of(response)
    assert CALL_LINK in page_of(response)
    assert _writes() == before


@pytest.mark.parametrize("action", list(AFTER_CUTOFF_CASES))
def test_the_same_change_one_minute_before_the_cutoff_is_written(
    client, subscription, milk, clock, action
):
    url, data = AFTER_CUTOFF_CASES[action](subscription, milk)
    clock(dt.datetime(2026, 3, 10, 20, 59, tzinfo=IST))
    before = _writes()
    response = client.post(url, data)
    assert response.status_code == 302
    assert _writes() != before


def test_resuming_after_the_cutoff_for_that_day_is_refused(client, subscription, clock):
    pause = pause_order(order=subscription, start_date=d(5))
    clock(AFTER_CUTOFF)
    response = client.post(
        reverse("me:resume", args=[subscription.pk, pause.pk]),
        {"first_day_back": iso(TOMORROW)},
    )
    assert CLOSED in page_of(response)
    pause.refresh_from_db()
    assert pause.end_date is None


def test_cancelling_after_the_cutoff_is_refused(client, owner, milk, clock):
    order = create_one_time_order(
        customer=owner, delivery_date=TOMORROW, lines=[LineSpec(milk, Decimal(1))]
    )
    clock(AFTER_CUTOFF)
    response = client.post(reverse("me:cancel", args=[order.pk]), follow=True)
    assert CLOSED in page_of(response)
    assert CALL_LINK in page_of(response)
    order.refresh_from_db()
    assert order.status == Order.Status.PLACED


# --- another customer's orders and bills ----------------------------------------------


def test_another_customers_order_and_bill_are_a_404(client, owner, milk):
    other = CustomerFactory()
    theirs = SubscriptionFactory(customer=other, product=milk, start_date=d(1))
    their_pause = pause_order(order=theirs, start_date=d(20))
    their_one_time = create_one_time_order(
        customer=other, delivery_date=TOMORROW, lines=[LineSpec(milk, Decimal(1))]
    )
    their_bill = issued_bill(other, total=Decimal("10"))
    before = _writes()
    gets = [
        reverse("me:order", args=[theirs.pk]),
        reverse("me:pause", args=[theirs.pk]),
        reverse("me:bill", args=[their_bill.pk]),
    ]
    posts = [
        (reverse("me:pause", args=[theirs.pk]), {"start_date": iso(TOMORROW)}),
        (reverse("me:skip", args=[theirs.pk]), {"day": iso(TOMORROW)}),
        (reverse("me:extra", args=[theirs.pk]), _extra_data(theirs)),
        (reverse("me:reset_day", args=[theirs.pk]), {"day": iso(TOMORROW)}),
        (reverse("me:resume", args=[theirs.pk, their_pause.pk]), {"first_day_back": iso(d(21))}),
        (reverse("me:cancel", args=[their_one_time.pk]), {}),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    assert _writes() == before
    their_one_time.refresh_from_db()
    assert their_one_time.status == Order.Status.PLACED


def test_a_pause_of_another_order_is_a_404(client, owner, subscription, milk):
    other = SubscriptionFactory(customer=CustomerFactory(), product=milk, start_date=d(1))
    their_pause = pause_order(order=other, start_date=d(20))
    url = reverse("me:resume", args=[subscription.pk, their_pause.pk])
    assert client.post(url, {"first_day_back": iso(d(21))}).status_code == 404
