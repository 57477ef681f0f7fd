"""Anonymous visitors are sent to log in from every staff order page."""

import pytest
from django.urls import reverse

from orders.models import OrderPause
from orders.services import pause_order
from orders.tests.views import days

pytestmark = [pytest.mark.django_db, pytest.mark.any_day]


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
