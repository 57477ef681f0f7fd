"""A support person creates a customer with a first subscription through the staff pages,
in real headless Chromium; the test then checks the database."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from customers.models import Customer
from customers.tests.factories import UserFactory
from e2e.pages import click_and_wait, submit_of
from earlybird import roles
from orders.models import Order
from orders.tests.factories import ProductFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill(browser, field_id: str, text: str) -> None:
    field = browser.find_element(By.ID, field_id)
    field.clear()
    field.send_keys(text)


def test_support_creates_a_customer_with_a_subscription(browser, live_server, screenshot):
    UserFactory(username="sita", roles=[roles.SUPPORT])  # password "s3cret-pass"
    milk = ProductFactory(name="Buffalo milk 500 ml")
    tomorrow = timezone.localdate() + timedelta(days=1)

    browser.get(f"{live_server.url}/login/")
    fill(browser, "id_username", "sita")
    fill(browser, "id_password", "s3cret-pass")
    click_and_wait(browser, lambda: submit_of(browser, "id_password"))
    assert "Dashboard" in browser.find_element(By.TAG_NAME, "h1").text

    browser.get(f"{live_server.url}/staff/customers/")
    click_and_wait(browser, lambda: browser.find_element(By.LINK_TEXT, "New customer"))
    fill(browser, "id_name", "Farida Khan")
    fill(browser, "id_phone", "+91 97000 12345")
    fill(browser, "id_address", "Flat 4B, Lake View Apartments")
    Select(browser.find_element(By.ID, "id_status")).select_by_value("active")
    fill(browser, "id_password", "Morning-Milk-42")
    generate = browser.find_element(By.ID, "id_generate_password")
    if generate.is_selected():
        browser.execute_script("arguments[0].click();", generate)
    Select(browser.find_element(By.ID, "id_sub_product")).select_by_visible_text(milk.name)
    fill(browser, "id_sub_quantity", "2")
    Select(browser.find_element(By.ID, "id_sub_pattern")).select_by_value("daily")
    # The first day is filled in with tomorrow already.
    assert browser.find_element(By.ID, "id_sub_start_date").get_attribute("value") == (
        tomorrow.isoformat()
    )
    screenshot(browser, "staff-new-customer")
    click_and_wait(
        browser, lambda: browser.find_element(By.CSS_SELECTOR, "button.primary[type=submit]")
    )

    heading = browser.find_element(By.TAG_NAME, "h1").text
    assert "Farida Khan" in heading
    assert "with subscription SU-" in browser.find_element(By.CLASS_NAME, "messages").text
    screenshot(browser, "staff-customer-created")

    customer = Customer.objects.get(phone="9700012345")
    assert (customer.name, customer.status, customer.user.username) == (
        "Farida Khan",
        "active",
        "9700012345",
    )
    assert authenticate(username="9700012345", password="Morning-Milk-42") == customer.user
    order = customer.orders.get()
    assert (order.kind, order.pattern, order.status, order.start_date) == (
        Order.Kind.SUBSCRIPTION,
        Order.Pattern.DAILY,
        Order.Status.ACTIVE,
        tomorrow,
    )
    assert order.created_by.username == "sita"
    assert list(order.lines.values_list("product__name", "quantity")) == [
        ("Buffalo milk 500 ml", Decimal("2.000"))
    ]

    # The customer logs in on their phone and pauses one day (well before the cut-off).
    browser.delete_all_cookies()
    browser.get(f"{live_server.url}/me/login/")
    fill(browser, "id_username", "97000 12345")
    fill(browser, "id_password", "Morning-Milk-42")
    click_and_wait(browser, lambda: submit_of(browser, "id_password"))
    assert "Farida Khan" in browser.find_element(By.TAG_NAME, "body").text
    day = tomorrow + timedelta(days=1)
    browser.get(f"{live_server.url}/me/orders/{order.pk}/")
    browser.find_element(By.CSS_SELECTOR, "#pause summary").click()
    for field in ("pause_start_date", "pause_end_date"):
        browser.execute_script(
            "arguments[0].value = arguments[1]", browser.find_element(By.ID, field), day.isoformat()
        )
    click_and_wait(
        browser, lambda: browser.find_element(By.XPATH, "//button[normalize-space()='Pause']")
    )
    screenshot(browser, "customer-paused")
    assert list(order.pauses.values_list("start_date", "end_date")) == [(day, day)]
