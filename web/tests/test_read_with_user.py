"""The rows read with the signed-in user (earlybird.sessions.read_with_user): the
delivery boy of /d/ and the customer of /me/ come with the session's one statement, as
fresh as a read of their own, and refused the same way."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import Customer
from customers.tests.factories import CustomerFactory
from deliveries.models import DeliveryBoy
from deliveries.tests.factories import DeliveryBoyFactory
from deliveries.tests.route_fixtures import bulk_route
from earlybird.sessions import NOT_READ, SessionStore, user_row
from web.portal.selectors import customer_of

pytestmark = pytest.mark.django_db


def read(client):
    store = SessionStore(client.session.session_key)
    store.load()
    return store.signed_in


def test_the_session_reads_the_users_delivery_boy_and_customer_rows(client):
    boy = DeliveryBoyFactory(name="Ravi")
    client.force_login(boy.user)
    user = read(client)
    assert user_row(user, DeliveryBoy) == boy and user_row(user, DeliveryBoy).name == "Ravi"
    assert user_row(user, Customer) is None  # he is no customer
    customer = CustomerFactory()
    client.force_login(customer.user)
    user = read(client)
    assert user_row(user, Customer) == customer and user_row(user, DeliveryBoy) is None
    with CaptureQueriesContext(connection) as queries:
        assert customer_of(user) == customer
    assert not queries.captured_queries
    assert user_row(object(), Customer) is NOT_READ  # read without a session: ask yourself


def test_the_route_page_asks_whose_route_in_the_sessions_statement(client):
    boy = DeliveryBoyFactory()
    bulk_route(boy, 3)
    client.force_login(boy.user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("boy:route")).status_code == 200
    # The session with his user, roles and delivery boy; then his route.
    assert len(queries.captured_queries) == 2
    assert "deliveries_deliveryboy" in queries.captured_queries[0]["sql"]


def test_a_delivery_boy_made_inactive_is_refused_at_the_next_request(client):
    boy = DeliveryBoyFactory()
    client.force_login(boy.user)
    assert client.get(reverse("boy:route")).status_code == 200
    DeliveryBoy.objects.filter(pk=boy.pk).update(is_active=False)
    assert client.get(reverse("boy:route")).status_code == 404
    DeliveryBoy.objects.filter(pk=boy.pk).update(is_active=True)
    assert client.get(reverse("boy:route")).status_code == 200


def test_a_user_with_no_delivery_boy_row_gets_no_route(client):
    customer = CustomerFactory()
    client.force_login(customer.user)
    assert client.get(reverse("boy:route")).status_code == 404
    assert client.get(reverse("me:home")).status_code == 200
