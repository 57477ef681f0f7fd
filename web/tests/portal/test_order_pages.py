"""An order's page and the one-time order form: products by name with their prices, the
three changes (skip, extra, pause) in that order, the phone wherever the customer is told
to call, amounts that never wrap; each page in a fixed number of queries."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing.models import Payment
from customers.models import Customer
from customers.tests.factories import CustomerFactory
from orders.models import CustomerPrice, Product, ProductPrice
from orders.services import LineSpec, create_subscription
from orders.tests.factories import ProductFactory
from web.tests.portal import d, issued_bill, page_of

pytestmark = pytest.mark.django_db

PHONE = "98480 22338"
CALL_LINK = f'href="tel:9848022338">Call us: {PHONE}</a>'


@pytest.fixture(autouse=True)
def business_phone(settings):
    settings.BUSINESS_PHONE = PHONE


# --- the order page -----------------------------------------------------------------------


def test_the_page_is_titled_by_the_products_with_their_prices(client, owner, milk):
    curd = ProductFactory(name="Curd 500 g", unit=Product.Unit.PACKET, price="35.00")
    order = create_subscription(
        customer=owner,
        start_date=d(1),
        lines=[LineSpec(milk, Decimal("1.5")), LineSpec(curd, Decimal(2))],
    )

    page = page_of(client.get(reverse("me:order", args=[order.pk])))

    h1 = re.search(r"<h1>(.*?) <span", page).group(1)
    assert h1 == "Cow milk and Curd 500 g"
    assert f'<small class="code">{order.code}</small>' in page
    lines = re.sub(
        r"<[^>]+>", " ", re.search(r'<ul class="products priced">(.*?)</ul>', page, re.S).group(1)
    )
    assert " ".join(lines.split()) == (
        "Cow milk 1.5 litres ₹60.00 a litre ₹90.00 "
        "Curd 500 g 2 packets ₹35.00 a packet ₹70.00 "
        "A usual day ₹160.00"
    )
    # The extra form names each product with what usually comes and its price.
    assert "Cow milk (usually 1.5 litres), ₹60.00 a litre" in page
    assert "Curd 500 g (usually 2 packets), ₹35.00 a packet" in page


def test_the_three_changes_come_skip_extra_pause_and_each_link_opens_its_own(client, subscription):
    for action in ("skip", "extra", "pause"):
        page = page_of(client.get(reverse(f"me:{action}", args=[subscription.pk])))
        positions = [page.index(f'id="{name}"') for name in ("skip", "extra", "pause")]
        assert positions == sorted(positions)
        opened = re.findall(r'<details class="card change" id="(\w+)" open>', page)
        assert opened == [action]


def test_the_home_page_offers_skip_extra_pause_in_that_order(client, subscription):
    page = page_of(client.get(reverse("me:home")))
    links = re.findall(r'class="button" href="[^"]+#(\w+)">([^<]+)</a>', page)
    assert links == [("skip", "Skip a day"), ("extra", "Extra"), ("pause", "Pause")]


def test_the_order_page_runs_the_same_queries_for_1_and_4_products(client, owner):
    def queries_for(products: int) -> int:
        order = create_subscription(
            customer=owner,
            start_date=d(1),
            lines=[LineSpec(ProductFactory(), Decimal(1)) for _ in range(products)],
        )
        with CaptureQueriesContext(connection) as ctx:
            page = page_of(client.get(reverse("me:order", args=[order.pk])))
        assert page.count("₹60.00 a litre") == 2 * products  # the line and the extra form
        return len(ctx.captured_queries)

    assert queries_for(1) == queries_for(4)


# --- the one-time order form ----------------------------------------------------------------


def test_the_order_form_shows_each_products_price(client, owner, milk):
    paneer = ProductFactory(name="Paneer 200 g", unit=Product.Unit.PACKET, price="90.00")
    ProductPrice.objects.create(product=paneer, price=Decimal("95.00"), effective_from=d(20))
    ghee = ProductFactory(name="Ghee 500 ml", unit=Product.Unit.PIECE, price="340.00")
    CustomerPrice.objects.create(
        customer=owner, product=ghee, price=Decimal("320.00"), effective_from=d(1)
    )
    ProductPrice.objects.create(product=ghee, price=Decimal("350.00"), effective_from=d(20))

    page = page_of(client.get(reverse("me:new_order")))

    assert f'<label for="id_qty_{milk.pk}">Cow milk · ₹60.00 a litre</label>' in page
    assert f'<label for="id_qty_{paneer.pk}">Paneer 200 g · ₹90.00 a packet</label>' in page
    assert "₹95.00 a packet from Fri 20 Mar." in page
    # The customer's own price, and no word of a general change that is not theirs.
    assert f'<label for="id_qty_{ghee.pk}">Ghee 500 ml · ₹320.00 a piece</label>' in page
    assert "₹350.00" not in page


def test_the_order_form_runs_the_same_queries_for_1_and_6_products(client, owner):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("me:new_order"))
        return len(ctx.captured_queries)

    ProductFactory()
    one = queries()
    for _ in range(5):
        ProductFactory()
    assert queries() == one


# --- the phone wherever the customer is told to call --------------------------------------


def test_a_customer_not_served_is_given_the_phone(client, owner):
    Customer.objects.filter(pk=owner.pk).update(status=Customer.Status.PAUSED)
    page = page_of(client.get(reverse("me:home")))
    assert f"Please call us to start again on {PHONE}." in page
    assert CALL_LINK in page


def test_no_subscription_yet_gives_the_phone(client, owner):
    page = page_of(client.get(reverse("me:home")))
    assert f"Please call us to start one on {PHONE}." in page
    assert CALL_LINK in page


def test_an_extra_on_a_stopped_customer_is_refused_with_the_phone(client, subscription, owner):
    Customer.objects.filter(pk=owner.pk).update(status=Customer.Status.STOPPED)
    response = client.post(
        reverse("me:extra", args=[subscription.pk]),
        {"line": subscription.lines.get().pk, "day": "2026-03-12", "quantity": "1"},
    )
    assert f"Your deliveries are stopped. Please call us on {PHONE}." in page_of(response)
    assert CALL_LINK in page_of(response)


def test_without_a_business_phone_no_empty_link_is_drawn(client, owner, settings):
    settings.BUSINESS_PHONE = ""
    page = page_of(client.get(reverse("me:home")))
    assert "Please call us to start one." in page
    assert 'href="tel:' not in page


# --- amounts never wrap ----------------------------------------------------------------


def test_a_payment_on_a_bill_is_one_unbreakable_amount(client, owner):
    bill = issued_bill(owner, total=Decimal("500"))
    Payment.objects.create(
        customer=owner, amount=Decimal("250"), method="cash", paid_on=d(5, 2), code="PA-T-9"
    )
    page = page_of(client.get(reverse("me:bill", args=[bill.pk])))
    assert '<td class="num">−₹250.00</td>' in page
    css = (Path(django_settings.BASE_DIR) / "static" / "css" / "app.css").read_text()
    nowrap = re.search(r"^\.me \.amount, \.me td\.num[^{]*\{ white-space: nowrap; \}", css, re.M)
    assert nowrap, "the customer pages' amounts must not wrap"


def test_another_customers_prices_are_not_shown(client, owner, milk):
    CustomerPrice.objects.create(
        customer=CustomerFactory(), product=milk, price=Decimal("11.00"), effective_from=d(1)
    )
    page = page_of(client.get(reverse("me:new_order")))
    assert "₹11.00" not in page and "₹60.00 a litre" in page
