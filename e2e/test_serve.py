"""`make serve` in production shape: gunicorn + WhiteNoise, DEBUG off, a real browser."""

import urllib.request

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from customers.tests.factories import UserFactory
from deliveries.tests.factories import DeliveryBoyFactory
from e2e import serving
from e2e.pages import submit_of
from earlybird import roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def gunicorn(tmp_path):
    """gunicorn serving the test database, as `make serve` runs it."""
    with serving.gunicorn(workers=2, log=tmp_path / "gunicorn.log", collect_static=True) as url:
        yield url


def log_in(browser, url: str, username: str, password: str) -> None:
    browser.get(url)
    browser.find_element(By.ID, "id_username").send_keys(username)
    browser.find_element(By.ID, "id_password").send_keys(password)
    page = browser.find_element(By.TAG_NAME, "html")
    submit_of(browser, "id_password").click()
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
