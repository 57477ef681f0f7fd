"""The substitute's pages: the route, the name asked first, confirming, bad tokens."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers.tests.factories import CustomerFactory
from deliveries.models import Delivery, DeliveryLink
from deliveries.services import (
    Confirmer,
    assign_to_route,
    confirm_stop,
    generate_deliveries,
    revoke_link,
)
from deliveries.tests.factories import DeliveryBoyFactory
from deliveries.tests.shared_links import (
    EVENING,
    MORNING,
    customer_on,
    make_link,
    route_url,
    stop_url,
    today,
    type_name,
    writes_in,
)
from orders.tests.factories import OneTimeOrderFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


def test_a_valid_link_shows_todays_route_of_that_boy_and_shift_only(client):
    boy, other_boy = DeliveryBoyFactory(), DeliveryBoyFactory()
    customer_on(boy, name="Asha Rao")
    customer_on(boy, name="Evening Eve", shift=EVENING)
    customer_on(other_boy, name="Other Olga")
    tara = CustomerFactory(name="Tomorrow Tara")  # only a one-time order, for tomorrow
    OneTimeOrderFactory(customer=tara, delivery_date=today() + timedelta(days=1))
    assign_to_route(customer=tara, delivery_boy=boy)
    generate_deliveries(day=today())
    generate_deliveries(day=today() + timedelta(days=1))
    _, token = make_link(boy)

    type_name(client, token)
    response = client.get(route_url(token))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Asha Rao" in page
    assert "Evening Eve" not in page
    assert "Other Olga" not in page
    assert "Tomorrow Tara" not in page
    assert "Cash</a>" not in page  # collecting cash is for the delivery boy's own login


def test_the_delivery_boy_still_sees_the_cash_button(client, route):
    boy, *_ = route
    client.force_login(boy.user)
    response = client.get(reverse("boy:route"), {"shift": MORNING})
    assert "Cash</a>" in response.content.decode()


def test_it_asks_for_a_name_before_showing_the_route(client, route):
    _, customer, _, token = route
    response = client.get(route_url(token))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="name"' in page
    assert customer.name not in page


@pytest.mark.parametrize("name", ["", "   ", " x ", "y" * 101])
def test_a_name_must_be_2_to_100_characters(client, route, name):
    _, customer, _, token = route
    response = type_name(client, token, name)
    assert response.status_code == 200
    assert 'class="errorlist"' in response.content.decode()
    assert customer.name not in client.get(route_url(token)).content.decode()


def test_the_name_is_stripped_and_remembered(client, route):
    _, customer, _, token = route
    response = type_name(client, token, "  Ravi Kumar  ")
    assert response.status_code == 302
    page = client.get(route_url(token)).content.decode()
    assert customer.name in page
    assert "Delivering as Ravi Kumar" in page


def test_confirming_needs_a_name_first(client, route):
    _, customer, _, token = route
    response = client.post(stop_url(token, customer), {"action": "delivered"})
    assert response.status_code == 302
    assert Delivery.objects.get(customer=customer).status == Delivery.Status.PENDING


def test_a_name_typed_on_one_link_does_not_count_on_another(client, route):
    boy, customer, _, token = route
    _, other_token = make_link(boy)
    type_name(client, token)
    client.post(stop_url(other_token, customer), {"action": "delivered"})
    assert Delivery.objects.get(customer=customer).status == Delivery.Status.PENDING


def test_a_forged_name_cookie_is_ignored(client, route):
    _, customer, link, token = route
    client.cookies[f"earlybird_substitute_{link.pk}"] = "Forged Name"
    client.post(stop_url(token, customer), {"action": "delivered"})
    assert Delivery.objects.get(customer=customer).status == Delivery.Status.PENDING


def test_confirming_through_the_link_records_who_how_and_where(client, route):
    _, customer, link, token = route
    type_name(client, token, "Ravi Kumar")

    response = client.post(
        stop_url(token, customer),
        {"action": "delivered", "shift": MORNING},
        REMOTE_ADDR="203.0.113.7",
        HTTP_USER_AGENT="Nokia 105",
    )

    assert response.status_code == 302
    delivery = Delivery.objects.get(customer=customer)
    assert delivery.status == Delivery.Status.DELIVERED
    assert delivery.confirmed_via == Delivery.Via.SHARED_LINK
    assert delivery.confirmed_by_name == "Ravi Kumar"
    assert delivery.confirmed_by is None
    assert delivery.delivery_link == link
    assert delivery.confirmed_ip == "203.0.113.7"
    assert delivery.confirmed_user_agent == "Nokia 105"


@pytest.mark.parametrize("name", ["రవి కుమార్", "राम प्रसाद", "Zoë O’Brien"])
def test_a_name_in_any_script_is_remembered_and_recorded_exactly(client, route, name):
    """A cookie travels as Latin-1 (gunicorn refuses anything else): the name goes in it
    encoded, and comes back out exactly as typed."""
    _, customer, link, token = route

    response = type_name(client, token, name)

    assert response.status_code == 302
    cookie = response.cookies[f"earlybird_substitute_{link.pk}"]
    assert cookie.OutputString().isascii()
    page = client.get(route_url(token)).content.decode()
    assert f"Delivering as {name}" in page
    client.post(stop_url(token, customer), {"action": "delivered", "shift": MORNING})
    delivery = Delivery.objects.get(customer=customer)
    assert delivery.status == Delivery.Status.DELIVERED
    assert delivery.confirmed_by_name == name


def test_a_substitute_records_not_delivered_with_a_reason_and_can_undo(client, route):
    _, customer, _, token = route
    type_name(client, token)
    client.post(stop_url(token, customer), {"action": "not_delivered", "reason": "refused"})
    delivery = Delivery.objects.get(customer=customer)
    assert (delivery.status, delivery.reason) == (Delivery.Status.NOT_DELIVERED, "refused")

    client.post(stop_url(token, customer, "undo"))
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.delivery_link is None


def test_a_substitute_cannot_change_what_the_delivery_boy_confirmed(client, route):
    boy, customer, _, token = route
    deliveries = list(Delivery.objects.filter(customer=customer))
    confirm_stop(
        quantities={d: 0 for d in deliveries},
        reason=Delivery.Reason.CUSTOMER_AWAY,
        by=Confirmer(via=Delivery.Via.DELIVERY_BOY, user=boy.user),
    )
    type_name(client, token)

    client.post(stop_url(token, customer, "undo"))
    client.post(stop_url(token, customer), {"action": "delivered"})

    delivery = Delivery.objects.get(customer=customer)
    assert delivery.status == Delivery.Status.NOT_DELIVERED
    assert delivery.confirmed_via == Delivery.Via.DELIVERY_BOY


def _bad_token(case: str, boy, link, token) -> str:
    if case == "tampered":
        return token[:-1] + ("A" if token[-1] != "A" else "B")
    if case == "expired":
        DeliveryLink.objects.filter(pk=link.pk).update(expires_at=timezone.now())
        return token
    if case == "revoked":
        revoke_link(link=link, by=None)
        return token
    if case == "for_another_day":
        tomorrow = today() + timedelta(days=1)
        return make_link(boy, valid_from=tomorrow, valid_until=tomorrow + timedelta(days=2))[1]
    if case == "over":
        DeliveryLink.objects.filter(pk=link.pk).update(
            valid_from=today() - timedelta(days=3), valid_until=today() - timedelta(days=1)
        )
        return token
    return {
        "unknown": "N" * 43,
        "x": "x",
        "empty": "",
        "500_chars": "a" * 500,
        "non_ascii": "दूध" * 15,
    }[case]


BAD_TOKENS = [
    "tampered",
    "expired",
    "revoked",
    "for_another_day",
    "over",
    "unknown",
    "x",
    "empty",
    "500_chars",
    "non_ascii",
]


@pytest.mark.parametrize("case", BAD_TOKENS)
def test_a_bad_token_gets_the_not_valid_page_and_writes_nothing(client, route, case):
    boy, customer, link, token = route
    type_name(client, token)  # the substitute had a name on the link while it was valid
    bad = _bad_token(case, boy, link, token)

    with CaptureQueriesContext(connection) as get_queries:
        response = client.get(route_url(bad))
    with CaptureQueriesContext(connection) as post_queries:
        posted = client.post(stop_url(bad, customer), {"action": "delivered"})
        undone = client.post(stop_url(bad, customer, "undo"))

    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()
    assert customer.name not in response.content.decode()
    assert (posted.status_code, undone.status_code) == (404, 404)
    assert writes_in(get_queries.captured_queries) == []
    assert writes_in(post_queries.captured_queries) == []
    assert "sessionid" not in response.cookies
    assert Delivery.objects.get(customer=customer).status == Delivery.Status.PENDING


def test_the_bare_prefix_is_not_valid_either(client):
    for url in ("/s/", "/s//"):
        response = client.get(url)
        assert response.status_code == 404
        assert "This link is not valid" in response.content.decode()


def test_it_404s_for_a_stop_on_another_route_or_shift_and_writes_nothing(client, route):
    boy, customer, _, _ = route
    other_boy = DeliveryBoyFactory()
    customer_on(other_boy)
    evening_customer = customer_on(boy, shift=EVENING)
    generate_deliveries(day=today())
    assert Delivery.objects.filter(customer=evening_customer).exists()
    _, other_token = make_link(other_boy)
    _, evening_token = make_link(boy, shift=EVENING)
    type_name(client, other_token)
    type_name(client, evening_token)

    with CaptureQueriesContext(connection) as queries:
        other_route = client.post(stop_url(other_token, customer), {"action": "delivered"})
        other_shift = client.post(stop_url(evening_token, customer), {"action": "delivered"})
        undo = client.post(stop_url(other_token, customer, "undo"))

    assert (other_route.status_code, other_shift.status_code, undo.status_code) == (404, 404, 404)
    assert writes_in(queries.captured_queries) == []
    assert Delivery.objects.get(customer=customer).status == Delivery.Status.PENDING


def test_yesterdays_deliveries_cannot_be_confirmed_through_a_link(client):
    boy = DeliveryBoyFactory()
    customer = CustomerFactory()
    yesterday = today() - timedelta(days=1)
    SubscriptionFactory(customer=customer, start_date=yesterday)
    assign_to_route(customer=customer, delivery_boy=boy)
    generate_deliveries(day=yesterday)  # nothing generated for today yet
    _, token = make_link(boy, valid_from=yesterday, valid_until=today())
    type_name(client, token)

    response = client.post(stop_url(token, customer), {"action": "delivered"})

    assert response.status_code == 404
    assert Delivery.objects.get(customer=customer, date=yesterday).status == "pending"
