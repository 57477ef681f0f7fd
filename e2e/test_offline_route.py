"""A delivery boy's round with no signal: the route opened online, the server then gone
(stopped, so every request is refused, the service worker's too), five stops marked and
the page reloaded with no connection, the server back and the taps sent — each applied
once, a second send of the same queue changing nothing, and a stop a substitute
confirmed meanwhile shown as a conflict."""

from datetime import datetime, time
from decimal import Decimal

import pytest
from django.db.models import Count
from django.utils import timezone
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from customers.tests.factories import CustomerFactory
from deliveries.models import Delivery
from deliveries.services import assign_to_route, create_link, generate_deliveries
from deliveries.services.confirmation import Confirmer, confirm_stop
from deliveries.tests.factories import DeliveryBoyFactory
from e2e.pages import click_and_wait
from earlybird.models import IdempotencyKey
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE, PASSWORD = "9000054321", "Offline-2026!"
NAMES = ("Asha", "Bala", "Chitra", "Deepa", "Esha", "Farhan", "Gopal")

# Read in the page: is it controlled by the worker, and are it and the script cached?
CACHED = """
const done = arguments[arguments.length - 1];
(async () => {
  if (!navigator.serviceWorker.controller) return false;
  const page = await caches.match(location.href, {ignoreVary: true});
  const script = await caches.match(document.querySelector("script[src*=route]").src);
  return Boolean(page && script);
})().then(done, () => done(false));
"""
# The taps waiting on the phone, in order (IndexedDB, as static/js/route.js keeps them).
QUEUE = """
const done = arguments[arguments.length - 1];
const opening = indexedDB.open("earlybird-route", 1);
opening.onsuccess = () => {
  const request = opening.result.transaction("actions").objectStore("actions").getAll();
  request.onsuccess = () => { opening.result.close(); done(request.result); };
};
"""
# Post actions to the sync URL as the page would, and answer the server's JSON.
POST_AGAIN = """
const [actions, done] = arguments;
const form = document.getElementById("route");
const token = document.cookie.split("; ").find((c) => c.startsWith("csrftoken=")).slice(10);
fetch(form.dataset.sync, {
  method: "POST", credentials: "same-origin",
  headers: {"Content-Type": "application/json", "X-CSRFToken": token},
  body: JSON.stringify({actions}),
}).then((r) => r.json()).then(done, (e) => done({error: String(e)}));
"""
# Put taps back on the phone's queue, as if they had never been taken off it.
REQUEUE = """
const [records, done] = arguments;
const opening = indexedDB.open("earlybird-route", 1);
opening.onsuccess = () => {
  const tx = opening.result.transaction("actions", "readwrite");
  records.forEach((r) => { delete r.seq; tx.objectStore("actions").add(r); });
  tx.oncomplete = () => { opening.result.close(); done(true); };
};
"""


def wait(browser, condition, timeout=20):
    return WebDriverWait(browser, timeout, ignored_exceptions=[WebDriverException]).until(
        lambda _: condition()
    )


def stop(browser, customer):
    return browser.find_element(By.ID, f"stop-{customer.pk}")


def press(browser, customer, kind, *, waits=True):
    """Tap a stop's button (opening the <details> it may be folded in) and wait until the
    stop shows the tap as waiting to send."""
    button = browser.find_element(
        By.CSS_SELECTOR, f'button[name=act][value="{kind}:{customer.pk}"]'
    )
    browser.execute_script(
        "const d = arguments[0].closest('details'); if (d) d.open = true;"
        "arguments[0].scrollIntoView({block: 'center'});",
        button,
    )
    before = len(queue(browser))
    button.click()
    if not waits:
        return
    wait(browser, lambda: len(queue(browser)) == before + 1)
    wait(browser, lambda: "waiting" in stop(browser, customer).get_attribute("class"))


def queue(browser) -> list[dict]:
    return browser.execute_async_script(QUEUE)


def banner(browser) -> str:
    return browser.execute_script(
        "const b = document.getElementById('sync-banner'); return b && !b.hidden ? b.textContent : ''"
    )


def database():
    """What the round wrote: each delivery's state, and the keys the server applied."""
    rows = Delivery.objects.order_by("customer__name").values_list(
        "customer__name", "status", "delivered_qty", "reason", "confirmed_via", "updated_at"
    )
    return list(rows), sorted(IdempotencyKey.objects.values_list("user_id", "key"))


