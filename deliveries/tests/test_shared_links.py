"""Shared links for a substitute with no login (/s/<token>/) and the staff pages for them."""

import datetime as dt
import hashlib
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers.tests.factories import CustomerFactory, UserFactory
from deliveries import ratelimit
from deliveries.models import Delivery, DeliveryLink
from deliveries.services import (
    Confirmer,
    assign_to_route,
    confirm_stop,
    create_link,
    generate_deliveries,
    revoke_link,
)
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird import roles
from orders.models import Order
from orders.tests.factories import OneTimeOrderFactory, ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

MORNING, EVENING = Order.Shift.MORNING, Order.Shift.EVENING
WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def today() -> dt.date:
    return timezone.localdate()


def customer_on(boy, *, name: str | None = None, shift: str = MORNING, product=None):
    """A customer with a daily subscription from today, on `boy`'s route."""
    customer = CustomerFactory(**({"name": name} if name else {}))
    SubscriptionFactory(
        customer=customer, start_date=today(), shift=shift, product=product or ProductFactory()
    )
    assign_to_route(customer=customer, delivery_boy=boy)
    return customer


def make_link(boy, *, shift: str = MORNING, valid_from=None, valid_until=None):
    valid_from = valid_from or today()
    return create_link(
        delivery_boy=boy,
        shift=shift,
        valid_from=valid_from,
        valid_until=valid_until or valid_from,
        expires_at=timezone.now() + timedelta(hours=6),
        created_by=None,
    )


def route_url(token: str) -> str:
    return f"/s/{token}/"


def stop_url(token: str, customer, action: str = "confirm") -> str:
    return f"/s/{token}/stops/{customer.pk}/{action}/"


def type_name(client, token: str, name: str = "Ravi Kumar"):
    return client.post(f"/s/{token}/name/", {"name": name})


def writes_in(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]


@pytest.fixture
def route():
    """Today's morning route of one delivery boy with one customer, and a link for it."""
    boy = DeliveryBoyFactory(name="Suresh")
    customer = customer_on(boy, name="Asha Rao")
    generate_deliveries(day=today())
    link, token = make_link(boy)
    return boy, customer, link, token


# --- the substitute's pages -------------------------------------------------------------


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


# --- rate limiting ----------------------------------------------------------------------


@pytest.fixture
def frozen_clock(monkeypatch):
    now = [1_800_000_000.0]
    monkeypatch.setattr(ratelimit, "clock", lambda: now[0])
    return now


@override_settings(SHARED_LINK_RATE_LIMITS={"ip": (3, 600)})
def test_requests_from_one_ip_are_limited(client, route, frozen_clock):
    *_, token = route
    for _ in range(3):
        assert client.get(route_url(token), REMOTE_ADDR="198.51.100.1").status_code == 200
    limited = client.get(route_url(token), REMOTE_ADDR="198.51.100.1")
    assert limited.status_code == 429
    assert "Too many requests, try again in a few minutes" in limited.content.decode()
    # Guessing other tokens from the same IP is limited too; another IP is not.
    assert client.get(route_url("N" * 43), REMOTE_ADDR="198.51.100.1").status_code == 429
    assert client.get(route_url(token), REMOTE_ADDR="198.51.100.2").status_code == 200
    # The next window starts afresh.
    frozen_clock[0] += 600
    assert client.get(route_url(token), REMOTE_ADDR="198.51.100.1").status_code == 200


@override_settings(SHARED_LINK_RATE_LIMITS={"link": (2, 600)})
def test_requests_on_one_link_are_limited_across_ips(client, route, frozen_clock):
    boy, customer, _, token = route
    _, other_token = make_link(boy)
    type_name(client, token, "Ravi Kumar")  # request 1 on this link
    assert client.get(route_url(token), REMOTE_ADDR="198.51.100.3").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        limited = client.post(
            stop_url(token, customer), {"action": "delivered"}, REMOTE_ADDR="198.51.100.4"
        )
    assert limited.status_code == 429
    assert writes_in(queries.captured_queries) == []
    assert Delivery.objects.get(customer=customer).status == Delivery.Status.PENDING
    assert client.get(route_url(other_token)).status_code == 200


# --- staff pages ------------------------------------------------------------------------


def _link_form(boy, **extra) -> dict:
    return {
        "delivery_boy": boy.pk,
        "shift": MORNING,
        "valid_from": today().isoformat(),
        "valid_until": (today() + timedelta(days=1)).isoformat(),
        **extra,
    }


def _token_from(response) -> str:
    match = re.search(r'value="https?://[^/"]+/s/([^/"]+)/"', response.content.decode())
    assert match, "the new link's URL is on the page"
    return match.group(1)


@pytest.mark.parametrize("role", [roles.SUPPORT, roles.ADMIN])
def test_support_and_admin_create_and_revoke_links(client, role):
    user = UserFactory(roles=[role])
    client.force_login(user)
    boy = DeliveryBoyFactory()

    response = client.post(reverse("deliveries:link_create"), _link_form(boy))

    assert response.status_code == 200
    link = DeliveryLink.objects.get()
    assert (link.delivery_boy, link.shift, link.created_by) == (boy, MORNING, user)
    token = _token_from(response)
    assert client.get(route_url(token)).status_code == 200  # the link opens (name form)

    response = client.post(reverse("deliveries:link_revoke", args=[link.pk]))
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert link.revoked_by == user
    assert client.get(route_url(token)).status_code == 404


def _outsider(kind: str):
    if kind == "delivery boy":
        return DeliveryBoyFactory().user
    return UserFactory(roles=[kind])


