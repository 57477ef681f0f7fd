"""The wallet section of the staff customer page: the mode and a form to switch it, the
balance and entries, a recharge (through the payment service, sent once), the credit limit
and low-balance days; the wallet column of the customer list. Accounts staff and admins
write; other staff only read; bad input is a form error, never a 500."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.models import BillingMode, Payment, Wallet, WalletEntry
from billing.services.wallet import recharge_wallet, set_billing_mode
from billing.tests.factories import deliver
from customers.tests.factories import CustomerFactory
from deliveries.models import Hold
from deliveries.services import generate_deliveries
from earlybird import roles
from earlybird.idempotency import issue_form_key
from orders.tests.factories import ProductFactory, SubscriptionFactory
from web.tests.customer_pages import login, staff, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts(client):
    return login(client, staff(roles.ACCOUNTS, username="venu"))


@pytest.fixture
def prepaid(accounts):
    """Asha: prepaid since two days ago, ₹100 recharged, one ₹60 litre delivered."""
    customer = CustomerFactory(name="Asha Rao")
    milk = ProductFactory(name="Cow milk", price="60.00")
    order = SubscriptionFactory(
        customer=customer, product=milk, start_date=today() - dt.timedelta(days=5)
    )
    set_billing_mode(customer=customer, mode="prepaid", effective_from=today() - dt.timedelta(2))
    recharge_wallet(
        customer=customer,
        amount=Decimal("100"),
        method="cash",
        paid_on=today() - dt.timedelta(days=2),
        by=accounts,
        received_by=accounts,
    )
    deliver(order, today() - dt.timedelta(days=1))
    return customer


def page(client, customer) -> str:
    response = client.get(reverse("customers:detail", args=[customer.pk]))
    assert response.status_code == 200
    return response.content.decode()


def said(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


def recharge_data(user, **fields) -> dict:
    return {
        "recharge-once": issue_form_key(user=user, operation="customers:wallet_recharge"),
        "recharge-amount": "500",
        "recharge-method": "upi",
        "recharge-paid_on": f"{today()}",
        "recharge-reference": "UPI-4455",
        "recharge-notes": "",
        **fields,
    }


def test_the_page_shows_the_mode_the_balance_and_the_entries(client, prepaid):
    text = page(client, prepaid)

    since = today() - dt.timedelta(days=2)
    assert f'Prepaid <span class="muted">(wallet) since {since:%-d %b %Y}' in text
    assert '<strong class="wallet-balance">₹40.00</strong>' in text
    assert "usual ₹60.00 a day, about 0 days left" in text
    section = text.split('id="wallet"')[1]
    assert section.index("Delivery: DL-") < section.index("Recharge")
    assert reverse("customers:wallet_recharge", args=[prepaid.pk]) in text


def test_a_held_customer_shows_the_pause_and_what_resumes_it(client, prepaid):
    tomorrow = today() + dt.timedelta(days=1)
    generate_deliveries(day=tomorrow)
    assert Hold.objects.filter(customer=prepaid, date=tomorrow).exists()

    text = page(client, prepaid)

    assert f"{tomorrow:%a} {tomorrow.day} {tomorrow:%b}: Paused: low balance" in text
    assert "a recharge of at least ₹20.00 resumes them" in text


def test_accounts_record_a_recharge_once(client, accounts, prepaid):
    data = recharge_data(accounts)
    url = reverse("customers:wallet_recharge", args=[prepaid.pk])

    first = client.post(url, data, follow=True)
    again = client.post(url, data, follow=True)

    payment = Payment.objects.get(customer=prepaid, reference="UPI-4455")
    assert (payment.purpose, payment.amount, payment.method) == ("wallet", Decimal("500.00"), "upi")
    assert payment.received_by == accounts
    assert WalletEntry.objects.get(payment=payment).amount == Decimal("500.00")
    assert f"{payment.code}: ₹500.00 into Asha Rao's wallet (UPI) recorded." in said(first)
    assert "Already recorded" in said(again)
    assert first.redirect_chain[-1][0].endswith(f"/staff/customers/{prepaid.pk}/#wallet")
    assert Payment.objects.filter(customer=prepaid, purpose="wallet").count() == 2


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("recharge-amount", "-5", "amount"),
        ("recharge-amount", "abc", "amount"),
        ("recharge-amount", "99999999999", "amount"),
        ("recharge-method", "card", "method"),
        ("recharge-paid_on", "2999-01-01", "paid_on"),
    ],
)
def test_a_bad_recharge_is_a_form_error(client, accounts, prepaid, field, value, error):
    payments = Payment.objects.count()

    response = client.post(
        reverse("customers:wallet_recharge", args=[prepaid.pk]),
        recharge_data(accounts, **{field: value}),
    )

    assert response.status_code == 200
    assert response.context["recharge_form"].errors[error]
    assert Payment.objects.count() == payments


def test_a_reference_used_before_is_refused_on_the_form(client, accounts, prepaid):
    url = reverse("customers:wallet_recharge", args=[prepaid.pk])
    client.post(url, recharge_data(accounts))

    response = client.post(url, recharge_data(accounts, **{"recharge-amount": "200"}))

    assert response.status_code == 200
    assert response.context["recharge_form"].errors
    assert not Payment.objects.filter(amount=Decimal("200")).exists()


def test_accounts_switch_a_customer_to_prepaid_from_a_day(client, accounts):
    customer = CustomerFactory()
    later = today() + dt.timedelta(days=3)

    response = client.post(
        reverse("customers:billing_mode", args=[customer.pk]),
        {"mode-mode": "prepaid", "mode-effective_from": f"{later}"},
        follow=True,
    )

    assert list(
        BillingMode.objects.filter(customer=customer).values_list("mode", "effective_from")
    ) == [("prepaid", later)]
    assert f"prepaid (wallet) from {later:%d %b %Y}" in response.content.decode()
    assert f"From {later:%-d %b %Y}: prepaid (wallet)." in page(client, customer)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"mode-mode": "prepaid", "mode-effective_from": "2020-01-01"}, "effective_from"),
        ({"mode-mode": "weekly", "mode-effective_from": "2026-12-01"}, "mode"),
        ({"mode-mode": "prepaid", "mode-effective_from": "2026-02-30"}, "effective_from"),
    ],
)
def test_a_bad_mode_change_is_a_form_error(client, accounts, data, error):
    customer = CustomerFactory()

    response = client.post(reverse("customers:billing_mode", args=[customer.pk]), data)

    assert response.status_code == 200
    assert response.context["mode_form"].errors[error]
    assert not BillingMode.objects.filter(customer=customer).exists()


def test_accounts_set_the_credit_limit_and_low_balance_days(client, accounts, prepaid):
    url = reverse("customers:wallet_settings", args=[prepaid.pk])

    client.post(url, {"wallet-credit_limit": "250", "wallet-low_balance_days": "5"})
    bad = client.post(url, {"wallet-credit_limit": "-1", "wallet-low_balance_days": "99"})

    wallet = Wallet.objects.get(customer=prepaid)
    assert (wallet.credit_limit, wallet.low_balance_days) == (Decimal("250.00"), 5)
    assert set(bad.context["settings_form"].errors) == {"credit_limit", "low_balance_days"}
    assert "credit limit ₹250.00" in page(client, prepaid)


@pytest.mark.parametrize("role", [roles.SUPPORT, roles.MARKETING])
def test_other_staff_read_the_wallet_but_cannot_write_it(client, prepaid, role):
    user = login(client, staff(role))
    prepaid.marketing_staff = user
    prepaid.save()

    text = page(client, prepaid)
    response = client.post(
        reverse("customers:wallet_recharge", args=[prepaid.pk]), recharge_data(user)
    )

    assert "₹40.00" in text
    assert reverse("customers:wallet_recharge", args=[prepaid.pk]) not in text
    assert response.status_code == 404
    assert not Payment.objects.filter(reference="UPI-4455").exists()


def test_the_list_shows_the_wallet_of_prepaid_customers(client, prepaid):
    CustomerFactory(name="Bala Postpaid")

    response = client.get(reverse("customers:list"))

    rows = {c.name: (c.billing_mode, c.wallet_balance) for c in response.context["page"]}
    assert rows["Asha Rao"] == ("prepaid", Decimal("40.00"))
    assert rows["Bala Postpaid"] == ("postpaid", Decimal("0"))
    assert '<td class="num">₹40.00</td>' in response.content.decode()
