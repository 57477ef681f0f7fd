"""An order's staff page (web.staff.orders): its month calendar with the deliveries and
what the schedule plans, and the schedule edits made from it — pause and resume, one
day's quantities, stop — and what a delivered one-time order's page says. The cast: the
marketer who owns the customer, colleagues in other roles, outsiders."""

from decimal import Decimal

import pytest
from django.urls import reverse

from customers.tests.factories import CustomerFactory
from deliveries.models import Delivery
from deliveries.services import Confirmer, confirm_delivery, generate_deliveries
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird import roles
from orders.models import DayOverride, Order, OrderLine, OrderPause
from orders.services import pause_order, set_day_override
from orders.tests.factories import OneTimeOrderFactory, SubscriptionFactory
from orders.tests.views import assert_404_for, days, login, staff, today

pytestmark = [pytest.mark.django_db, pytest.mark.any_day]


def outsider_users():
    return [
        staff(roles.MARKETING),  # another marketer: not their customer
        DeliveryBoyFactory().user,
        CustomerFactory().user,
    ]


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
        ({"day-date": "SOON", "day-action": "set", "LINE": "-2"}, "from 0 to 50"),
        ({"day-date": "SOON", "day-action": "set", "LINE": "9999999.999"}, "from 0 to 50"),
        ({"day-date": "9999-12-31", "day-action": "skip"}, "Choose a date between"),
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
        reverse("orders:stop", args=[subscription.pk]),
        {"stop-last_day": days(6).isoformat(), "stop-confirm": "on"},
    )
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.end_date == days(6)


def test_stopping_without_a_day_says_so_and_changes_nothing(client, support, subscription):
    response = client.post(
        reverse("orders:stop", args=[subscription.pk]), {"stop-last_day": "x", "stop-confirm": "on"}
    )
    assert "Enter a date." in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.end_date is None


def test_stopping_is_a_404_for_marketing_and_accounts(client, marketer, subscription):
    url = reverse("orders:stop", args=[subscription.pk])
    data = {"stop-last_day": days(1).isoformat(), "stop-confirm": "on"}
    assert_404_for(client, [marketer, staff(roles.ACCOUNTS), *outsider_users()], "post", url, data)
    subscription.refresh_from_db()
    assert subscription.end_date is None


# --- a one-time order once delivered ----------------------------------------------------


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
