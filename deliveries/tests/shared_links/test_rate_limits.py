"""Requests through shared links are rate-limited per IP and per link."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from deliveries.models import Delivery
from deliveries.tests.shared_links import make_link, route_url, stop_url, type_name, writes_in
from earlybird.models import ThrottleCounter

pytestmark = pytest.mark.django_db


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


@override_settings(SHARED_LINK_RATE_LIMITS={"ip": (3, 600)}, TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_each_client_has_its_own_limit(client, route, frozen_clock):
    *_, token = route
    nginx = {"REMOTE_ADDR": "127.0.0.1"}
    for n in range(3):  # whatever a client writes on the left is not its address
        forwarded = f"10.0.0.{n}, 198.51.100.1"
        assert (
            client.get(route_url(token), HTTP_X_FORWARDED_FOR=forwarded, **nginx).status_code == 200
        )
    limited = client.get(route_url(token), HTTP_X_FORWARDED_FOR="198.51.100.1", **nginx)
    assert limited.status_code == 429
    other = client.get(route_url(token), HTTP_X_FORWARDED_FOR="198.51.100.2", **nginx)
    assert other.status_code == 200


@override_settings(SHARED_LINK_RATE_LIMITS={"ip": (3, 600)})
def test_an_ipv6_client_counts_as_its_64(client, route, frozen_clock):
    *_, token = route
    for n in range(3):
        assert client.get(route_url(token), REMOTE_ADDR=f"2001:db8:5:6::{n + 1}").status_code == 200
    assert client.get(route_url(token), REMOTE_ADDR="2001:db8:5:6:ff::1").status_code == 429
    assert client.get(route_url(token), REMOTE_ADDR="2001:db8:5:7::1").status_code == 200


def test_the_counts_hold_no_address_and_no_token(client, route):
    *_, token = route
    client.get(route_url(token), REMOTE_ADDR="198.51.100.1")
    keys = list(ThrottleCounter.objects.values_list("key", flat=True))
    assert len(keys) == 2  # one for the address, one for the link
    assert not any(token in key or "198.51.100.1" in key for key in keys)
