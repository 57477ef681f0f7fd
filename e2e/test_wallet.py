"""Prepaid wallets in real headless Chromium: a prepaid customer whose wallet ran low sees
tomorrow paused on /me/; accounts staff record his recharge on the customer page; the
next generation delivers again, and his page no longer shows the pause."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from billing.models import Payment
from billing.services.wallet import recharge_wallet, set_billing_mode
from billing.tests.factories import deliver
from customers.tests.factories import CustomerFactory, UserFactory
from deliveries.models import Delivery, Hold
from deliveries.services import generate_deliveries
from e2e.pages import click_and_wait, submit_of
from earlybird import roles
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAUSED = "Paused: low balance"


def fill(browser, field_id: str, text: str) -> None:
    field = browser.find_element(By.ID, field_id)
    field.clear()
    field.send_keys(text)


def log_in(browser, url: str, username: str, password: str) -> None:
    browser.delete_all_cookies()
    browser.get(url)
    fill(browser, "id_username", username)
    fill(browser, "id_password", password)
    click_and_wait(browser, lambda: submit_of(browser, "id_password"))


def test_a_paused_customer_is_recharged_by_staff_and_delivered_again(
    browser, live_server, screenshot
):
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    accounts = UserFactory(username="venu", roles=[roles.ACCOUNTS])  # password "s3cret-pass"
    customer = CustomerFactory(name="Ravi Teja", phone="9848011111", password="Wallet-Milk-7")
    order = SubscriptionFactory(
        customer=customer,
        product=ProductFactory(name="Buffalo milk 1 L", price="60.00"),
        start_date=today - timedelta(days=3),
    )
    set_billing_mode(customer=customer, mode="prepaid", effective_from=today - timedelta(days=2))
    recharge_wallet(
        customer=customer,
        amount=Decimal("100"),
        method="upi",
        paid_on=today - timedelta(days=2),
        reference="UPI-E2E-1",
        by=accounts,
        received_by=accounts,
    )
    deliver(order, today - timedelta(days=2))  # ₹40 left, tomorrow needs ₹60
    generate_deliveries(day=tomorrow)
    assert Hold.objects.filter(customer=customer, date=tomorrow).exists()

    # The customer sees the pause, and why, on his phone.
    log_in(browser, f"{live_server.url}/me/login/", "98480 11111", "Wallet-Milk-7")
    card = browser.find_element(By.ID, "wallet").text
    assert "₹40.00" in card and PAUSED in card
    click_and_wait(browser, lambda: browser.find_element(By.LINK_TEXT, "Recharge · see entries"))
    page = browser.find_element(By.TAG_NAME, "main").text
    assert PAUSED in page and "Recharge at least ₹20.00" in page
    screenshot(browser, "wallet-paused")

    # Accounts staff record the cash he brought to the office.
    log_in(browser, f"{live_server.url}/login/", "venu", "s3cret-pass")
    browser.get(f"{live_server.url}/staff/customers/{customer.pk}/")
    assert PAUSED in browser.find_element(By.ID, "wallet").text
    fill(browser, "id_recharge-amount", "500")
    Select(browser.find_element(By.ID, "id_recharge-method")).select_by_value("cash")
    click_and_wait(
        browser,
        lambda: browser.find_element(By.XPATH, "//button[normalize-space()='Record recharge']"),
    )
    assert (
        "into Ravi Teja's wallet (Cash) recorded"
        in browser.find_element(By.CLASS_NAME, "messages").text
    )
    assert "₹540.00" in browser.find_element(By.ID, "wallet").text
    screenshot(browser, "wallet-recharged-by-staff")
    payment = Payment.objects.get(customer=customer, method="cash")
    assert (payment.purpose, payment.amount, payment.received_by) == (
        "wallet",
        Decimal("500.00"),
        accounts,
    )

    # The evening generation: tomorrow is delivered again.
    generate_deliveries(day=tomorrow)
    assert not Hold.objects.filter(customer=customer).exists()
    assert Delivery.objects.filter(customer=customer, date=tomorrow, status="pending").exists()

    log_in(browser, f"{live_server.url}/me/login/", "98480 11111", "Wallet-Milk-7")
    home = browser.find_element(By.TAG_NAME, "main").text
    assert PAUSED not in home
    assert "₹540.00" in browser.find_element(By.ID, "wallet").text
    screenshot(browser, "wallet-resumed")
