"""A customer on a 360 px phone, in real headless Chromium: the home page lists the days
(the month grid hidden), with each product by name and what the day costs; they skip a
day, add an extra on another, and order a one-time product with its price shown. Each
step is checked in the database and on the page, and saved as a screenshot."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from customers.tests.factories import CustomerFactory
from e2e.pages import click_and_wait, submit_of
from orders.models import DayOverride, Order, Product
from orders.tests.factories import ProductFactory, SubscriptionFactory
from web.portal.selectors import first_open_day
from web.portal.words import day_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH, PHONE_HEIGHT = 360, 800


def fill(browser, field_id: str, text: str) -> None:
    field = browser.find_element(By.ID, field_id)
    field.clear()
    field.send_keys(text)


def set_date(browser, field_id: str, day) -> None:
    """A date input takes its value as the browser's own picker would give it."""
    browser.execute_script(
        "arguments[0].value = arguments[1]", browser.find_element(By.ID, field_id), day.isoformat()
    )


def message(browser) -> str:
    return browser.find_element(By.CLASS_NAME, "messages").text


def agenda_row(browser, day) -> str:
    row = browser.find_element(
        By.CSS_SELECTOR, f'.agenda-view li.agenda-day[data-date="{day.isoformat()}"]'
    )
    return " ".join(row.text.split())


def show(browser, selector: str) -> None:
    """Scroll what the next screenshot is about into the middle of the screen."""
    element = browser.find_element(By.CSS_SELECTOR, selector)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)


def assert_fits_the_phone(browser) -> None:
    """Nothing sticks out sideways: no scrolling across on a 360 px screen."""
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"the page is {width} px wide on a {PHONE_WIDTH} px phone"