@pytest.mark.parametrize("kind", [roles.ACCOUNTS, roles.MARKETING, "delivery boy", roles.CUSTOMER])
def test_other_roles_get_404_on_every_link_page(client, route, kind):
    boy, _, link, _ = route
    client.force_login(_outsider(kind))
    pages = [
        client.get(reverse("deliveries:links")),
        client.get(reverse("deliveries:link_create")),
        client.post(reverse("deliveries:link_create"), _link_form(boy)),
        client.get(reverse("deliveries:link_detail", args=[link.pk])),
        client.post(reverse("deliveries:link_revoke", args=[link.pk])),
    ]
    assert [p.status_code for p in pages] == [404] * 5
    link.refresh_from_db()
    assert link.revoked_at is None
    assert DeliveryLink.objects.count() == 1


def test_anonymous_visitors_are_sent_to_log_in(client, route):
    _, _, link, _ = route
    for url in (
        reverse("deliveries:links"),
        reverse("deliveries:link_create"),
        reverse("deliveries:link_detail", args=[link.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    client.post(reverse("deliveries:link_revoke", args=[link.pk]))
    link.refresh_from_db()
    assert link.revoked_at is None


@pytest.fixture
def support(client):
    user = UserFactory(roles=[roles.SUPPORT])
    client.force_login(user)
    return user


def test_the_token_is_shown_once_and_stored_only_as_its_hash(client, support):
    boy = DeliveryBoyFactory()
    response = client.post(reverse("deliveries:link_create"), _link_form(boy))
    token = _token_from(response)
    link = DeliveryLink.objects.get()

    assert len(token) >= 40
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    row = DeliveryLink.objects.filter(pk=link.pk).values().get()
    assert not any(token in str(value) for value in row.values())
    assert "no-store" in response["Cache-Control"]
    for page in (
        client.get(reverse("deliveries:links")),
        client.get(reverse("deliveries:link_detail", args=[link.pk])),
    ):
        assert page.status_code == 200
        assert token not in page.content.decode()


def test_the_expiry_defaults_to_the_end_of_the_last_day(client, support):
    boy = DeliveryBoyFactory()
    last_day = today() + timedelta(days=2)
    client.post(reverse("deliveries:link_create"), _link_form(boy, valid_until=last_day))
    link = DeliveryLink.objects.get()
    expires = timezone.localtime(link.expires_at)
    assert expires.date() == last_day
    assert (expires.hour, expires.minute) == (23, 59)


def test_a_bad_date_range_is_a_form_error_and_makes_no_link(client, support):
    boy = DeliveryBoyFactory()
    response = client.post(
        reverse("deliveries:link_create"),
        _link_form(boy, valid_until=(today() - timedelta(days=1)).isoformat()),
    )
    assert response.status_code == 200
    assert "The last day cannot be before the first." in response.content.decode()
    assert not DeliveryLink.objects.exists()


def test_the_list_shows_each_links_state_and_confirmations(client, support, route):
    boy, customer, active, token = route
    type_name(client, token)
    client.post(stop_url(token, customer), {"action": "delivered"})
    revoked, _ = make_link(boy)
    revoke_link(link=revoked, by=support)
    expired, _ = make_link(boy)
    DeliveryLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    upcoming, _ = make_link(boy, valid_from=today() + timedelta(days=1))

    page = client.get(reverse("deliveries:links")).content.decode()

    rows = {
        link.pk: page.split(f'href="{reverse("deliveries:link_detail", args=[link.pk])}"')[1].split(
            "</tr>"
        )[0]
        for link in (active, revoked, expired, upcoming)
    }
    assert "Active" in rows[active.pk] and '<td class="num">1</td>' in rows[active.pk]
    assert "Revoked" in rows[revoked.pk]
    assert "Expired" in rows[expired.pk]
    assert "Upcoming" in rows[upcoming.pk]


def test_the_detail_page_shows_who_confirmed_what_when_and_from_where(client, support, route):
    _, customer, link, token = route
    type_name(client, token, "Ravi Kumar")
    client.post(
        stop_url(token, customer),
        {"action": "delivered"},
        REMOTE_ADDR="203.0.113.9",
        HTTP_USER_AGENT="Nokia 105",
    )
    delivery = Delivery.objects.select_related("product").get(customer=customer)

    page = client.get(reverse("deliveries:link_detail", args=[link.pk])).content.decode()

    for text in (customer.name, delivery.product.name, "Ravi Kumar", "203.0.113.9", "Nokia 105"):
        assert text in page
    assert "Delivered" in page


def _link_with_confirmations(count: int):
    boy = DeliveryBoyFactory()
    product = ProductFactory()
    for _ in range(count):
        customer_on(boy, product=product)
    generate_deliveries(day=today())
    link, _ = make_link(boy)
    by = Confirmer(via=Delivery.Via.SHARED_LINK, name="Ravi Kumar", link=link, ip="203.0.113.9")
    for delivery in Delivery.objects.filter(delivery_boy=boy):
        confirm_stop(quantities={delivery: delivery.ordered_qty}, by=by)
    return link


def test_the_detail_page_query_count_does_not_grow(client, support, django_assert_max_num_queries):
    counts = {}
    for confirmations in (2, 20):
        link = _link_with_confirmations(confirmations)
        url = reverse("deliveries:link_detail", args=[link.pk])
        with django_assert_max_num_queries(8), CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.content.decode().count("203.0.113.9") == 2 * confirmations
        counts[confirmations] = len(queries.captured_queries)
    assert counts[2] == counts[20]


def test_the_list_page_query_count_does_not_grow(client, support, django_assert_max_num_queries):
    boy = DeliveryBoyFactory()
    for _ in range(2):
        make_link(boy)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("deliveries:links"))
    for _ in range(20):
        make_link(boy)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("deliveries:links"))
    assert response.content.decode().count("Active") == 22
