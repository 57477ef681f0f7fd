"""What a dairy owner's staff do most, on a 1280 × 900 desktop in real headless Chromium:
support puts a new customer on a route at a chosen stop with a subscription; accounts
opens this month's grid (the default) through the navigation and downloads its CSV,
whose totals are checked against the database. Screenshots: var/screenshots/owner-*.png.
"""

import csv
import io
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from billing.models import Bill
from billing.selectors import billed_amount
from billing.services import issue_bills, run_billing
from billing.services.wallet import recharge_wallet, set_billing_mode
from billing.tests.factories import PaymentFactory, accounts_user, deliver_days
from customers.models import Customer
from customers.tests.factories import CustomerFactory, UserFactory
from deliveries.models import Delivery, RouteStop
from deliveries.services import assign_to_route
from deliveries.tests.factories import DeliveryBoyFactory
from e2e.pages import click_and_wait
from e2e.test_staff_flow import fill
from earlybird import roles
from earlybird.templatetags.money import format_inr
from orders.models import Order
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = (1280, 900)


def log_in(browser, live_server, username: str) -> None:
    browser.delete_all_cookies()
    browser.set_window_size(*DESKTOP)
    browser.get(f"{live_server.url}/login/")
    fill(browser, "id_username", username)
    fill(browser, "id_password", "s3cret-pass")  # the factories' password
    click_and_wait(browser, lambda: browser.find_element(By.CSS_SELECTOR, "button[type=submit]"))


def nav_on_one_line(browser) -> bool:
    """Every top-level link and menu of the staff navigation, and the log-out button,
    sit on one line, beside the business name (a bar one line high)."""
    tops, height = browser.execute_script(
        "return [[...document.querySelectorAll('.topbar nav > *')]"
        ".map(e => Math.round(e.getBoundingClientRect().top)),"
        " document.querySelector('.topbar').getBoundingClientRect().height];"
    )
    return len(tops) > 3 and max(tops) - min(tops) <= 4 and height <= 60


def current_nav(browser) -> list[str]:
    return [
        element.text
        for element in browser.find_elements(
            By.CSS_SELECTOR, ".topbar nav > a.current, .nav-group.current > summary"
        )
    ]


# --- support: a new customer on a route ---------------------------------------------------


