"""Bad input on the wallet's own forms never makes a server error — the forms a prepaid
customer brings out, which web/tests/test_bad_input.py (its customer is postpaid) does not
reach: the boy's cash form with "into the wallet", the customer's recharge amount, and
the staff wallet section of a held customer. Same strategies, same settings."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from billing.services.wallet import recharge_wallet, set_billing_mode
from billing.tests.factories import accounts_user
from customers.tests.factories import CustomerFactory
from deliveries.services import assign_to_route, generate_deliveries
from deliveries.tests.factories import DeliveryBoyFactory
from orders.tests.factories import ProductFactory, SubscriptionFactory
from web.tests.test_bad_input import SETTINGS, VALUES, Forms, post_arbitrary_input

pytestmark = pytest.mark.django_db


@pytest.fixture
def held():
    """A prepaid customer on a route, short of tomorrow's milk: tomorrow is held."""
    today = timezone.localdate()
    boy = DeliveryBoyFactory()
    customer = CustomerFactory(name="Ravi Teja")
    assign_to_route(customer=customer, delivery_boy=boy)
    SubscriptionFactory(customer=customer, product=ProductFactory(price="60.00"), start_date=today)
    set_billing_mode(customer=customer, mode="prepaid", effective_from=today)
    accounts = accounts_user()
    recharge_wallet(
        customer=customer,
        amount=Decimal("30"),
        method="cash",
        paid_on=today,
        by=accounts,
        received_by=accounts,
    )
    generate_deliveries(day=today + dt.timedelta(days=1))
    return customer, boy, accounts


def forms_on(client, path: str) -> dict[str, set[str]]:
    parser = Forms()
    response = client.get(path)
    assert response.status_code == 200
    parser.feed(response.content.decode())
    return {action or path: fields for action, fields in parser.forms if fields}


def test_the_boys_cash_form_for_a_prepaid_customer(client, held):
    customer, boy, _ = held
    client.force_login(boy.user)
    client.raise_request_exception = False
    forms = forms_on(client, reverse("boy:cash", args=[customer.pk]))
    assert any("into" in fields for fields in forms.values())

    for action, fields in sorted(forms.items()):
        post_arbitrary_input(client, action, fields)


def test_the_staff_wallet_forms_of_a_held_customer(client, held):
    customer, _, accounts = held
    client.force_login(accounts)
    client.raise_request_exception = False
    forms = forms_on(client, reverse("customers:detail", args=[customer.pk]))
    wallet_forms = {a: f for a, f in forms.items() if "/wallet/" in a or "/billing-mode/" in a}
    assert len(wallet_forms) == 3

    for action, fields in sorted(wallet_forms.items()):
        post_arbitrary_input(client, action, fields)


def test_the_customers_recharge_amount_and_pages(client, held):
    customer, _, _ = held
    client.force_login(customer.user)
    client.raise_request_exception = False

    @SETTINGS
    @given(value=VALUES, key=st.sampled_from(["amount", "page"]))
    def open_wallet(value, key):
        response = client.get(reverse("me:wallet"), {key: value})
        assert response.status_code < 500, (key, value)

    open_wallet()
