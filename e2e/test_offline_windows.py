"""A long route with no signal: the route page is shown in windows (deliveries/route_rows),
and every window of the round (and of tomorrow's list), opened once online, opens with no
connection too — its taps kept on the phone and sent once when the server is back."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from customers.tests.factories import CustomerFactory
from deliveries import route_rows
from deliveries.models import Delivery
from deliveries.services import assign_to_route, generate_deliveries
from deliveries.tests.factories import DeliveryBoyFactory
from e2e.pages import click_and_wait
from e2e.test_offline_route import press, queue, wait
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE, PASSWORD = "9000054322", "Windows-2026!"

# Is every window of the route (its links) in the worker's cache?
EVERY_WINDOW_CACHED = """
const done = arguments[arguments.length - 1];
(async () => {
  if (!navigator.serviceWorker.controller) return false;
  const links = Array.from(document.querySelectorAll(".route-parts a"), (a) => a.href);
  if (!links.length) return false;
  for (const url of links) {
    if (!(await caches.match(url, {ignoreVary: true}))) return false;
  }
  return true;
})().then(done, () => done(false));
"""
IS_CACHED = """
const [url, done] = arguments;
caches.match(url, {ignoreVary: true}).then((found) => done(Boolean(found)), () => done(false));
"""


def test_every_window_of_a_long_route_opens_and_is_tapped_with_no_signal(
    browser, switchable_server, monkeypatch
):
    server = switchable_server
    monkeypatch.setattr(route_rows, "WINDOW", 2)  # the live server runs in this process
    today = timezone.localdate()
    boy = DeliveryBoyFactory(phone=PHONE, password=PASSWORD)
    milk = ProductFactory(name="Toned milk 500 ml")
    customers = [CustomerFactory(name=f"Stop {n}") for n in range(1, 6)]
    for customer in customers:
        SubscriptionFactory(
            customer=customer, product=milk, quantity=Decimal("1"), start_date=today
        )
        assign_to_route(customer=customer, delivery_boy=boy)
    generate_deliveries(day=today)
    generate_deliveries(day=today + timedelta(days=1))

    browser.get(f"{server.url}/d/?shift=morning")
    browser.find_element(By.ID, "id_username").send_keys(PHONE)
    browser.find_element(By.ID, "id_password").send_keys(PASSWORD)
    password = browser.find_element(By.ID, "id_password")
    click_and_wait(browser, lambda: password.find_element(By.XPATH, "ancestor::form//button"))
    names = browser.find_element(By.ID, "route").text
    assert "Stop 1" in names and "Stop 5" not in names  # the first window
    wait(browser, lambda: browser.execute_async_script(EVERY_WINDOW_CACHED))
    tomorrow_last = f"{server.url}/d/tomorrow/?shift=morning&part=3"
    wait(browser, lambda: browser.execute_async_script(IS_CACHED, tomorrow_last))

    # No signal: the last window opens from the phone, and a stop there is tapped.
    server.stop()
    click_and_wait(
        browser, lambda: browser.find_element(By.CSS_SELECTOR, ".route-parts a[href$='part=3']")
    )
    assert "Stop 5" in browser.find_element(By.ID, "route").text
    press(browser, customers[4], "delivered")
    assert len(queue(browser)) == 1
    browser.get(tomorrow_last)  # tomorrow's last window, from the phone too
    assert "Stop 5" in browser.find_element(By.CLASS_NAME, "stops").text
    browser.back()

    server.start()
    browser.execute_script("window.dispatchEvent(new Event('online'))")
    wait(browser, lambda: not queue(browser), timeout=30)
    delivered = Delivery.objects.get(customer=customers[4], date=today)
    assert (delivered.status, delivered.confirmed_by_id) == ("delivered", boy.user.pk)
    assert Delivery.objects.filter(date=today, status="pending").count() == 4
    # The count line is the whole route's, the other windows' stops included.
    progress = browser.find_element(By.CLASS_NAME, "progress").text
    assert progress.startswith("1 of 5")
