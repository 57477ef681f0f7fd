"""The wallet on the money pages: the grid's wallet column (prepaid customers only, in
the grid's own queries) and the report of customers paused for low balance (today's and
tomorrow's holds with balance and shortfall; support, accounts and admin may read it)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from billing.grid import GridFilters, grid_customers
from billing.grid_rows import grid_rows
from billing.services.wallet import recharge_wallet, set_billing_mode
from billing.tests.factories import accounts_user, deliver
from customers.tests.factories import CustomerFactory, UserFactory
from deliveries.services import assign_to_route, generate_deliveries
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird.roles import ADMIN, DELIVERY_BOY, MARKETING, SUPPORT
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


def make_prepaid(customer, amount: str, accounts, *, since: dt.date) -> None:
    set_billing_mode(customer=customer, mode="prepaid", effective_from=since)
    recharge_wallet(
        customer=customer,
        amount=Decimal(amount),
        method="cash",
        paid_on=since,
        by=accounts,
        received_by=accounts,
    )


def test_the_grid_shows_the_wallet_of_prepaid_customers_in_the_same_queries():
    accounts = accounts_user()
    milk = ProductFactory(price="50.00")
    month = today().replace(day=1)
    first = month if today().day > 1 else month - dt.timedelta(days=1)
    prepaid, postpaid = CustomerFactory(name="A Prepaid"), CustomerFactory(name="B Postpaid")
    for customer in (prepaid, postpaid):
        order = SubscriptionFactory(customer=customer, product=milk, start_date=first)
        deliver(order, first)
    make_prepaid(prepaid, "500", accounts, since=first - dt.timedelta(days=1))
    period = first.replace(day=1)

    customers = grid_customers(GridFilters(period=period))
    with CaptureQueriesContext(connection) as queries:
        rows = grid_rows(period=period, customers=customers)

    assert len(queries) == 1  # accounts (wallets included), bills and quantities together
    assert {row.customer.name: row.wallet for row in rows} == {
        "A Prepaid": Decimal("450.00"),  # 500 less the delivered ₹50
        "B Postpaid": None,
    }


def test_the_grid_page_shows_the_wallet_of_a_prepaid_customer(client):
    accounts = accounts_user()
    client.force_login(accounts)
    milk = ProductFactory(price="50.00")
    customer = CustomerFactory(name="A Prepaid")
    start = today() - dt.timedelta(days=40)
    order = SubscriptionFactory(customer=customer, product=milk, start_date=start)
    make_prepaid(customer, "321", accounts, since=start)
    deliver(order, start)
    month = start.replace(day=1)

    response = client.get(reverse("billing:grid"), {"month": f"{month:%Y-%m}"})

    page = response.content.decode()
    assert "paid · balance · wallet" in page  # the header names it
    assert '<span class="grid-k">wallet</span> ₹271.00' in page  # 321 − 50


@pytest.fixture
def held_and_fine():
    """Two prepaid customers on Mahesh's route; Ravi's ₹70 covers today's ₹60 but not
    tomorrow's as well, so tomorrow he is held; Sita has plenty."""
    accounts = accounts_user()
    boy = DeliveryBoyFactory(name="Mahesh")
    milk = ProductFactory(price="60.00")
    ravi, sita = CustomerFactory(name="Ravi"), CustomerFactory(name="Sita")
    for customer, amount in ((ravi, "70"), (sita, "900")):
        SubscriptionFactory(customer=customer, product=milk, start_date=today())
        assign_to_route(customer=customer, delivery_boy=boy)
        make_prepaid(customer, amount, accounts, since=today())
    generate_deliveries(day=today())
    generate_deliveries(day=today() + dt.timedelta(days=1))
    return ravi, sita


@pytest.mark.parametrize("role", [SUPPORT, ADMIN, "accounts"])
def test_the_report_lists_who_is_paused_and_what_a_recharge_must_bring(client, held_and_fine, role):
    ravi, _ = held_and_fine
    client.force_login(UserFactory(roles=[role]))

    response = client.get(reverse("billing:low_balance"))

    page = response.content.decode()
    [row] = response.context["rows"]
    assert row.customer == ravi and row.hold.date == today() + dt.timedelta(days=1)
    assert (row.balance, row.due_ahead, row.need, row.shortfall) == (
        Decimal("70.00"),
        Decimal("60.00"),
        Decimal("60.00"),
        Decimal("50.00"),
    )
    assert "Ravi" in page and "Sita" not in page
    assert f"{reverse('customers:detail', args=[ravi.pk])}#wallet" in page
    assert "<strong>₹50.00</strong>" in page
    assert "Mahesh" in page


def test_the_report_reads_in_a_few_queries_however_many_are_held(client, held_and_fine):
    client.force_login(UserFactory(roles=[SUPPORT]))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("billing:low_balance"))
    accounts = accounts_user()
    milk = ProductFactory(price="60.00")
    for _ in range(5):
        customer = CustomerFactory()
        SubscriptionFactory(customer=customer, product=milk, start_date=today())
        make_prepaid(customer, "10", accounts, since=today())
    generate_deliveries(day=today())

    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("billing:low_balance"))

    assert len(response.context["rows"]) == 6
    assert len(many) <= len(few) + 1  # a second held day's amounts due


@pytest.mark.parametrize("role", [MARKETING, DELIVERY_BOY])
def test_others_may_not_open_the_report(client, held_and_fine, role):
    client.force_login(UserFactory(roles=[role]))

    assert client.get(reverse("billing:low_balance")).status_code == 404
