"""Scoping across the whole project, walked from the URL resolver: two marketers, two
delivery boys and two customers. Whoever opens any page or API operation their role may
use sees none of the other's customer — not on a list, an export, a printout or an API
answer — and an address naming the other's rows is a 404."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.services import issue_bill, run_billing
from billing.tests.factories import PaymentFactory, deliver
from customers.tests.factories import CustomerFactory, UserFactory
from deliveries.services import assign_to_route, generate_deliveries
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird import roles
from earlybird.access import ACCESS, PUBLIC, SIGNED_IN, access_for
from earlybird.tests.test_access import PATTERNS
from orders.models import Order
from orders.services import LineSpec, create_one_time_order, pause_order
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

# Objects a URL's arguments name, per argument (and per URL name for the API's `pk`).
PK_OF = {
    "api:customer": "customer",
    "api:order": "subscription",
    "api:delivery": "delivery",
    "api:delivery-confirm": "delivery",
    "api:me-pause-resume": "pause",
    "api:me-order-cancel": "one_time",
}
ARGUMENT_OF = {
    "customer_id": "customer",
    "order_id": "subscription",
    "pause_id": "pause",
    "bill_id": "bill",
    "delivery_id": "delivery",
    "boy_id": "boy",
}


class Side(dict):
    """One marketer's world: his customer with a subscription, a one-time order, a pause,
    delivered days, an issued bill, a payment, and a delivery boy whose route has them."""

    def __init__(self, label: str, digit: str, milk):
        super().__init__()
        today = timezone.localdate()
        last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        self["marketer"] = UserFactory(roles=[roles.MARKETING])
        customer = CustomerFactory(
            name=f"Zzyzx {label}", phone=f"98765{digit * 3}00", marketing_staff=self["marketer"]
        )
        self["customer"] = customer
        self["boy"] = DeliveryBoyFactory()
        assign_to_route(customer=customer, delivery_boy=self["boy"])
        self["subscription"] = SubscriptionFactory(
            customer=customer, product=milk, start_date=last_month
        )
        self["one_time"] = create_one_time_order(
            customer=customer,
            delivery_date=today + dt.timedelta(days=2),
            lines=[LineSpec(product=milk, quantity=Decimal(1))],
        )
        deliver(self["subscription"], last_month + dt.timedelta(days=3))
        self["delivery"] = deliver(self["subscription"], today)
        self["pause"] = pause_order(
            order=self["subscription"],
            start_date=today + dt.timedelta(days=5),
            end_date=today + dt.timedelta(days=6),
            reason="Wedding",
        )
        run_billing(period=last_month)
        self["bill"] = issue_bill(bill=customer.bills.get(period=last_month))
        PaymentFactory(customer=customer, amount=Decimal("10.00"), paid_on=today)
        self["secrets"] = [customer.name, customer.phone, customer.code, customer.address]


@pytest.fixture
def world():
    milk = ProductFactory(name="Cow milk", price="56.00")
    one, two = Side("Onekar", "1", milk), Side("Twokar", "2", milk)
    # The second marketer also has a customer on the first delivery boy's route: pages
    # that list a route (sheets, procurement) must not show her to the first marketer.
    neighbour = CustomerFactory(
        name="Zzyzx Neighbour", phone="9876533300", marketing_staff=two["marketer"]
    )
    assign_to_route(customer=neighbour, delivery_boy=one["boy"])
    SubscriptionFactory(customer=neighbour, product=milk, start_date=timezone.localdate())
    generate_deliveries(day=timezone.localdate())
    two["colleague_secrets"] = [neighbour.name, neighbour.phone, neighbour.code]
    return one, two


def url_for(name: str, pattern_route: str, side: Side) -> str | None:
    """The URL of `name` with its arguments naming `side`'s rows (None: not fillable)."""
    kwargs = {}
    for argument in ("customer_id", "order_id", "pause_id", "bill_id", "delivery_id", "boy_id"):
        if f"<int:{argument}>" in pattern_route:
            kwargs[argument] = side[ARGUMENT_OF[argument]].pk
    if "<int:pk>" in pattern_route:
        if name not in PK_OF:
            return None
        kwargs["pk"] = side[PK_OF[name]].pk
    if any(arg in pattern_route for arg in ("<str:", "<path:", "<uidb64>", "<int:stop_id>")):
        return None
    if pattern_route.count("<") != len(kwargs):
        return None
    return reverse(name, kwargs=kwargs)


def pages_for(role: str):
    """(name, route) of every page and API operation `role` may read, admin aside."""
    for route, name, _ in PATTERNS:
        access = access_for(name)
        if name.startswith("admin:") or PUBLIC in access.read or SIGNED_IN in access.read:
            continue
        if role in access.read:
            yield name, route


def cast(world, role: str):
    own, other = world
    user_of = {
        roles.MARKETING: lambda side: side["marketer"],
        roles.DELIVERY_BOY: lambda side: side["boy"].user,
        roles.CUSTOMER: lambda side: side["customer"].user,
    }[role]
    return user_of(own), own, other


@pytest.mark.parametrize("role", [roles.MARKETING, roles.DELIVERY_BOY, roles.CUSTOMER])
def test_no_page_shows_anything_of_the_other_side(client, world, role):
    user, own, other = cast(world, role)
    client.force_login(user)
    opened = []
    for name, route in pages_for(role):
        url = url_for(name, route, own)
        if url is None:
            continue
        response = client.get(url)
        # A page, or a POST-only address that refuses or redirects a GET.
        assert response.status_code in (200, 302, 405), (url, response.status_code)
        body = b"".join(response) if response.streaming else response.content
        text = body.decode("utf-8", errors="replace")
        secrets = other["secrets"] + (other["colleague_secrets"] if role == roles.MARKETING else [])
        leaked = [secret for secret in secrets if secret in text]
        assert leaked == [], (url, leaked)
        if response.status_code == 200:
            opened.append(name)
    assert len(opened) >= 2, opened  # the walk really opened pages


@pytest.mark.parametrize("role", [roles.MARKETING, roles.DELIVERY_BOY, roles.CUSTOMER])
def test_an_address_naming_the_other_sides_rows_is_a_404(client, world, role):
    user, own, other = cast(world, role)
    client.force_login(user)
    refused = []
    for route, name, _ in PATTERNS:
        access = access_for(name)
        if name.startswith("admin:") or PUBLIC in access.read:
            continue
        url = url_for(name, route, other)
        if url is None or url == url_for(name, route, own):
            continue  # no argument names a row
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in (404, 403, 405), (method, url, response.status_code)
            if response.status_code != 405:
                refused.append((method, name))
    assert refused, "the walk found addresses naming rows"


def test_the_table_keeps_marketing_off_routes_sheets_procurement_and_money():
    for name in ("deliveries:daily_sheet", "deliveries:procurement", "billing:grid_csv"):
        assert roles.MARKETING not in ACCESS[name].read


def test_a_marketer_reading_the_other_marketers_customer_is_a_404(client, world):
    one, two = world
    client.force_login(one["marketer"])
    response = client.get(reverse("customers:detail", args=[two["customer"].pk]))
    assert response.status_code == 404
    assert two["customer"].name not in response.content.decode()


def test_no_order_of_the_other_side_is_listed_for_a_marketer(client, world):
    one, _ = world
    client.force_login(one["marketer"])
    listed = client.get(reverse("api:orders")).json()["results"]
    assert {row["id"] for row in listed} == set(
        Order.objects.filter(customer=one["customer"]).values_list("id", flat=True)
    )
