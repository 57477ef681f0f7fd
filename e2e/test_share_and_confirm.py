"""A new shared link in real headless Chromium (360 px): the copy button appears (our own
script) and the WhatsApp button carries the link; revoking opens a second step whose box
the browser insists on before anything is sent. Screenshots: var/screenshots/link-*.png.
"""

from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from customers.tests.factories import UserFactory
from deliveries.models import DeliveryLink
from deliveries.tests.factories import DeliveryBoyFactory
from e2e.pages import click_and_wait
from e2e.test_staff_flow import fill
from earlybird import roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_support_shares_a_new_link_and_revokes_it_in_two_steps(browser, live_server, screenshot):
    UserFactory(username="sita", roles=[roles.SUPPORT])  # password "s3cret-pass"
    DeliveryBoyFactory(name="Mahesh")
    today = timezone.localdate()
    browser.get(f"{live_server.url}/login/")
    fill(browser, "id_username", "sita")
    fill(browser, "id_password", "s3cret-pass")
    click_and_wait(browser, lambda: browser.find_element(By.CSS_SELECTOR, "button[type=submit]"))

    browser.get(f"{live_server.url}{reverse('deliveries:link_create')}")
    Select(browser.find_element(By.ID, "id_delivery_boy")).select_by_visible_text("Mahesh")
    for field, day in (("id_valid_from", today), ("id_valid_until", today + timedelta(days=1))):
        browser.execute_script(
            "document.getElementById(arguments[0]).value = arguments[1];", field, day.isoformat()
        )
    click_and_wait(browser, lambda: browser.find_element(By.CSS_SELECTOR, "button.primary"))

    url = browser.find_element(By.ID, "shared-url").get_attribute("value")
    copy = browser.find_element(By.CSS_SELECTOR, "button[data-copy]")
    assert copy.is_displayed()  # shown by static/js/share.js
    whatsapp = browser.find_element(By.LINK_TEXT, "Share on WhatsApp")
    assert whatsapp.is_displayed()
    assert unquote(whatsapp.get_attribute("href")).endswith(url)
    copy.click()
    status = browser.find_element(By.CSS_SELECTOR, "[data-copy-status]")
    # The clipboard answers asynchronously: wait for "Copied. …" or, where the clipboard
    # is refused, how to copy by hand.
    WebDriverWait(browser, 10).until(lambda _: status.text)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", copy)
    screenshot(browser, "link-created-share")

    link = DeliveryLink.objects.get()
    browser.get(f"{live_server.url}{reverse('deliveries:link_detail', args=[link.pk])}")
    revoke = browser.find_element(By.CSS_SELECTOR, "details.confirm-step button.warn")
    assert not revoke.is_displayed()  # the first click only opens the step
    browser.find_element(By.CSS_SELECTOR, "details.confirm-step > summary").click()
    assert revoke.is_displayed()
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", revoke)
    screenshot(browser, "link-revoke-step")
    revoke.click()  # without the tick the browser refuses to send the form
    assert browser.execute_script(
        "return !document.querySelector('details.confirm-step input[name=confirm]').validity.valid;"
    )
    link.refresh_from_db()
    assert link.revoked_at is None

    browser.find_element(By.CSS_SELECTOR, "details.confirm-step input[name=confirm]").click()
    click_and_wait(browser, lambda: revoke)
    assert "Link revoked" in browser.find_element(By.CLASS_NAME, "messages").text
    link.refresh_from_db()
    assert link.revoked_at is not None