def test_support_creates_a_customer_on_a_route_at_a_chosen_stop(browser, live_server, screenshot):
    UserFactory(username="sita", roles=[roles.SUPPORT])
    boy = DeliveryBoyFactory(name="Mahesh")
    first, second, third = (CustomerFactory(name=name) for name in ("Anu", "Bala", "Chitra"))
    for customer in (first, second, third):
        assign_to_route(customer=customer, delivery_boy=boy)
    milk = ProductFactory(name="Buffalo milk 500 ml", unit="packet")
    tomorrow = timezone.localdate() + timedelta(days=1)

    log_in(browser, live_server, "sita")
    assert browser.execute_script("return window.innerWidth") == DESKTOP[0]
    assert nav_on_one_line(browser)
    assert current_nav(browser) == ["Dashboard"]
    click_and_wait(browser, lambda: browser.find_element(By.LINK_TEXT, "Customers"))
    assert browser.find_element(By.LINK_TEXT, "Customers").get_attribute("aria-current") == "page"
    click_and_wait(browser, lambda: browser.find_element(By.LINK_TEXT, "New customer"))
    # Still in the Customers section: marked, but not as this very page.
    assert current_nav(browser) == ["Customers"]
    fill(browser, "id_name", "Farida Khan")
    fill(browser, "id_phone", "+91 97000 12345")
    fill(browser, "id_address", "Flat 4B, Lake View Apartments")
    Select(browser.find_element(By.ID, "id_status")).select_by_value("active")
    Select(browser.find_element(By.ID, "id_route")).select_by_visible_text("Mahesh · 3 stops")
    fill(browser, "id_route_position", "2")
    Select(browser.find_element(By.ID, "id_sub_product")).select_by_visible_text(milk.name)
    fill(browser, "id_sub_quantity", "2")
    assert browser.find_element(By.ID, "id_sub_start_date").get_attribute("value") == (
        tomorrow.isoformat()
    )
    browser.execute_script("document.getElementById('id_route').scrollIntoView({block: 'center'});")
    screenshot(browser, "owner-support-new-customer-on-route")
    click_and_wait(
        browser, lambda: browser.find_element(By.CSS_SELECTOR, "button.primary[type=submit]")
    )

    message = browser.find_element(By.CLASS_NAME, "messages").text
    assert "Farida Khan" in browser.find_element(By.TAG_NAME, "h1").text
    assert "with subscription SU-" in message and "stop 2 on Mahesh's route" in message
    screenshot(browser, "owner-support-customer-created")
    stops = RouteStop.objects.filter(delivery_boy=boy).order_by("position")
    assert [(stop.position, stop.customer.name) for stop in stops] == [
        (1, "Anu"),
        (2, "Farida Khan"),
        (3, "Bala"),
        (4, "Chitra"),
    ]
    order = Order.objects.get(customer__name="Farida Khan")
    assert (order.kind, order.start_date, order.created_by.username) == (
        Order.Kind.SUBSCRIPTION,
        tomorrow,
        "sita",
    )
    assert list(order.lines.values_list("product__name", "quantity")) == [
        ("Buffalo milk 500 ml", Decimal("2.000"))
    ]

    browser.get(f"{live_server.url}{reverse('deliveries:route_detail', args=[boy.pk])}")
    route = browser.find_element(By.TAG_NAME, "main").text
    assert route.index("Anu") < route.index("Farida Khan") < route.index("Bala")
    assert current_nav(browser) == ["Deliveries"]
    screenshot(browser, "owner-support-route")

    # On a phone the navigation wraps, and its menus open within the screen (the route's
    # own table may scroll sideways).
    browser.set_window_size(360, 740)
    browser.find_element(By.XPATH, "//summary[normalize-space()='Billing']").click()
    assert browser.execute_script(
        "return document.querySelector('.topbar').scrollWidth <= window.innerWidth"
        " && document.querySelector('details[open] .nav-menu')"
        ".getBoundingClientRect().right <= window.innerWidth;"
    )
    screenshot(browser, "owner-support-phone-menu")


# --- accounts: this month's grid and its export ---------------------------------------------

NAMES = (
    "Lakshmi Venkataramana",
    "Mohammed Imran Qureshi",
    "Priya Subramaniam",
    "Ravi Teja",
    "Sunitha Reddy",
    "Venkatesh Prasad Rao",
    "Zareena Begum",
    "Anjali Deshpande",
)


@pytest.fixture
def this_month():
    """Eight customers with milk (some halves) every day of this month so far, three with
    curd too, one prepaid (a wallet), on two routes; billed early (as for customers who
    leave mid-month: every money line of the grid filled) and two of them paid."""
    today = timezone.localdate()
    first = today.replace(day=1)
    accounts = accounts_user(username="anand")
    milk = ProductFactory(name="Toned milk", price="28.00", sort_order=1)
    curd = ProductFactory(name="Curd 500 g", price="35.00", unit="packet", sort_order=2)
    boys = [DeliveryBoyFactory(name="Mahesh"), DeliveryBoyFactory(name="Srinu")]
    for n, name in enumerate(NAMES):
        customer = CustomerFactory(name=name)
        assign_to_route(customer=customer, delivery_boy=boys[n % 2])
        if n == 3:
            set_billing_mode(customer=customer, mode="prepaid", effective_from=first)
            recharge_wallet(
                customer=customer,
                amount=Decimal("5000"),
                method="cash",
                paid_on=first,
                by=accounts,
                received_by=accounts,
            )
        quantity = ("1", "1.5", "0.5", "2")[n % 4]
        products = [(milk, quantity), *([(curd, "1")] if n % 3 == 0 else [])]
        for product, each in products:
            order = SubscriptionFactory(
                customer=customer, product=product, quantity=each, start_date=first
            )
            deliver_days(order, first, today)
    run_billing(period=first, before_month_end=True)
    issue_bills(period=first)
    for customer in Customer.objects.filter(name__in=NAMES[:2]):
        PaymentFactory(customer=customer, amount=Decimal("500.00"), paid_on=today)
    return {"milk": milk, "curd": curd}


