"""`make serve` in production shape: gunicorn + WhiteNoise, DEBUG off, a real browser."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from customers.tests.factories import UserFactory
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird import roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def gunicorn():
    """gunicorn serving the test database, as `make serve` runs it."""
    if os.environ.get("DATABASE_URL"):
        pytest.skip("serves the embedded test database only")
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "e2e-" + "k" * 60,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "EMBEDDED_PG_NAME": connection.settings_dict["NAME"],
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
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
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:  # noqa: S310
                assert response.status == 200
                break
        except OSError:
            time.sleep(0.2)
    else:
        server.kill()
        pytest.fail(f"gunicorn did not start: {server.stderr.read()}")
    yield url
    server.terminate()
    server.wait(timeout=20)


def log_in(browser, url: str, username: str, password: str) -> None:
    browser.get(url)
    browser.find_element(By.ID, "id_username").send_keys(username)
    browser.find_element(By.ID, "id_password").send_keys(password)
    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(browser, 10).until(expected_conditions.staleness_of(page))


def brand_colour(browser) -> str:
    header = browser.find_element(By.CLASS_NAME, "topbar")
    return header.value_of_css_property("background-color")


def test_staff_and_a_delivery_boy_log_in_against_gunicorn_with_static_files(
    browser, gunicorn, screenshot
):
    UserFactory(username="support1", password="Support-2026!", roles=[roles.SUPPORT])
    DeliveryBoyFactory(phone="9000054321", password="Route-2026!")

    with urllib.request.urlopen(f"{gunicorn}/login/") as response:  # noqa: S310
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp

    log_in(browser, f"{gunicorn}/login/", "support1", "Support-2026!")
    assert "/login/" not in browser.current_url
    assert brand_colour(browser) == "rgba(11, 110, 79, 1)", "the stylesheet was served"
    css = browser.execute_script(
        "return [...document.styleSheets].map(s => s.href).filter(Boolean)"
    )
    assert any("/static/css/app." in href and href.endswith(".css") for href in css)
    screenshot(browser, "serve-staff")

    browser.delete_all_cookies()
    log_in(browser, f"{gunicorn}/d/login/", "9000054321", "Route-2026!")
    assert browser.current_url.rstrip("/").endswith("/d")
    # His route page, not the login again: nothing is generated for today in this test.
    assert "Nothing generated for" in browser.find_element(By.TAG_NAME, "body").text
    assert brand_colour(browser) == "rgba(11, 110, 79, 1)"