def test_a_customer_skips_a_day_adds_an_extra_and_orders_on_a_phone(
    browser, live_server, screenshot, settings
):
    settings.BUSINESS_PHONE = "98480 22338"
    browser.set_window_size(PHONE_WIDTH, PHONE_HEIGHT)
    today = timezone.localdate()
    milk = ProductFactory(name="Toned milk 500 ml", unit=Product.Unit.PACKET, price="28.00")
    paneer = ProductFactory(name="Paneer 200 g", unit=Product.Unit.PACKET, price="90.00")
    customer = CustomerFactory(name="Lakshmi Devi", phone="9848033333", password="Curd-Rice-21")
    order = SubscriptionFactory(
        customer=customer, product=milk, quantity="2", start_date=today - timedelta(days=5)
    )
    # The first days still open to change (the cut-off is the evening before).
    skip_day = first_open_day() + timedelta(days=1)
    extra_day = skip_day + timedelta(days=1)

    # Logging in on the phone: the days listed one by one, the month grid hidden.
    browser.get(f"{live_server.url}/me/login/")
    fill(browser, "id_username", "98480 33333")
    fill(browser, "id_password", "Curd-Rice-21")
    click_and_wait(browser, lambda: submit_of(browser, "id_password"))
    assert browser.find_element(By.CLASS_NAME, "agenda-view").is_displayed()
    assert not browser.find_element(By.CLASS_NAME, "month-view").is_displayed()
    assert agenda_row(browser, skip_day) == (
        f"{day_text(skip_day)} ₹56.00 Toned milk 500 ml 2 packets"
    )
    cost = browser.find_element(By.CSS_SELECTOR, ".agenda-view .agenda-cost")
    assert cost.value_of_css_property("white-space") == "nowrap"
    sub = browser.find_element(By.CSS_SELECTOR, ".sub a strong").text
    assert sub == "Toned milk 500 ml"
    assert_fits_the_phone(browser)
    screenshot(browser, "customer-phone-home")

    # Skip a day: the skip section opens, not the pause.
    click_and_wait(browser, lambda: browser.find_element(By.LINK_TEXT, "Skip a day"))
    assert browser.find_element(By.ID, "skip").get_attribute("open") is not None
    assert browser.find_element(By.ID, "pause").get_attribute("open") is None
    set_date(browser, "skip_day", skip_day)
    screenshot(browser, "customer-phone-skip")
    click_and_wait(
        browser,
        lambda: browser.find_element(By.XPATH, "//button[normalize-space()='Skip this day']"),
    )
    assert f"Skipped {day_text(skip_day)}: no Toned milk 500 ml that day." in message(browser)
    line = order.lines.get()
    assert list(DayOverride.objects.filter(line=line).values_list("date", "quantity")) == [
        (skip_day, Decimal(0))
    ]
    assert_fits_the_phone(browser)
    screenshot(browser, "customer-phone-skipped")

    # An extra packet on the next day: typed as the extra, added to the usual two.
    browser.find_element(By.CSS_SELECTOR, "#extra summary").click()
    choice = browser.find_element(By.ID, "extra_line_0")
    assert choice.is_selected()  # the only product, chosen already
    label = browser.find_element(By.CSS_SELECTOR, "#extra label.choice").text
    assert label == "Toned milk 500 ml (usually 2 packets), ₹28.00 a packet"
    set_date(browser, "extra_day", extra_day)
    fill(browser, "extra_quantity", "1")
    screenshot(browser, "customer-phone-extra")
    click_and_wait(
        browser,
        lambda: browser.find_element(By.XPATH, "//button[normalize-space()='Add the extra']"),
    )
    assert (
        f"Extra 1 packet Toned milk 500 ml on {day_text(extra_day)}: "
        "3 packets in all that day, ₹84.00." in message(browser)
    )
    assert DayOverride.objects.get(line=line, date=extra_day).quantity == Decimal(3)
    screenshot(browser, "customer-phone-extra-added")

    # Home again: both days say what changed.
    click_and_wait(browser, lambda: browser.find_element(By.LINK_TEXT, "← My deliveries"))
    assert agenda_row(browser, skip_day) == (f"{day_text(skip_day)} Skipped: no Toned milk 500 ml")
    assert agenda_row(browser, extra_day) == (
        f"{day_text(extra_day)} ₹84.00 Toned milk 500 ml 3 packets 1 packet extra"
    )
    show(browser, f'.agenda-view li.agenda-day[data-date="{skip_day.isoformat()}"]')
    screenshot(browser, "customer-phone-agenda-changed")

    # A one-time order, every product with its price.
    click_and_wait(browser, lambda: browser.find_element(By.LINK_TEXT, "Order something extra"))
    labels = [label.text for label in browser.find_elements(By.CSS_SELECTOR, ".quantities label")]
    assert labels == ["Paneer 200 g · ₹90.00 a packet", "Toned milk 500 ml · ₹28.00 a packet"]
    set_date(browser, "id_delivery_date", extra_day)
    fill(browser, f"id_qty_{paneer.pk}", "2")
    assert_fits_the_phone(browser)
    screenshot(browser, "customer-phone-order")
    click_and_wait(
        browser, lambda: browser.find_element(By.XPATH, "//button[normalize-space()='Place order']")
    )
    assert (
        f"Ordered for {day_text(extra_day)} (morning): 2 packets Paneer 200 g, ₹180.00."
        in message(browser)
    )
    one_time = Order.objects.get(customer=customer, kind=Order.Kind.ONE_TIME)
    assert (one_time.start_date, one_time.status) == (extra_day, Order.Status.PLACED)
    assert list(one_time.lines.values_list("product__name", "quantity")) == [
        ("Paneer 200 g", Decimal("2.000"))
    ]
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Paneer 200 g")
    assert_fits_the_phone(browser)
    screenshot(browser, "customer-phone-ordered")

    # The month grid on the phone when asked for, and by itself on a wide screen.
    browser.get(f"{live_server.url}/me/?view=month")
    assert not browser.find_elements(By.CLASS_NAME, "agenda-view")
    cell = browser.find_element(By.CSS_SELECTOR, f'td[data-date="{extra_day.isoformat()}"]')
    assert "Toned milk 500 ml ×3" in " ".join(cell.text.split())
    show(browser, f'td[data-date="{extra_day.isoformat()}"]')
    screenshot(browser, "customer-phone-month")
    browser.set_window_size(1280, PHONE_HEIGHT)
    browser.get(f"{live_server.url}/me/")
    assert browser.find_element(By.CLASS_NAME, "month-view").is_displayed()
    assert not browser.find_element(By.CLASS_NAME, "agenda-view").is_displayed()
    show(browser, ".month-view")
    screenshot(browser, "customer-wide-month")
