"""Staff order pages: subscriptions and their schedule edits, one-time orders, products
and prices. The cast: the marketer who owns the customer, colleagues in other roles,
outsiders."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer
from customers.tests.factories import CustomerFactory, UserFactory
from deliveries.models import Delivery
from deliveries.services import Confirmer, confirm_delivery, generate_deliveries
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird import roles
from orders.models import (
    CustomerPrice,
    DayOverride,
    Order,
    OrderLine,
    OrderPause,
    Product,
    ProductPrice,
)
from orders.services import pause_order, set_day_override
from orders.tests.factories import OneTimeOrderFactory, ProductFactory, SubscriptionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.any_day]


def today() -> dt.date:
    return timezone.localdate()


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


def staff(role: str):
    return UserFactory(roles=[role])


def login(client, user):
    client.force_login(user)
    return user


@pytest.fixture
def marketer():
    return staff(roles.MARKETING)


@pytest.fixture
def milk():
    return ProductFactory(name="Cow milk", price="56.00")


@pytest.fixture
def curd():
    return ProductFactory(name="Curd 500 g", unit=Product.Unit.PACKET, price="35.00")


@pytest.fixture
def customer(marketer):
    return CustomerFactory(name="Asha Rao", marketing_staff=marketer)


@pytest.fixture
def subscription(customer, milk):
    return SubscriptionFactory(customer=customer, product=milk, start_date=today())


@pytest.fixture
def support(client):
    return login(client, staff(roles.SUPPORT))


def outsider_users():
    return [
        staff(roles.MARKETING),  # another marketer: not their customer
        DeliveryBoyFactory().user,
        CustomerFactory().user,
    ]


def assert_404_for(client, users, method, url, data=None):
    for user in users:
        login(client, user)
        response = getattr(client, method)(url, data or {})
        assert response.status_code == 404, (user, url)


def test_anonymous_visitors_are_sent_to_log_in_from_every_order_page(
    client, customer, subscription, milk
):
    pause = pause_order(order=subscription, start_date=days(1))
    gets = [
        reverse("orders:one_time_list"),
        reverse("orders:detail", args=[subscription.pk]),
        reverse("orders:edit", args=[subscription.pk]),
        reverse("orders:subscription_create", args=[customer.pk]),
        reverse("orders:one_time_create", args=[customer.pk]),
        reverse("orders:customer_prices", args=[customer.pk]),
        reverse("orders:products"),
        reverse("orders:product_create"),
        reverse("orders:product", args=[milk.pk]),
    ]
    posts = [
        reverse("orders:pause", args=[subscription.pk]),
        reverse("orders:resume", args=[pause.pk]),
        reverse("orders:day", args=[subscription.pk]),
        reverse("orders:stop", args=[subscription.pk]),
        reverse("orders:product_price", args=[milk.pk]),
    ]
    for method, url in [("get", u) for u in gets] + [("post", u) for u in posts]:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url
    assert OrderPause.objects.count() == 1


# --- subscriptions -----------------------------------------------------------------------


def subscription_data(product, **overrides) -> dict:
    data = {
        f"qty_{product.pk}": "2",
        "pattern": "daily",
        "shift": "morning",
        "start_date": days(1).isoformat(),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_marketer_subscribes_their_customer_to_two_products(
    client, marketer, customer, milk, curd
):
    login(client, marketer)
    url = reverse("orders:subscription_create", args=[customer.pk])
    response = client.post(
        url,
        subscription_data(
            milk,
            **{f"qty_{curd.pk}": "1"},
            pattern="alternate_days",
            shift="evening",
            end_date=days(30).isoformat(),
        ),
    )
    order = Order.objects.get(customer=customer)
    assert response.url == reverse("orders:detail", args=[order.pk])
    assert (order.pattern, order.shift, order.start_date, order.end_date, order.created_by) == (
        "alternate_days",
        "evening",
        days(1),
        days(30),
        marketer,
    )
    assert dict(order.lines.values_list("product__name", "quantity")) == {
        "Cow milk": Decimal("2.000"),
        "Curd 500 g": Decimal("1.000"),
    }


def test_creating_a_subscription_is_a_404_for_outsiders_and_accounts(client, customer, milk):
    url = reverse("orders:subscription_create", args=[customer.pk])
    assert_404_for(client, [*outsider_users(), staff(roles.ACCOUNTS)], "get", url)
    assert_404_for(client, [staff(roles.ACCOUNTS)], "post", url, subscription_data(milk))
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"QTY": None}, None, "Give a quantity for at least one product"),
        ({"QTY": "-1"}, "QTY", "cannot be below 0"),
        ({"QTY": "1.2345"}, "QTY", "at most 3 decimals"),
        ({"pattern": "weekdays"}, "weekdays", "Tick at least one weekday."),
        ({"start_date": "2020-01-01"}, "start_date", "cannot be in the past"),
        ({"start_date": ""}, "start_date", "Give the first day."),
        ({"end_date": "AFTER"}, "end_date", "cannot be before the first"),
    ],
)
def test_a_subscription_form_with_mistakes_says_so_and_writes_nothing(
    client, support, customer, milk, overrides, field, words
):
    qty = f"qty_{milk.pk}"
    data = subscription_data(milk, start_date=days(5).isoformat())
    for key, value in overrides.items():
        key = qty if key == "QTY" else key
        data[key] = days(2).isoformat() if value == "AFTER" else value
    data = {k: v for k, v in data.items() if v is not None}
    response = client.post(reverse("orders:subscription_create", args=[customer.pk]), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    key = qty if field == "QTY" else (field or "__all__")
    assert words in " ".join(errors[key])
    assert not Order.objects.exists()


def test_the_subscription_is_edited_pattern_quantities_and_a_new_product(
    client, marketer, subscription, milk, curd
):
    login(client, marketer)
    response = client.post(
        reverse("orders:edit", args=[subscription.pk]),
        {
            f"qty_{milk.pk}": "1.5",
            f"qty_{curd.pk}": "1",
            "pattern": "weekdays",
            "weekdays": ["5", "6"],
            "shift": "morning",
        },
    )
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert (subscription.pattern, subscription.weekdays) == ("weekdays", [5, 6])
    assert dict(subscription.lines.values_list("product__name", "quantity")) == {
        "Cow milk": Decimal("1.500"),
        "Curd 500 g": Decimal("1.000"),
    }


def test_a_product_on_the_subscription_cannot_be_emptied_and_nothing_changes(
    client, support, subscription, milk
):
    response = client.post(
        reverse("orders:edit", args=[subscription.pk]),
        {f"qty_{milk.pk}": "0", "pattern": "alternate_days", "shift": "morning"},
    )
    assert "keep a quantity above 0" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.pattern == "daily"
    assert subscription.lines.get().quantity == Decimal("1")


def test_editing_is_a_404_for_another_marketer_and_for_accounts(client, subscription, milk):
    url = reverse("orders:edit", args=[subscription.pk])
    users = [staff(roles.MARKETING), staff(roles.ACCOUNTS), DeliveryBoyFactory().user]
    assert_404_for(client, users, "get", url)
    assert_404_for(client, users, "post", url, {f"qty_{milk.pk}": "9", "pattern": "daily"})
    assert subscription.lines.get().quantity == Decimal("1")


# --- the order page ----------------------------------------------------------------------


def test_the_order_page_shows_the_month_with_delivery_statuses_and_plans(
    client, subscription, customer
):
    generate_deliveries(day=today())
    confirm_delivery(
        delivery=Delivery.objects.get(order=subscription),
        delivered_qty=Decimal(1),
        by=Confirmer(via=Delivery.Via.STAFF, user=staff(roles.SUPPORT)),
    )
    pause_order(order=subscription, start_date=days(3), end_date=days(4), reason="Wedding")
    set_day_override(line=subscription.lines.get(), day=days(2), quantity=Decimal(3))
    login(client, staff(roles.ACCOUNTS))

    # Today, the override and the pause may fall in two months near a month's end.
    months = sorted({f"{day:%Y-%m}" for day in (today(), days(2), days(4))})
    url = reverse("orders:detail", args=[subscription.pk])
    page = "".join(client.get(url, {"month": month}).content.decode() for month in months)

    assert "Wedding" in page
    assert "Delivered" in page
    assert "Planned: Cow milk × 3" in page
    assert "Paused" in page
    assert 'action="/staff/orders/' not in page  # accounts reads; no forms offered


def test_the_order_page_is_a_404_for_another_marketer_and_outsiders(client, subscription):
    url = reverse("orders:detail", args=[subscription.pk])
    assert_404_for(client, outsider_users(), "get", url)
    client.logout()
    assert client.get(url).url.startswith(reverse("login"))


def test_the_owner_marketer_reads_the_order_page_without_schedule_forms(
    client, marketer, subscription
):
    login(client, marketer)
    page = client.get(reverse("orders:detail", args=[subscription.pk])).content.decode()
    assert subscription.code in page
    assert reverse("orders:edit", args=[subscription.pk]) in page
    assert reverse("orders:pause", args=[subscription.pk]) not in page


# --- pause and resume --------------------------------------------------------------------


def test_support_pauses_for_a_date_range_and_open_ended(client, support, subscription):
    url = reverse("orders:pause", args=[subscription.pk])
    client.post(
        url,
        {
            "pause-start_date": days(2).isoformat(),
            "pause-end_date": days(4).isoformat(),
            "pause-reason": "Trip",
        },
    )
    response = client.post(url, {"pause-start_date": days(10).isoformat()}, follow=True)
    pauses = list(OrderPause.objects.values_list("start_date", "end_date", "reason"))
    assert pauses == [(days(2), days(4), "Trip"), (days(10), None, "")]
    assert "until resumed" in response.content.decode()


def test_an_overlapping_pause_is_refused_with_the_reason_and_nothing_is_added(
    client, support, subscription
):
    pause_order(order=subscription, start_date=days(2), end_date=days(6))
    response = client.post(
        reverse("orders:pause", args=[subscription.pk]),
        {"pause-start_date": days(5).isoformat(), "pause-end_date": days(8).isoformat()},
    )
    assert "It overlaps the pause already set" in response.content.decode()
    assert OrderPause.objects.count() == 1


def test_a_pause_ending_before_it_starts_is_refused_on_the_field(client, support, subscription):
    response = client.post(
        reverse("orders:pause", args=[subscription.pk]),
        {"pause-start_date": days(5).isoformat(), "pause-end_date": days(3).isoformat()},
    )
    assert "cannot end before it starts" in " ".join(
        response.context["pause_form"].errors["end_date"]
    )
    assert not OrderPause.objects.exists()


def test_pausing_is_for_support_and_admin_only(client, marketer, subscription):
    url = reverse("orders:pause", args=[subscription.pk])
    data = {"pause-start_date": days(2).isoformat()}
    assert_404_for(client, [marketer, staff(roles.ACCOUNTS), *outsider_users()], "post", url, data)
    assert not OrderPause.objects.exists()
    login(client, staff(roles.ADMIN))
    client.post(url, data)
    assert OrderPause.objects.count() == 1


def test_an_open_ended_pause_is_resumed_from_a_day(client, support, subscription):
    pause = pause_order(order=subscription, start_date=days(1))
    response = client.post(
        reverse("orders:resume", args=[pause.pk]),
        {f"resume{pause.pk}-first_day_back": days(5).isoformat()},
        follow=True,
    )
    pause.refresh_from_db()
    assert pause.end_date == days(4)
    assert "delivers again from" in response.content.decode()


def test_resuming_without_a_day_says_so_and_changes_nothing(client, support, subscription):
    pause = pause_order(order=subscription, start_date=days(1))
    response = client.post(reverse("orders:resume", args=[pause.pk]), {})
    assert "Give the first day back." in response.content.decode()
    pause.refresh_from_db()
    assert pause.end_date is None


def test_resuming_another_marketers_pause_is_a_404(client, subscription):
    pause = pause_order(order=subscription, start_date=days(1))
    url = reverse("orders:resume", args=[pause.pk])
    data = {f"resume{pause.pk}-first_day_back": days(3).isoformat()}
    assert_404_for(client, [*outsider_users(), staff(roles.ACCOUNTS)], "post", url, data)
    pause.refresh_from_db()
    assert pause.end_date is None


# --- one day: set a quantity, skip, back to the usual ------------------------------------


def test_support_sets_one_days_quantities_skips_a_day_and_undoes_it(
    client, support, customer, milk, curd
):
    order = SubscriptionFactory(customer=customer, product=milk, start_date=today())
    OrderLine.objects.create(order=order, product=curd, quantity=Decimal(1))
    milk_line, curd_line = order.lines.order_by("pk")
    url = reverse("orders:day", args=[order.pk])

    client.post(
        url, {"day-date": days(2).isoformat(), "day-action": "set", f"day-line_{milk_line.pk}": "3"}
    )
    client.post(url, {"day-date": days(3).isoformat(), "day-action": "skip"})
    overrides = set(DayOverride.objects.values_list("line_id", "date", "quantity"))
    assert overrides == {
        (milk_line.pk, days(2), Decimal("3")),
        (milk_line.pk, days(3), Decimal("0")),
        (curd_line.pk, days(3), Decimal("0")),
    }

    response = client.post(url, {"day-date": days(3).isoformat(), "day-action": "clear"})
    assert response.url.startswith(reverse("orders:detail", args=[order.pk]))
    assert set(DayOverride.objects.values_list("date", flat=True)) == {days(2)}


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"day-date": "PAST", "day-action": "skip"}, "That day is past"),
        ({"day-date": "FAR", "day-action": "skip"}, "outside this subscription"),
        ({"day-action": "skip"}, "Give the day."),
        ({"day-date": "SOON", "day-action": "set"}, "Give a quantity for at least one product"),
        ({"day-date": "SOON", "day-action": "set", "LINE": "-2"}, "cannot be below 0"),
    ],
)
def test_a_day_form_with_mistakes_says_so_and_writes_nothing(
    client, support, customer, milk, data, words
):
    order = SubscriptionFactory(
        customer=customer, product=milk, start_date=today(), end_date=days(9)
    )
    line = order.lines.get()
    dates = {"PAST": days(-1), "FAR": days(20), "SOON": days(2)}
    data = {
        (f"day-line_{line.pk}" if k == "LINE" else k): (dates[v].isoformat() if v in dates else v)
        for k, v in data.items()
    }
    response = client.post(reverse("orders:day", args=[order.pk]), data)
    assert words in response.content.decode()
    assert not DayOverride.objects.exists()


def test_changing_a_day_is_a_404_for_marketing_accounts_and_outsiders(
    client, marketer, subscription
):
    url = reverse("orders:day", args=[subscription.pk])
    data = {"day-date": days(2).isoformat(), "day-action": "skip"}
    assert_404_for(client, [marketer, staff(roles.ACCOUNTS), *outsider_users()], "post", url, data)
    assert not DayOverride.objects.exists()


def test_a_calendar_day_link_fills_in_the_day_form(client, support, subscription):
    page = client.get(
        reverse("orders:detail", args=[subscription.pk]), {"day": days(3).isoformat()}
    ).content.decode()
    assert f'name="day-date" value="{days(3).isoformat()}"' in page
    assert f"day={days(3).isoformat()}#day-form" in page


# --- stop ---------------------------------------------------------------------------------


def test_support_stops_a_subscription_after_a_last_day(client, support, subscription):
    response = client.post(
        reverse("orders:stop", args=[subscription.pk]), {"stop-last_day": days(6).isoformat()}
    )
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.end_date == days(6)


def test_stopping_without_a_day_says_so_and_changes_nothing(client, support, subscription):
    response = client.post(reverse("orders:stop", args=[subscription.pk]), {"stop-last_day": "x"})
    assert "Enter a date." in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.end_date is None


def test_stopping_is_a_404_for_marketing_and_accounts(client, marketer, subscription):
    url = reverse("orders:stop", args=[subscription.pk])
    data = {"stop-last_day": days(1).isoformat()}
    assert_404_for(client, [marketer, staff(roles.ACCOUNTS), *outsider_users()], "post", url, data)
    subscription.refresh_from_db()
    assert subscription.end_date is None


# --- one-time orders ---------------------------------------------------------------------


def test_support_places_a_one_time_order_of_several_products(client, support, customer, milk, curd):
    response = client.post(
        reverse("orders:one_time_create", args=[customer.pk]),
        {
            "delivery_date": days(2).isoformat(),
            "shift": "evening",
            f"qty_{milk.pk}": "2",
            f"qty_{curd.pk}": "3",
            "notes": "Puja at home",
        },
        follow=True,
    )
    order = Order.objects.get(kind=Order.Kind.ONE_TIME)
    assert (order.start_date, order.shift, order.status, order.created_by) == (
        days(2),
        "evening",
        "placed",
        support,
    )
    assert order.lines.count() == 2
    assert f"One-time order {order.code}" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"delivery_date": "PAST", "QTY": "1"}, "cannot be in the past"),
        ({"delivery_date": "SOON"}, "Give a quantity for at least one product"),
        ({"delivery_date": "", "QTY": "1"}, "Give the delivery day."),
    ],
)
def test_a_one_time_order_form_with_mistakes_says_so_and_writes_nothing(
    client, support, customer, milk, data, words
):
    dates = {"PAST": days(-1), "SOON": days(1)}
    data = {
        (f"qty_{milk.pk}" if k == "QTY" else k): (dates[v].isoformat() if v in dates else v)
        for k, v in data.items()
    }
    response = client.post(
        reverse("orders:one_time_create", args=[customer.pk]), {"shift": "morning", **data}
    )
    assert words in response.content.decode()
    assert not Order.objects.exists()


def test_a_stopped_customer_gets_no_one_time_order_and_the_form_says_why(client, support, milk):
    stopped = CustomerFactory(name="Gone Away", status=Customer.Status.STOPPED)
    response = client.post(
        reverse("orders:one_time_create", args=[stopped.pk]),
        {"delivery_date": days(1).isoformat(), "shift": "morning", f"qty_{milk.pk}": "1"},
    )
    assert "Gone Away has stopped deliveries." in response.content.decode()
    assert not Order.objects.exists()


def test_placing_a_one_time_order_is_a_404_for_marketing_and_accounts(
    client, marketer, customer, milk
):
    url = reverse("orders:one_time_create", args=[customer.pk])
    data = {"delivery_date": days(1).isoformat(), "shift": "morning", f"qty_{milk.pk}": "1"}
    assert_404_for(client, [marketer, staff(roles.ACCOUNTS), *outsider_users()], "post", url, data)
    assert not Order.objects.exists()


def test_a_one_time_order_is_cancelled_before_delivery(client, support, customer, milk):
    order = OneTimeOrderFactory(customer=customer, product=milk, delivery_date=days(1))
    response = client.post(reverse("orders:cancel", args=[order.pk]), follow=True)
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert f"{order.code} cancelled." in response.content.decode()


def test_a_delivered_one_time_order_is_not_cancelled_and_the_page_says_why(
    client, support, customer, milk
):
    order = OneTimeOrderFactory(customer=customer, product=milk, delivery_date=today())
    generate_deliveries(day=today())
    confirm_delivery(
        delivery=Delivery.objects.get(order=order),
        delivered_qty=Decimal(2),
        by=Confirmer(via=Delivery.Via.STAFF, user=support),
    )
    response = client.post(reverse("orders:cancel", args=[order.pk]), follow=True)
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED
    assert "was already delivered" in response.content.decode()


def test_cancelling_is_a_404_for_marketing_accounts_and_outsiders(client, marketer, customer, milk):
    order = OneTimeOrderFactory(customer=customer, product=milk, delivery_date=days(1))
    url = reverse("orders:cancel", args=[order.pk])
    assert_404_for(client, [marketer, staff(roles.ACCOUNTS), *outsider_users()], "post", url)
    order.refresh_from_db()
    assert order.status == Order.Status.PLACED


def test_the_one_time_list_shows_orders_from_today_of_the_customers_one_may_see(
    client, marketer, customer, milk
):
    mine = OneTimeOrderFactory(customer=customer, product=milk, delivery_date=days(1))
    past = OneTimeOrderFactory(customer=customer, product=milk, delivery_date=days(-3))
    other = OneTimeOrderFactory(product=milk, delivery_date=days(1))
    login(client, marketer)
    page = client.get(reverse("orders:one_time_list")).content.decode()
    assert mine.code in page
    assert past.code not in page
    assert other.code not in page
    login(client, staff(roles.SUPPORT))
    page = client.get(
        reverse("orders:one_time_list"), {"date_from": days(-5).isoformat()}
    ).content.decode()
    assert mine.code in page and past.code in page and other.code in page


def test_the_one_time_list_runs_the_same_queries_for_few_and_many_orders(
    client, django_assert_max_num_queries, milk
):
    login(client, staff(roles.SUPPORT))
    url = reverse("orders:one_time_list")
    OneTimeOrderFactory(product=milk, delivery_date=days(1))
    with django_assert_max_num_queries(8) as few:
        client.get(url)
    customer = CustomerFactory()
    for n in range(12):
        OneTimeOrderFactory(customer=customer, product=milk, delivery_date=days(n % 3 + 1))
    with django_assert_max_num_queries(8) as many:
        client.get(url)
    assert len(few) == len(many)


def test_the_one_time_list_is_a_404_for_outsiders(client):
    assert_404_for(client, outsider_users()[1:], "get", reverse("orders:one_time_list"))


# --- products and prices -----------------------------------------------------------------


def test_every_staff_role_sees_products_with_todays_and_the_next_price(client, milk):
    ProductPrice.objects.create(product=milk, price=Decimal("58.00"), effective_from=days(10))
    for role in (roles.MARKETING, roles.SUPPORT, roles.ACCOUNTS):
        login(client, staff(role))
        page = client.get(reverse("orders:products")).content.decode()
        assert "₹56.00" in page and "₹58.00 from" in page
        can_manage = reverse("orders:product", args=[milk.pk]) in page
        assert can_manage is (role == roles.ACCOUNTS)
    assert_404_for(client, outsider_users()[1:], "get", reverse("orders:products"))


def test_accounts_adds_a_product_with_its_first_price(client):
    login(client, staff(roles.ACCOUNTS))
    response = client.post(
        reverse("orders:product_create"),
        {"name": "Paneer 200 g", "unit": "packet", "price": "90", "effective_from": "2026-02-01"},
    )
    product = Product.objects.get(name="Paneer 200 g")
    assert response.url == reverse("orders:product", args=[product.pk])
    assert list(product.prices.values_list("price", "effective_from")) == [
        (Decimal("90.00"), dt.date(2026, 2, 1))
    ]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"name": "Cow milk"}, "Product with this Name already exists."),
        ({"name": ""}, "Give the product a name."),
        ({"price": "-5"}, "A price cannot be negative."),
        ({"price": "12.345"}, "at most 2 decimals"),
    ],
)
def test_a_product_form_with_mistakes_says_so_and_writes_nothing(client, milk, data, words):
    login(client, staff(roles.ACCOUNTS))
    before = (Product.objects.count(), ProductPrice.objects.count())
    response = client.post(
        reverse("orders:product_create"),
        {"name": "Ghee", "unit": "kg", "price": "600", "effective_from": "2026-02-01", **data},
    )
    assert words in response.content.decode()
    assert (Product.objects.count(), ProductPrice.objects.count()) == before


def test_a_new_price_from_a_day_on_keeps_the_earlier_price(client, milk):
    login(client, staff(roles.ACCOUNTS))
    client.post(
        reverse("orders:product_price", args=[milk.pk]),
        {"price-price": "60", "price-effective_from": days(1).isoformat()},
    )
    assert list(milk.prices.order_by("effective_from").values_list("price", flat=True)) == [
        Decimal("56.00"),
        Decimal("60.00"),
    ]
    page = client.get(reverse("orders:product", args=[milk.pk])).content.decode()
    assert "(to come)" in page


def test_a_negative_price_is_refused_on_the_field(client, milk):
    login(client, staff(roles.ACCOUNTS))
    response = client.post(
        reverse("orders:product_price", args=[milk.pk]),
        {"price-price": "-1", "price-effective_from": days(1).isoformat()},
    )
    assert "A price cannot be negative." in response.context["price_form"].errors["price"]
    assert milk.prices.count() == 1


def test_a_product_is_renamed_and_taken_off_sale(client, milk):
    login(client, staff(roles.ADMIN))
    client.post(
        reverse("orders:product_edit", args=[milk.pk]),
        {"product-name": "Cow milk 1 L", "product-unit": "litre", "product-sort_order": "2"},
    )
    milk.refresh_from_db()
    assert (milk.name, milk.is_active, milk.sort_order) == ("Cow milk 1 L", False, 2)


def test_product_management_is_a_404_for_marketing_and_support(client, milk):
    users = [staff(roles.MARKETING), staff(roles.SUPPORT), *outsider_users()[1:]]
    assert_404_for(client, users, "get", reverse("orders:product", args=[milk.pk]))
    assert_404_for(client, users, "get", reverse("orders:product_create"))
    assert_404_for(
        client,
        users,
        "post",
        reverse("orders:product_price", args=[milk.pk]),
        {"price-price": "1", "price-effective_from": days(1).isoformat()},
    )
    assert milk.prices.count() == 1


def test_accounts_gives_a_customer_a_special_price(client, customer, milk):
    login(client, staff(roles.ACCOUNTS))
    url = reverse("orders:customer_prices", args=[customer.pk])
    response = client.post(
        url, {"product": milk.pk, "price": "50", "effective_from": days(1).isoformat()}
    )
    assert response.url == url
    special = CustomerPrice.objects.get()
    assert (special.customer, special.product, special.price) == (customer, milk, Decimal("50"))
    detail = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert "₹50.00" in detail


def test_a_special_price_without_a_product_says_so_and_writes_nothing(client, customer):
    login(client, staff(roles.ACCOUNTS))
    response = client.post(
        reverse("orders:customer_prices", args=[customer.pk]),
        {"price": "50", "effective_from": days(1).isoformat()},
    )
    assert "Choose the product." in response.content.decode()
    assert not CustomerPrice.objects.exists()


def test_special_prices_are_a_404_for_support_and_marketing(client, marketer, customer, milk):
    url = reverse("orders:customer_prices", args=[customer.pk])
    data = {"product": milk.pk, "price": "1", "effective_from": days(1).isoformat()}
    assert_404_for(client, [marketer, staff(roles.SUPPORT), *outsider_users()], "post", url, data)
    assert not CustomerPrice.objects.exists()
