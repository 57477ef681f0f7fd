"""No log line carries a token: requests to a shared link (/s/<token>/…) and to a
set-password link (/me/set-password/<uid>/<token>/) are logged by route name
(earlybird.middleware.RequestLogMiddleware), and Django's own warnings about them are
redacted (earlybird.middleware.RedactSecretsFilter, in LOGGING)."""

import logging
import secrets
from datetime import timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from customers.tests.factories import CustomerFactory
from deliveries.services import create_link
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird.middleware import REDACTED
from orders.models import Order

pytestmark = pytest.mark.django_db


@pytest.fixture
def logs(caplog):
    """Every record at INFO and up, the request log's included."""
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.INFO, logger="earlybird.request")
    return caplog


def everything_logged(caplog, capfd) -> str:
    """What the records say, and what the console handler wrote."""
    return "\n".join(r.getMessage() for r in caplog.records) + capfd.readouterr().err


def test_shared_link_requests_log_the_route_and_never_the_token(client, logs, capfd):
    boy = DeliveryBoyFactory()
    _, token = create_link(
        delivery_boy=boy,
        shift=Order.Shift.MORNING,
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate(),
        expires_at=timezone.now() + timedelta(hours=6),
        created_by=None,
    )
    unknown = secrets.token_urlsafe(32)

    assert client.get(f"/s/{token}/").status_code == 200
    assert client.post(f"/s/{token}/name/", {"name": "Ravi"}).status_code == 302
    assert client.get(f"/s/{token}/").status_code == 200
    assert client.post(f"/s/{token}/stops/999999/confirm/", {"action": "x"}).status_code == 404
    assert client.get(f"/s/{unknown}/").status_code == 404
    assert client.get(f"/s/{unknown}/no/such/page/?token={unknown}").status_code == 404
    with override_settings(SHARED_LINK_RATE_LIMITS={"ip": (0, 600)}):
        assert client.get(f"/s/{token}/").status_code == 429

    logged = everything_logged(logs, capfd)
    assert token not in logged
    assert unknown not in logged
    assert "route=shared:route status=200" in logged
    assert "route=shared:name status=302" in logged
    assert "route=shared:route status=429" in logged
    assert f"route=- path=/s/{REDACTED}/no/such/page/" in logged  # matched no route
    assert f"Not Found: /s/{REDACTED}/" in logged  # Django's own warning, redacted


def test_set_password_requests_log_the_route_and_never_the_token(client, logs, capfd):
    customer = CustomerFactory()
    uid = urlsafe_base64_encode(force_bytes(customer.user.pk))
    token = default_token_generator.make_token(customer.user)
    url = reverse("me:set_password", kwargs={"uidb64": uid, "token": token})

    opened = client.get(url)  # Django swaps the token into the session and redirects
    assert opened.status_code == 302
    assert client.get(opened.url).status_code == 200
    bad = client.get(url.replace(token, token[:-4] + "0000"))
    assert bad.status_code == 200  # "this link is no longer valid"

    logged = everything_logged(logs, capfd)
    assert token not in logged
    assert token.split("-")[-1] not in logged
    assert "route=me:set_password status=302" in logged
    assert "route=me:set_password status=200" in logged
