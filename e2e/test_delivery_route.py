"""A delivery boy on a 360×740 phone marks one stop delivered, one partial, one not."""

from decimal import Decimal

import pytest
from django.utils import timezone
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

from customers.tests.factories import CustomerFactory
from deliveries.models import Delivery
from deliveries.services import assign_to_route, generate_deliveries
from deliveries.tests.factories import DeliveryBoyFactory
from e2e.pages import click_and_wait, submit_of
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def stop(browser, customer):
    return browser.find_element(By.ID, f"stop-{customer.pk}")


def press(browser, customer, kind):
    """Tap a stop's button on the route page and wait for the server's answer: with
    JavaScript the tap does not navigate, it is queued and synced (static/js/route.js),
    and the stop is drawn again from the server's reply, done and no longer waiting."""
    before = stop(browser, customer)
    button = before.find_element(By.CSS_SELECTOR, f'button[name=act][value="{kind}:{customer.pk}"]')
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.click()
    WebDriverWait(browser, 20, ignored_exceptions=[WebDriverException]).until(
        expected_conditions.staleness_of(before)
    )
    classes = stop(browser, customer).get_attribute("class").split()
    assert "done" in classes and "waiting" not in classes and "refused" not in classes


def console_errors(browser) -> list:
    return [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def test_a_delivery_boy_confirms_his_route_on_a_phone(browser, live_server, screenshot):
    today = timezone.localdate()
    boy = DeliveryBoyFactory(phone="9000012345", password="Route-2026!")
    milk = ProductFactory(name="Full cream milk 1 L")
    customers = [CustomerFactory(name=name) for name in ("Asha Rao", "Bala Krishna", "Chitra Iyer")]
    for customer in customers:
        SubscriptionFactory(
            customer=customer, product=milk, quantity=Decimal("2"), start_date=today
        )
        assign_to_route(customer=customer, delivery_boy=boy)
    generate_deliveries(day=today)
    shift = "morning"

    browser.get(f"{live_server.url}/d/?shift={shift}")
    browser.find_element(By.ID, "id_username").send_keys("90000 12345")
    browser.find_element(By.ID, "id_password").send_keys("Route-2026!")
    click_and_wait(browser, lambda: submit_of(browser, "id_password"))
    assert "0 of 3" in browser.find_element(By.CLASS_NAME, "progress").text
    screenshot(browser, "route")
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= 360, "nothing wider than the phone's screen"

    asha, bala, chitra = customers
    press(browser, asha, "delivered")
    assert "1 of 3" in browser.find_element(By.CLASS_NAME, "progress").text

    stop(browser, bala).find_element(By.XPATH, ".//summary[text()='Partial']").click()
    quantity = stop(browser, bala).find_element(By.CSS_SELECTOR, "input[name^=qty_]")
    quantity.clear()
    quantity.send_keys("1.5")
    press(browser, bala, "partial")

    stop(browser, chitra).find_element(By.XPATH, ".//summary[text()='Not delivered']").click()
    Select(stop(browser, chitra).find_element(By.TAG_NAME, "select")).select_by_value(
        "customer_away"
    )
    press(browser, chitra, "not_delivered")

    assert "3 of 3" in browser.find_element(By.CLASS_NAME, "progress").text
    assert "Delivered" in stop(browser, asha).find_element(By.CLASS_NAME, "products").text
    assert (
        "Partly delivered 1.5" in stop(browser, bala).find_element(By.CLASS_NAME, "products").text
    )
    assert "Customer away" in stop(browser, chitra).find_element(By.CLASS_NAME, "products").text
    assert not console_errors(browser)
    rows = {d.customer_id: d for d in Delivery.objects.filter(date=today)}
    assert (rows[asha.pk].status, rows[asha.pk].delivered_qty) == ("delivered", Decimal("2"))
    assert (rows[bala.pk].status, rows[bala.pk].delivered_qty) == ("partial", Decimal("1.5"))
    assert (rows[chitra.pk].status, rows[chitra.pk].reason) == ("not_delivered", "customer_away")
    assert {d.confirmed_by_id for d in rows.values()} == {boy.user.pk}
    assert {d.confirmed_via for d in rows.values()} == {"delivery_boy"}
    screenshot(browser, "route-done")
    # What the server now draws, on a fresh load, is what the taps showed.
    browser.refresh()
    assert "3 of 3" in browser.find_element(By.CLASS_NAME, "progress").text
    assert all("done" in stop(browser, c).get_attribute("class") for c in customers)


def test_a_substitute_opens_a_shared_link_and_confirms_a_stop(browser, live_server, screenshot):
    from datetime import datetime, time

    from deliveries.services import create_link

    today = timezone.localdate()
    boy = DeliveryBoyFactory()
    customer = CustomerFactory(name="Deepa Nair")
    SubscriptionFactory(customer=customer, quantity=Decimal("1"), start_date=today)
    assign_to_route(customer=customer, delivery_boy=boy)
    generate_deliveries(day=today)
    link, token = create_link(
        delivery_boy=boy,
        shift="morning",
        valid_from=today,
        valid_until=today,
        expires_at=timezone.make_aware(datetime.combine(today, time(23, 59))),
        created_by=None,
    )

    browser.get(f"{live_server.url}/s/{token}/")
    browser.find_element(By.ID, "id_name").send_keys("Ravi (substitute)")
    click_and_wait(browser, lambda: submit_of(browser, "id_name"))
    click_and_wait(
        browser,
        lambda: stop(browser, customer).find_element(By.CSS_SELECTOR, "button[value=delivered]"),
    )
    assert "Delivered" in stop(browser, customer).find_element(By.CLASS_NAME, "badge").text
    screenshot(browser, "shared-link")

    delivery = Delivery.objects.get(customer=customer)
    assert delivery.status == "delivered"
    assert (delivery.confirmed_via, delivery.confirmed_by_name) == (
        "shared_link",
        "Ravi (substitute)",
    )
    assert delivery.delivery_link == link and delivery.confirmed_by is None

    browser.get(f"{live_server.url}/s/{token[:-2]}xx/")
    assert "not valid" in browser.find_element(By.TAG_NAME, "body").text
