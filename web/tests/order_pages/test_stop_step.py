"""Stopping a subscription is a second step: a ticked box, or nothing changes."""

import pytest
from django.urls import reverse

from earlybird.formats import day_text
from orders.models import Order
from orders.tests.views import days

pytestmark = pytest.mark.django_db


def test_without_the_tick_nothing_stops_and_the_page_says_why(client, support, subscription):
    response = client.post(
        reverse("orders:stop", args=[subscription.pk]), {"stop-last_day": days(6).isoformat()}
    )

    subscription.refresh_from_db()
    assert (subscription.status, subscription.end_date) == (Order.Status.ACTIVE, None)
    page = response.content.decode()
    assert "Not stopped: tick “Yes, stop this subscription” to confirm." in page
    assert '<details class="confirm-step" open>' in page  # the step stays open with its error


def test_with_the_tick_it_stops_and_the_message_writes_the_day_the_indian_way(
    client, support, subscription
):
    last_day = days(6)

    response = client.post(
        reverse("orders:stop", args=[subscription.pk]),
        {"stop-last_day": f"{last_day:%d/%m/%Y}", "stop-confirm": "on"},  # typed 29/11/2026
        follow=True,
    )

    subscription.refresh_from_db()
    assert subscription.end_date == last_day
    text = response.content.decode()
    assert f"stopped: nothing is delivered after {day_text(last_day)}." in text
    assert last_day.isoformat() not in text.split("stopped:", 1)[1].split("</", 1)[0]


def test_the_order_page_asks_for_the_tick_in_a_second_step(client, support, subscription):
    page = client.get(reverse("orders:detail", args=[subscription.pk])).content.decode()

    step = page.split('<details class="confirm-step">', 1)[1].split("</details>", 1)[0]
    assert "<summary>Stop this subscription…</summary>" in step
    assert 'type="checkbox" name="stop-confirm"' in step and "required" in step
    assert reverse("orders:stop", args=[subscription.pk]) in step
