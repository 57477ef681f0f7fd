"""Pauses added, ended and deleted in the admin, inline or on their own page."""

import datetime as dt

import pytest
from django.urls import reverse

from deliveries.models import Delivery
from deliveries.tests.order_admin import (
    change_url,
    delete_url,
    delivery_on,
    errors_of,
    messages_of,
    submitted,
)
from orders.models import OrderPause
from orders.services import pause_order

pytestmark = pytest.mark.django_db


def test_a_pause_added_inline_on_the_order_cancels_tomorrows_pending_delivery(
    admin_staff, order, tomorrow
):
    url = change_url(order)
    data = submitted(admin_staff.get(url))
    data.update(
        {
            "pauses-TOTAL_FORMS": "1",
            "pauses-0-start_date": tomorrow.isoformat(),
            "pauses-0-end_date": (tomorrow + dt.timedelta(days=3)).isoformat(),
            "pauses-0-reason": "Visiting family",
        }
    )

    response = admin_staff.post(url, data)

    assert response.status_code == 302, errors_of(response)
    assert order.pauses.get().reason == "Visiting family"
    assert delivery_on(order, tomorrow).status == Delivery.Status.CANCELLED


def test_a_pause_added_on_its_own_admin_page_cancels_tomorrows_pending_delivery(
    admin_staff, order, tomorrow
):
    response = admin_staff.post(
        reverse("admin:orders_orderpause_add"),
        {"order": order.pk, "start_date": tomorrow.isoformat(), "end_date": "", "reason": ""},
    )

    assert response.status_code == 302
    assert order.pauses.get().end_date is None
    assert delivery_on(order, tomorrow).status == Delivery.Status.CANCELLED


def test_an_overlapping_pause_is_an_error_on_the_page_and_writes_nothing(
    admin_staff, order, tomorrow
):
    pause_order(order=order, start_date=tomorrow)

    response = admin_staff.post(
        reverse("admin:orders_orderpause_add"),
        {"order": order.pk, "start_date": (tomorrow + dt.timedelta(days=5)).isoformat()},
    )

    assert response.status_code == 200
    assert "overlaps the pause already set" in errors_of(response)
    assert order.pauses.count() == 1


def test_an_inline_pause_refused_by_the_service_rolls_back_the_whole_save(
    admin_staff, order, tomorrow
):
    pause_order(order=order, start_date=tomorrow)
    url = change_url(order)
    data = submitted(admin_staff.get(url))
    data.update(
        {
            "notes": "Ring twice",
            "pauses-TOTAL_FORMS": str(int(data["pauses-TOTAL_FORMS"]) + 1),
            "pauses-1-start_date": (tomorrow + dt.timedelta(days=2)).isoformat(),
        }
    )

    response = admin_staff.post(url, data)

    assert response.status_code == 200
    assert "overlaps the pause already set" in errors_of(response)
    order.refresh_from_db()
    assert order.notes == ""
    assert order.pauses.count() == 1


def test_ending_a_pause_in_the_admin_brings_the_days_after_it_back(
    admin_staff, order, today, tomorrow
):
    pause = pause_order(order=order, start_date=today)
    assert delivery_on(order, tomorrow).status == Delivery.Status.CANCELLED

    response = admin_staff.post(
        change_url(pause), {"start_date": today.isoformat(), "end_date": today.isoformat()}
    )

    assert response.status_code == 302
    assert delivery_on(order, tomorrow).status == Delivery.Status.PENDING


def test_a_pause_not_yet_begun_is_deleted_and_its_days_come_back(admin_staff, order, tomorrow):
    pause = pause_order(order=order, start_date=tomorrow)

    response = admin_staff.post(delete_url(pause), {"post": "yes"})

    assert response.status_code == 302
    assert not OrderPause.objects.exists()
    assert delivery_on(order, tomorrow).status == Delivery.Status.PENDING


def test_deleting_a_pause_that_has_begun_is_refused_with_a_message(admin_staff, order, today):
    pause = pause_order(order=order, start_date=today)

    response = admin_staff.post(delete_url(pause), {"post": "yes"})

    assert response.status_code == 302
    assert response.url == change_url(pause)
    assert "end it (set its end date) instead" in messages_of(response)
    assert OrderPause.objects.filter(pk=pause.pk).exists()


def test_a_pause_deleted_inline_goes_through_the_service_too(admin_staff, order, today):
    pause_order(order=order, start_date=today)
    url = change_url(order)
    data = submitted(admin_staff.get(url))
    data["pauses-0-DELETE"] = "on"

    response = admin_staff.post(url, data)

    assert response.status_code == 200
    assert "end it (set its end date) instead" in errors_of(response)
    assert order.pauses.count() == 1
