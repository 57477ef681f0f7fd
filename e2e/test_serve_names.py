"""A substitute's name in any script, through gunicorn: the name is kept in a cookie, and
gunicorn sends headers as Latin-1 only (a Telugu name put in a cookie as it is was a 500
there, while the test client let it pass). Marked like the other gunicorn tests; it needs
no browser."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from customers.tests.factories import CustomerFactory
from deliveries.models import Delivery
from deliveries.services import assign_to_route, create_link, generate_deliveries
from deliveries.tests.factories import DeliveryBoyFactory
from orders.models import Order
from orders.tests.factories import SubscriptionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parent.parent
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def gunicorn():
    """gunicorn with the production settings, serving the test database."""
    if os.environ.get("DATABASE_URL"):
        pytest.skip("serves the embedded test database only")
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "e2e-" + "n" * 60,
        "SECRET_KEY_FILE": "",
        "CACHE_URL": "",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "EMBEDDED_PG_NAME": connection.settings_dict["NAME"],
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "earlybird.wsgi:application",
            "-c",
            "gunicorn.conf.py",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1):  # noqa: S310
                break
        except OSError:
            time.sleep(0.2)
    else:
        server.kill()
        pytest.fail(f"gunicorn did not start: {server.stderr.read()}")
    yield url
    server.terminate()
    server.wait(timeout=20)


@pytest.mark.parametrize("name", ["రవి కుమార్", "राम प्रसाद"])
def test_a_substitute_named_in_telugu_or_hindi_confirms_through_gunicorn(gunicorn, name):
    today = timezone.localdate()
    boy = DeliveryBoyFactory()
    customer = CustomerFactory(name="Asha Rao")
    SubscriptionFactory(customer=customer, start_date=today, shift=Order.Shift.MORNING)
    assign_to_route(customer=customer, delivery_boy=boy)
    generate_deliveries(day=today)
    _, token = create_link(
        delivery_boy=boy,
        shift=Order.Shift.MORNING,
        valid_from=today,
        valid_until=today,
        expires_at=timezone.now() + timedelta(hours=2),
        created_by=None,
    )
    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )

    def post(path: str, page: str, data: dict) -> str:
        fields = {"csrfmiddlewaretoken": CSRF.search(page)[1], **data}
        body = urllib.parse.urlencode(fields).encode()
        with browser.open(f"{gunicorn}{path}", data=body, timeout=10) as response:
            assert response.status == 200  # after the redirect
            return response.read().decode()

    with browser.open(f"{gunicorn}/s/{token}/", timeout=10) as response:
        asked = response.read().decode()
    route = post(f"/s/{token}/name/", asked, {"name": name})
    assert f"Delivering as {name}" in route
    post(f"/s/{token}/stops/{customer.pk}/confirm/", route, {"action": "delivered"})

    delivery = Delivery.objects.get(customer=customer)
    assert (delivery.status, delivery.confirmed_by_name) == (Delivery.Status.DELIVERED, name)