def test_a_round_with_no_signal_is_sent_once_when_the_server_is_back(
    browser, switchable_server, screenshot
):
    server = switchable_server
    today = timezone.localdate()
    boy = DeliveryBoyFactory(phone=PHONE, password=PASSWORD)
    milk = ProductFactory(name="Toned milk 500 ml")
    customers = [CustomerFactory(name=name) for name in NAMES]
    for customer in customers:
        SubscriptionFactory(
            customer=customer, product=milk, quantity=Decimal("2"), start_date=today
        )
        assign_to_route(customer=customer, delivery_boy=boy)
    generate_deliveries(day=today)
    link, _ = create_link(
        delivery_boy=boy,
        shift="morning",
        valid_from=today,
        valid_until=today,
        expires_at=timezone.make_aware(datetime.combine(today, time(23, 59))),
        created_by=None,
    )
    asha, bala, chitra, deepa, esha, farhan, gopal = customers

    # Online: sign in, open the route; the worker takes control and caches it.
    route = f"{server.url}/d/?shift=morning"
    browser.get(route)
    browser.find_element(By.ID, "id_username").send_keys(PHONE)
    browser.find_element(By.ID, "id_password").send_keys(PASSWORD)
    password = browser.find_element(By.ID, "id_password")
    click_and_wait(browser, lambda: password.find_element(By.XPATH, "ancestor::form//button"))
    assert browser.find_element(By.ID, "route").get_attribute("data-sync")
    wait(browser, lambda: browser.execute_async_script(CACHED))

    # No signal: the server is gone. Six stops tapped, Esha's delivered then undone.
    server.stop()
    press(browser, esha, "delivered")
    press(browser, asha, "delivered")
    press(browser, bala, "delivered")
    quantity = browser.find_element(By.CSS_SELECTOR, f"#stop-{chitra.pk} input[name^=qty_]")
    browser.execute_script("arguments[0].value = '1.5'", quantity)
    press(browser, chitra, "partial")
    reason = browser.find_element(By.NAME, f"reason_{deepa.pk}")
    browser.execute_script(
        "const d = arguments[0].closest('details'); if (d) d.open = true;", reason
    )
    Select(reason).select_by_value("customer_away")
    press(browser, deepa, "not_delivered")
    press(browser, esha, "undo")
    press(browser, farhan, "delivered")
    # Meanwhile the substitute's shared link confirms Farhan's stop.
    confirm_stop(
        quantities={d: d.ordered_qty for d in Delivery.objects.filter(customer=farhan)},
        by=Confirmer(via=Delivery.Via.SHARED_LINK, link=link, name="Ravi (substitute)"),
    )
    assert "7" in banner(browser)

    # Reloaded with no connection: the worker's copy, the taps still waiting on it.
    browser.refresh()
    wait(browser, lambda: browser.find_element(By.ID, "route"))
    waiting = [asha, bala, chitra, deepa, esha, farhan]
    wait(
        browser, lambda: all("waiting" in stop(browser, c).get_attribute("class") for c in waiting)
    )
    assert "waiting" not in stop(browser, gopal).get_attribute("class")
    assert all(stop(browser, c).find_element(By.CLASS_NAME, "stop-status").text for c in waiting)
    assert "7" in banner(browser)
    browser.execute_script("window.scrollTo(0, document.getElementById('route').offsetTop)")
    screenshot(browser, "offline-route-waiting")
    taps = queue(browser)
    assert [(t["action"]["kind"], t["action"]["customer"]) for t in taps] == [
        ("delivered", esha.pk),
        ("delivered", asha.pk),
        ("delivered", bala.pk),
        ("partial", chitra.pk),
        ("not_delivered", deepa.pk),
        ("undo", esha.pk),
        ("delivered", farhan.pk),
    ]
    # Nothing of it reached the server.
    assert not Delivery.objects.filter(confirmed_via=Delivery.Via.DELIVERY_BOY).exists()
    assert not IdempotencyKey.objects.filter(user=boy.user).exists()

    # The server is back: the page sends the queue when it hears it is online.
    server.start()
    browser.execute_script("window.dispatchEvent(new Event('online'))")
    wait(browser, lambda: not queue(browser), timeout=30)
    assert banner(browser) == ""

    rows = {d.customer_id: d for d in Delivery.objects.all()}
    assert (rows[asha.pk].status, rows[asha.pk].delivered_qty) == ("delivered", Decimal("2"))
    assert (rows[bala.pk].status, rows[bala.pk].delivered_qty) == ("delivered", Decimal("2"))
    assert (rows[chitra.pk].status, rows[chitra.pk].delivered_qty) == ("partial", Decimal("1.5"))
    assert (rows[deepa.pk].status, rows[deepa.pk].reason) == ("not_delivered", "customer_away")
    assert rows[esha.pk].status == rows[gopal.pk].status == "pending"
    assert {rows[c.pk].confirmed_by_id for c in (asha, bala, chitra, deepa)} == {boy.user.pk}
    # Farhan's stop stays the substitute's, and the boy is told.
    assert (rows[farhan.pk].confirmed_via, rows[farhan.pk].confirmed_by_name) == (
        "shared_link",
        "Ravi (substitute)",
    )
    counts = dict(Delivery.objects.values_list("status").annotate(n=Count("pk")))
    assert counts == {"delivered": 3, "partial": 1, "not_delivered": 1, "pending": 2}
    # One key per tap sent, each once; Farhan's keeps its answer, the conflict.
    keys = IdempotencyKey.objects.filter(user=boy.user).values_list("key", flat=True)
    assert sorted(keys) == sorted(t["action"]["key"] for t in taps)
    farhan_status = stop(browser, farhan).find_element(By.CLASS_NAME, "stop-status")
    wait(browser, lambda: "Ravi (substitute)" in farhan_status.text)
    assert "conflict" in stop(browser, farhan).get_attribute("class")
    assert "waiting" not in stop(browser, asha).get_attribute("class")
    first = database()

    # The same queue sent again, straight to the server and from the phone's queue:
    # every key answers with its first result and nothing changes.
    again = browser.execute_async_script(POST_AGAIN, [t["action"] for t in taps])
    assert {r["key"]: r["result"] for r in again["results"]} == {
        t["action"]["key"]: "conflict" if t["action"]["customer"] == farhan.pk else "replayed"
        for t in taps
    }
    browser.execute_async_script(REQUEUE, taps)
    browser.execute_script("window.dispatchEvent(new Event('online'))")
    wait(browser, lambda: not queue(browser), timeout=30)
    assert database() == first
    # The conflict stays on Farhan's stop after a reload.
    browser.refresh()
    wait(browser, lambda: "conflict" in stop(browser, farhan).get_attribute("class"))

    # His language: Telugu, through the page's language buttons; then the load sheet.
    click_and_wait(browser, lambda: browser.find_element(By.CSS_SELECTOR, "button[value=te]"))
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "te"
    screenshot(browser, "offline-route-telugu")
    browser.get(f"{server.url}/d/load/?shift=morning")
    assert milk.name in browser.find_element(By.TAG_NAME, "main").text
    screenshot(browser, "offline-load-sheet")
