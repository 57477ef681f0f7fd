"""API on orders: staff orders and subscriptions; a customer's subscriptions, pauses,
day overrides and one-time orders, each change refused after the cut-off."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def today() -> dt.date:
    return timezone.localdate()


def days_ahead(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)