def downloaded(folder, pattern: str, *, seconds: int = 20):
    """The file Chromium saved into `folder`, once it is whole."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [path for path in folder.glob(pattern) if path.stat().st_size]
        if found and not list(folder.glob("*.crdownload")):
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f"nothing like {pattern} was downloaded into {folder}")


def test_accounts_opens_this_months_grid_and_exports_it_with_totals(
    browser, live_server, screenshot, this_month, tmp_path
):
    today = timezone.localdate()
    month = Delivery.objects.filter(
        date__range=(today.replace(day=1), today), status__in=Delivery.BILLABLE_STATUSES
    )
    amount = month.aggregate(total=Sum(billed_amount()))["total"]
    billed = Bill.objects.filter(period=today.replace(day=1)).aggregate(total=Sum("total"))["total"]
    milk_litres = month.filter(product=this_month["milk"]).aggregate(q=Sum("delivered_qty"))["q"]

    log_in(browser, live_server, "anand")
    browser.find_element(By.XPATH, "//summary[normalize-space()='Billing']").click()
    screenshot(browser, "owner-accounts-billing-menu")
    click_and_wait(browser, lambda: browser.find_element(By.LINK_TEXT, "Monthly grid"))

    # This month by default, in one screen's width: nothing to scroll sideways.
    assert browser.find_element(By.TAG_NAME, "h1").text == f"Monthly grid · {today:%B %Y}"
    assert browser.find_element(By.ID, "id_month").get_attribute("value") == f"{today:%Y-%m}"
    assert current_nav(browser) == ["Billing"]
    assert nav_on_one_line(browser)
    widths = browser.execute_script(
        "const box = document.querySelector('.grid-wrap');"
        "return [box.scrollWidth, box.clientWidth, document.documentElement.scrollWidth,"
        " window.innerWidth];"
    )
    assert widths[0] <= widths[1] and widths[2] <= widths[3], widths
    assert browser.find_element(By.ID, "grid-total-amount").text == format_inr(amount)
    assert browser.find_element(By.ID, "grid-total-billed").text == f"bills {format_inr(billed)}"
    assert browser.find_element(By.ID, "grid-total-paid").text == "paid ₹1,000.00"
    screenshot(browser, "owner-accounts-grid")

    # Scrolled to the foot of the grid (its own box), the header is still in sight
    # above the totals.
    edges = browser.execute_script(
        "const box = document.querySelector('.grid-wrap'); box.scrollTop = box.scrollHeight;"
        "const top = box.getBoundingClientRect().top, bottom = box.getBoundingClientRect().bottom;"
        "return [box.scrollTop,"
        " document.querySelector('.grid thead th').getBoundingClientRect().top - top,"
        " bottom - document.querySelector('#grid-total-amount').getBoundingClientRect().bottom];"
    )
    assert edges[0] > 0 and abs(edges[1]) <= 2 and 0 <= edges[2] <= 40, edges
    screenshot(browser, "owner-accounts-grid-scrolled")

    # One product: its rows and totals only.
    Select(browser.find_element(By.ID, "id_product")).select_by_visible_text("Toned milk")
    click_and_wait(browser, lambda: browser.find_element(By.XPATH, "//button[.='Show']"))
    products = {cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "td.grid-product")}
    assert products == {"Toned milk\nlitre"}
    screenshot(browser, "owner-accounts-grid-one-product")

    # The whole month as CSV, saved by Chromium, with its totals.
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    browser.get(f"{live_server.url}{reverse('billing:grid')}")
    browser.find_element(By.LINK_TEXT, "CSV").click()
    text = downloaded(tmp_path, "earlybird-grid-*.csv").read_text(encoding="utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    column = {name: i for i, name in enumerate(header)}
    totals = {row[column["Product"]]: row for row in rows if row[0] == "Total"}
    assert set(totals) == {"Toned milk", "Curd 500 g", "All products"}
    assert Decimal(totals["All products"][column["Amount"]]) == amount
    assert Decimal(totals["Toned milk"][column["Quantity"]]) == milk_litres
    assert totals["Toned milk"][column["Customer"]] == f"{len(NAMES)} customers"
    customers = [row for row in rows if row[0] != "Total"]
    assert sum(Decimal(row[column["Amount"]]) for row in customers) == amount
    assert Decimal(totals["All products"][column["Bill total"]]) == billed
    assert Decimal(totals["All products"][column["Paid in month"]]) == Decimal("1000.00")
