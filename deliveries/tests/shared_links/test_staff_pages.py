"""Staff create, list, inspect and revoke shared links."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers.tests.factories import UserFactory
from deliveries.models import Delivery, DeliveryLink
from deliveries.services import Confirmer, confirm_stop, generate_deliveries, revoke_link
from deliveries.tests.factories import DeliveryBoyFactory
from deliveries.tests.shared_links import (
    MORNING,
    customer_on,
    make_link,
    route_url,
    stop_url,
    today,
    type_name,
)
from earlybird import roles
from orders.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


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

    response = client.post(reverse("deliveries:link_revoke", args=[link.pk]), {"confirm": "on"})
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
        client.post(reverse("deliveries:link_revoke", args=[link.pk]), {"confirm": "on"}),
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
    client.post(reverse("deliveries:link_revoke", args=[link.pk]), {"confirm": "on"})
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
