"""Login lockouts and shared-link rate limits hold across gunicorn's worker processes.

gunicorn serves the test database with 3 workers and the production settings, with no
CACHE_URL (the counters are in PostgreSQL) and TRUSTED_PROXY_COUNT=1, as behind nginx:
every request comes from 127.0.0.1 and names its client in X-Forwarded-For. Every request
is a new connection, so the workers share them out (the log's process ids show which
served what). Marked like the other gunicorn test (e2e/test_serve.py); it needs no browser.
"""

import re
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.tests.factories import CustomerFactory
from deliveries.services import create_link
from deliveries.tests.factories import DeliveryBoyFactory
from e2e import serving
from orders.models import Order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WORKERS = 3
PASSWORD = "Milk-morning-7"
REQUEST_LINE = re.compile(
    r"earlybird\.request \[(\d+)\] request method=\w+ route=(\S+) status=(\d+)"
)


@pytest.fixture
def served(tmp_path):
    """(base URL, log file) of gunicorn with 3 workers serving the test database."""
    log = tmp_path / "gunicorn.log"
    settings = {
        "DJANGO_SETTINGS_MODULE": "e2e.serve_settings",
        "SECRET_KEY": "e2e-counters-" + "k" * 60,
        "TRUSTED_PROXY_COUNT": "1",
        "LOG_LEVEL": "INFO",
        "REQUEST_LOG_LEVEL": "INFO",
    }
    with serving.gunicorn(workers=WORKERS, log=log, **settings) as url:
        yield url, log


def send(url: str, *, client: str, data: dict | None = None) -> int:
    """One request on a new connection, as nginx would pass it on: the status."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"X-Forwarded-For": client})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def served_by(log: Path, route: str) -> Counter:
    """How many requests to `route` each worker (process id) served."""
    lines = REQUEST_LINE.findall(log.read_text())
    return Counter(pid for pid, name, _ in lines if name == route)


def test_lockouts_and_rate_limits_hold_across_three_workers(served):
    url, log = served
    owner = CustomerFactory(phone="9848022338", password=PASSWORD)
    newcomer = CustomerFactory(phone="9848022339", password=PASSWORD)
    _, token = create_link(
        delivery_boy=DeliveryBoyFactory(),
        shift=Order.Shift.MORNING,
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate(),
        expires_at=timezone.now() + timedelta(hours=6),
        created_by=None,
    )
    token_url = url + reverse("api:token")

    def login(username, password, client):
        return send(token_url, client=client, data={"username": username, "password": password})

    # 12 wrong passwords for one username: four plain refusals, then locked (429), and the
    # right password is refused too, from anywhere.
    wrong = [login(owner.phone, "wrong", "203.0.113.7") for _ in range(12)]
    assert wrong == [400] * 4 + [429] * 8
    assert login(owner.phone, PASSWORD, "203.0.113.7") == 429
    assert login(owner.phone, PASSWORD, "192.0.2.10") == 429

    # 20 made-up usernames from one client behind the proxy: that client cannot try a
    # new username, and nobody else is locked out.
    guesses = [login(f"made-up-{n}", "x", "198.51.100.66") for n in range(20)]
    assert guesses == [400] * 19 + [429]
    assert login(newcomer.phone, PASSWORD, "198.51.100.66") == 429
    assert login(newcomer.phone, PASSWORD, "192.0.2.20") == 200

    logins = served_by(log, "api:token")
    assert sum(logins.values()) == 12 + 2 + 20 + 2
    assert len(logins) >= 2, f"the logins went to one worker only: {logins}"

    # 400 shared-link requests from one client, 8 at a time: exactly 300 pass (the
    # limit per address per 10 minutes), whichever worker serves them.
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = Counter(
            pool.map(lambda _: send(f"{url}/s/{token}/", client="198.51.100.77"), range(400))
        )
    assert statuses == {200: 300, 429: 100}
    assert send(f"{url}/s/{token}/", client="192.0.2.30") == 200

    pages = served_by(log, "shared:route")
    assert sum(pages.values()) == 401
    assert len(pages) == WORKERS, f"not every worker served the link: {pages}"
    assert token not in log.read_text()
