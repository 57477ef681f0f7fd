"""Staff order pages: subscriptions, one-time orders, products and prices. (An order's
own page and its schedule edits: web/tests/order_pages/.) The cast: the marketer
who owns the customer, colleagues in other roles, outsiders."""

import datetime as dt

from django.utils import timezone

from customers.tests.factories import CustomerFactory, UserFactory
from earlybird import roles


def today() -> dt.date:
    return timezone.localdate()


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


def staff(role: str):
    return UserFactory(roles=[role])


def login(client, user):
    client.force_login(user)
    return user


def outsider_users():
    return [
        staff(roles.MARKETING),  # another marketer: not their customer
        UserFactory(roles=[roles.DELIVERY_BOY]),  # the role decides
        CustomerFactory().user,
    ]


def assert_404_for(client, users, method, url, data=None):
    for user in users:
        login(client, user)
        response = getattr(client, method)(url, data or {})
        assert response.status_code == 404, (user, url)
