"""A day with nothing generated: the page says so; support and admin generate it by
POST. Bounds on the date a page is opened for."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.tests.factories import UserFactory
from deliveries.models import Delivery
from deliveries.services import assign_to_route, generate_deliveries
from deliveries.tests.factories import DeliveryBoyFactory
from deliveries.tests.staff_pages import DAY
from earlybird import roles
from orders.tests.factories import SubscriptionFactory

pytestmark = pytest.mark.django_db


def label(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def due_every_day(*, start: dt.date):
    """One customer with a daily subscription from `start`, on a delivery boy's route."""
    boy = DeliveryBoyFactory()
    order = SubscriptionFactory(start_date=start)
    assign_to_route(customer=order.customer, delivery_boy=boy)
    return boy, order


def sheet_url(boy) -> str:
    return reverse("deliveries:daily_sheet", args=[boy.pk])


def test_opening_a_sheet_for_a_day_with_no_rows_says_so_and_generates_nothing(client, support):
    boy, order = due_every_day(start=DAY)
    response = client.get(sheet_url(boy), {"date": DAY.isoformat(), "shift": "morning"})
    page = response.content.decode()
    assert response.status_code == 200
    assert f"Nothing generated for {label(DAY)} yet." in page
    assert order.customer.name not in page
    assert not Delivery.objects.exists()


@pytest.mark.parametrize("role", [roles.SUPPORT, roles.ADMIN])
@pytest.mark.parametrize("page", ["sheet", "procurement"])
def test_support_and_admin_generate_a_day_from_its_page_with_a_post(client, role, page):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    boy, order = due_every_day(start=tomorrow)
    client.force_login(UserFactory(roles=[role]))
    url = sheet_url(boy) if page == "sheet" else reverse("deliveries:procurement")
    shown = client.get(url, {"date": tomorrow.isoformat()}).content.decode()
    assert f"Nothing generated for {label(tomorrow)} yet." in shown
    assert f"Generate deliveries for {label(tomorrow)}" in shown

    response = client.post(url, {"date": tomorrow.isoformat(), "shift": "morning"})

    assert response.status_code == 302
    assert response.url.startswith(url) and f"date={tomorrow.isoformat()}" in response.url
    assert Delivery.objects.filter(order=order, date=tomorrow).count() == 1
    page_after = client.get(response.url).content.decode()
    assert f"Generated {label(tomorrow)}: 1 new, 0 updated, 0 cancelled." in page_after
    assert "Nothing generated" not in page_after


@pytest.mark.parametrize("role", [roles.MARKETING, roles.ACCOUNTS, roles.DELIVERY_BOY])
@pytest.mark.parametrize("page", ["sheet", "procurement"])
def test_other_roles_get_a_404_on_the_generate_post_and_nothing_is_made(client, role, page):
    today = timezone.localdate()
    boy, _ = due_every_day(start=today)
    client.force_login(UserFactory(roles=[role]))
    url = sheet_url(boy) if page == "sheet" else reverse("deliveries:procurement")
    assert client.post(url, {"date": today.isoformat()}).status_code == 404
    assert not Delivery.objects.exists()


