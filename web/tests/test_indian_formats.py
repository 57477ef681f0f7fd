"""Indian formats everywhere (earlybird/formats): the admin's dates and times, dates typed
as 29/11/2026, and dates written into messages."""

import datetime as dt

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from deliveries.tests.factories import DeliveryBoyFactory
from earlybird.formats import day_text
from orders.forms import StopForm

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.parametrize("browser_language", [None, "en-US,en;q=0.9", "hi-IN,hi;q=0.9"])
def test_the_admin_changelist_shows_datetimes_the_indian_way(
    admin_client, frozen_clock, browser_language
):
    frozen_clock.move_to(dt.datetime(2026, 11, 29, 4, 22, tzinfo=timezone.get_default_timezone()))
    DeliveryBoyFactory(name="Suresh")
    headers = {"HTTP_ACCEPT_LANGUAGE": browser_language} if browser_language else {}

    page = admin_client.get(reverse("admin:deliveries_deliveryboy_changelist"), **headers)

    text = page.content.decode()
    assert "Suresh" in text
    assert "29 Nov 2026, 4:22 AM" in text
    assert "Nov. 29, 2026" not in text and "a.m." not in text


def test_the_date_formats_the_templates_use_are_indian():
    moment = timezone.make_aware(dt.datetime(2026, 11, 29, 16, 5))
    rendered = Template(
        "{{ d|date }}|{{ d|date:'SHORT_DATE_FORMAT' }}|{{ m|date:'DATETIME_FORMAT' }}|{{ m|time }}"
    ).render(Context({"d": dt.date(2026, 11, 29), "m": moment}))
    assert rendered == "29 Nov 2026|29/11/2026|29 Nov 2026, 4:05 PM|4:05 PM"


@pytest.mark.parametrize("typed", ["29/11/2026", "29-11-2026", "2026-11-29", "29/11/26"])
def test_a_date_input_accepts_the_indian_way_and_iso(typed):
    form = StopForm({"stop-last_day": typed, "stop-confirm": "on"}, prefix="stop")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["last_day"] == dt.date(2026, 11, 29)
    assert forms.DateTimeField().clean(f"{typed} 16:05") == timezone.make_aware(
        dt.datetime(2026, 11, 29, 16, 5)
    )


def test_a_month_first_date_is_refused_not_misread():
    form = StopForm({"stop-last_day": "11/29/2026", "stop-confirm": "on"}, prefix="stop")
    assert not form.is_valid()
    assert form.errors["last_day"] == ["Enter a date."]


def test_a_date_picker_still_gets_an_iso_value():
    """<input type="date"> takes only ISO: the first input format stays ISO for widgets
    that give none of their own."""
    field = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    html = field.widget.render("day", dt.date(2026, 11, 29))
    assert 'value="2026-11-29"' in html


@pytest.mark.parametrize(
    ("value", "year", "text"),
    [
        (dt.date(2026, 12, 1), True, "Tue 1 Dec 2026"),
        (dt.date(2026, 12, 1), False, "Tue 1 Dec"),
        (dt.date(2028, 2, 29), True, "Tue 29 Feb 2028"),
        # A moment is written on its Indian day: 20:00 UTC is 1:30 the next morning.
        (dt.datetime(2026, 11, 30, 20, 0, tzinfo=dt.UTC), True, "Tue 1 Dec 2026"),
    ],
)
def test_messages_write_a_day_the_indian_way(value, year, text):
    assert day_text(value, year=year) == text


def test_a_missing_day_is_written_as_nothing_not_an_error():
    assert day_text(None) == ""
