"""API reads of the wallet: GET /api/v1/me/wallet/ (the customer's own) and, for staff,
GET /api/v1/customers/<id>/wallet/ (one they may see; another's is not found) — the
summary with days left and the low-balance pause, and the entries a page at a time."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from billing.services.wallet import adjust_wallet, recharge_wallet, set_billing_mode
from billing.tests.factories import accounts_user, deliver
from customers.tests.factories import CustomerFactory, UserFactory
from deliveries.services import generate_deliveries
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird import roles
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

ME = "api:me-wallet"


def today() -> dt.date:
    return timezone.localdate()


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def accounts():
    return accounts_user()


@pytest.fixture
def held(accounts):
    """Prepaid three days ago with ₹200; two ₹80 days delivered: ₹40 left, tomorrow held."""
    customer = CustomerFactory(name="Lakshmi Devi")
    order = SubscriptionFactory(
        customer=customer,
        product=ProductFactory(name="Cow milk", price="80.00"),
        start_date=today() - dt.timedelta(days=5),
    )
    since = today() - dt.timedelta(days=3)
    set_billing_mode(customer=customer, mode="prepaid", effective_from=since)
    recharge_wallet(
        customer=customer,
        amount=Decimal("200"),
        method="upi",
        paid_on=since,
        reference="UPI-1",
        by=accounts,
        received_by=accounts,
    )
    deliver(order, today() - dt.timedelta(days=2))
    deliver(order, today() - dt.timedelta(days=1))
    generate_deliveries(day=today() + dt.timedelta(days=1))
    return customer


def test_a_customer_reads_the_wallet_with_days_left_and_the_pause(held):
    response = client_for(held.user).get(reverse(ME))

    body = response.json()
    assert response.status_code == 200
    assert {k: body[k] for k in ("mode", "balance", "usual_daily_amount", "days_left")} == {
        "mode": "prepaid",
        "balance": "40.00",
        "usual_daily_amount": "80.00",
        "days_left": 0,
    }
    assert body["mode_since"] == f"{today() - dt.timedelta(days=3)}"
    assert body["low_balance"] is True
    [paused] = body["paused"]
    assert paused["date"] == f"{today() + dt.timedelta(days=1)}"
    assert (paused["reason"], paused["label"], paused["amount"]) == (
        "low_balance",
        "Paused: low balance",
        "80.00",
    )
    assert body["shortfall"] == "40.00"
    assert body["count"] == 3
    assert [(e["kind"], e["amount"], e["balance_after"]) for e in body["results"]] == [
        ("debit", "-80.00", "40.00"),
        ("debit", "-80.00", "120.00"),
        ("recharge", "200.00", "200.00"),
    ]
    assert body["results"][0]["product"] == "Cow milk"
    assert body["results"][2]["payment"].startswith("PA-")


def test_entries_come_a_page_at_a_time(accounts):
    customer = CustomerFactory()
    for n in range(1, 23):
        adjust_wallet(customer=customer, amount=Decimal(n), note=f"Correction {n}", by=accounts)
    client = client_for(customer.user)

    first = client.get(reverse(ME)).json()
    last = client.get(reverse(ME), {"page": 2}).json()

    assert (first["count"], first["balance"]) == (22, "253.00")
    assert [e["note"] for e in first["results"]][:2] == ["Correction 22", "Correction 21"]
    assert len(first["results"]) == 20
    assert first["next"] and first["previous"] is None
    assert [e["note"] for e in last["results"]] == ["Correction 2", "Correction 1"]
    assert last["balance"] == "253.00", "the summary comes with every page"


def test_a_postpaid_customer_reads_an_empty_wallet():
    customer = CustomerFactory()

    body = client_for(customer.user).get(reverse(ME)).json()

    assert (body["mode"], body["balance"], body["count"], body["paused"]) == (
        "postpaid",
        "0.00",
        0,
        [],
    )


def test_a_customer_reads_only_his_own_wallet(held, accounts):
    other = CustomerFactory()
    adjust_wallet(customer=other, amount=Decimal("999"), note="Other's", by=accounts)
    client = client_for(other.user)

    mine = client.get(reverse(ME)).json()
    theirs = client.get(reverse("api:customer-wallet", args=[held.pk]))

    assert mine["customer"] == other.pk and mine["balance"] == "999.00"
    assert theirs.status_code == 403


@pytest.mark.parametrize("role", [roles.ACCOUNTS, roles.SUPPORT, roles.ADMIN])
def test_staff_read_a_customers_wallet(held, role):
    response = client_for(UserFactory(roles=[role])).get(
        reverse("api:customer-wallet", args=[held.pk])
    )

    assert response.status_code == 200
    assert (response.json()["customer"], response.json()["balance"]) == (held.pk, "40.00")


def test_a_marketer_reads_only_his_own_customers_wallet(held):
    marketer = UserFactory(roles=[roles.MARKETING])
    own = CustomerFactory(marketing_staff=marketer)
    client = client_for(marketer)

    assert client.get(reverse("api:customer-wallet", args=[own.pk])).status_code == 200
    assert client.get(reverse("api:customer-wallet", args=[held.pk])).status_code == 404
    assert client.get(reverse("api:customer-wallet", args=[987654])).status_code == 404


def test_delivery_boys_and_strangers_may_not_read_it(held):
    boy = DeliveryBoyFactory()

    assert client_for(boy.user).get(reverse(ME)).status_code == 403
    assert APIClient().get(reverse(ME)).status_code == 401
    assert APIClient().get(reverse("api:customer-wallet", args=[held.pk])).status_code == 401


def test_the_wallet_is_read_only(held):
    client = client_for(held.user)

    assert client.post(reverse(ME), {}).status_code in (403, 405)
    staff = client_for(UserFactory(roles=[roles.ACCOUNTS]))
    assert staff.post(reverse("api:customer-wallet", args=[held.pk]), {}).status_code in (403, 405)