def test_accounts_see_that_nothing_is_generated_without_a_button(client):
    today = timezone.localdate()
    due_every_day(start=today)
    client.force_login(UserFactory(roles=[roles.ACCOUNTS]))
    page = client.get(reverse("deliveries:procurement")).content.decode()
    assert f"Nothing generated for {label(today)} yet." in page
    assert "Generate deliveries" not in page
    assert not Delivery.objects.exists()


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        (8, "Deliveries can be generated here from"),
        (-8, "Deliveries can be generated here from"),
        ("9999-12-31", "Deliveries can be generated here from"),
        ("0001-01-01", "Deliveries can be generated here from"),
        ("2026-02-30", "Enter a date as YYYY-MM-DD."),
        ("tomorrow", "Enter a date as YYYY-MM-DD."),
        ("", "Choose the day to generate."),
    ],
    ids=["8 days ahead", "8 days back", "9999-12-31", "year 1", "30 Feb", "a word", "empty"],
)
def test_a_day_outside_the_window_is_refused_with_a_message(client, support, posted, message):
    today = timezone.localdate()
    due_every_day(start=today - dt.timedelta(days=30))
    if isinstance(posted, int):
        posted = (today + dt.timedelta(days=posted)).isoformat()
    url = reverse("deliveries:procurement")
    response = client.post(url, {"date": posted}, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Delivery.objects.exists()


@pytest.mark.parametrize("days", [7, -7])
def test_the_window_edges_may_be_generated(client, support, days):
    day = timezone.localdate() + dt.timedelta(days=days)
    due_every_day(start=day - dt.timedelta(days=1))
    client.post(reverse("deliveries:procurement"), {"date": day.isoformat()})
    assert Delivery.objects.filter(date=day).count() == 1


def test_the_window_is_a_setting(client, support, settings):
    settings.GENERATE_WINDOW_DAYS = 1
    today = timezone.localdate()
    due_every_day(start=today)
    url = reverse("deliveries:procurement")
    later = today + dt.timedelta(days=2)
    assert "Generate deliveries" not in client.get(url, {"date": later}).content.decode()
    response = client.post(url, {"date": later.isoformat()}, follow=True)
    assert f"from {label(today - dt.timedelta(days=1))} to" in response.content.decode()
    assert not Delivery.objects.exists()


def test_a_past_day_already_generated_is_not_generated_again(client, support):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    boy, first = due_every_day(start=yesterday)
    generate_deliveries(day=yesterday)
    late = SubscriptionFactory(start_date=yesterday)  # entered after the day was generated
    assign_to_route(customer=late.customer, delivery_boy=boy)

    response = client.post(
        reverse("deliveries:procurement"), {"date": yesterday.isoformat()}, follow=True
    )

    assert "is past and already generated" in response.content.decode()
    assert list(Delivery.objects.values_list("order", flat=True)) == [first.pk]


def test_a_past_day_not_generated_yet_may_be_generated_once(client, support):
    past = timezone.localdate() - dt.timedelta(days=3)
    _, order = due_every_day(start=past)
    url = reverse("deliveries:procurement")
    assert "Generate deliveries" in client.get(url, {"date": past}).content.decode()
    client.post(url, {"date": past.isoformat()})
    assert Delivery.objects.filter(order=order, date=past).count() == 1
    again = client.post(url, {"date": past.isoformat()}, follow=True).content.decode()
    assert "is past and already generated" in again
    assert Delivery.objects.count() == 1


def test_today_may_be_generated_again_and_nothing_is_duplicated(client, support):
    today = timezone.localdate()
    _, order = due_every_day(start=today)
    generate_deliveries(day=today)
    response = client.post(reverse("deliveries:procurement"), {"date": today}, follow=True)
    assert f"Generated {label(today)}: 0 new, 0 updated, 0 cancelled." in (
        response.content.decode()
    )
    assert Delivery.objects.filter(order=order).count() == 1


def test_a_product_without_a_price_is_a_message_not_a_500(client, support, monkeypatch):
    from django.core.exceptions import ValidationError

    from deliveries import services

    def no_price(*, day):
        raise ValidationError("1 due line(s) have a product with no price in force.")

    monkeypatch.setattr(services, "generate_deliveries", no_price)
    today = timezone.localdate()
    response = client.post(reverse("deliveries:procurement"), {"date": today}, follow=True)
    assert f"Nothing generated for {label(today)}: 1 due line(s)" in response.content.decode()


# --- bounds on the date a page is opened for ---------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("9999-12-31", "Choose a date from 01 Jan 2000 to"),
        ("1999-12-31", "Choose a date from 01 Jan 2000 to"),
        ("0001-01-01", "Choose a date from 01 Jan 2000 to"),
        ("2026-13-01", "Enter a date as YYYY-MM-DD."),
        ("18/11/2026x", "Enter a date as YYYY-MM-DD."),
        ("10000-01-01", "Enter a date as YYYY-MM-DD."),
    ],
)
@pytest.mark.parametrize("page", ["sheet", "procurement", "csv"])
def test_a_bad_or_out_of_range_date_is_a_400_with_the_reason(client, support, value, message, page):
    boy, _ = due_every_day(start=DAY)
    url = sheet_url(boy) if page == "sheet" else reverse("deliveries:procurement")
    query = {"date": value, **({"format": "csv"} if page == "csv" else {})}
    response = client.get(url, query)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Delivery.objects.exists()


def test_a_bad_shift_is_a_400_too(client, support):
    boy, _ = due_every_day(start=DAY)
    response = client.get(sheet_url(boy), {"date": DAY.isoformat(), "shift": "night"})
    assert response.status_code == 400
    assert "Choose the morning or the evening shift." in response.content.decode()


def test_a_year_ahead_is_the_last_day_a_page_opens(client, support):
    today = timezone.localdate()
    url = reverse("deliveries:procurement")
    assert client.get(url, {"date": today + dt.timedelta(days=366)}).status_code == 200
    assert client.get(url, {"date": today + dt.timedelta(days=367)}).status_code == 400
