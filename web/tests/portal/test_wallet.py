"""The prepaid wallet at /me/: the home page's card and /me/wallet/ — balance, days left at
the usual quantities, the low-balance pause said plainly, the entries a page at a time,
and the Recharge button (a payment link with online payments set up, the UPI link and QR
code without). A customer without a wallet sees none of it."""

from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from billing.models import Payment, PaymentLink, WalletEntry
from billing.services.wallet import adjust_wallet, recharge_wallet, set_billing_mode
from billing.tests.factories import accounts_user, deliver
from billing.tests.gateway.fake_razorpay import FakeRazorpay, use_razorpay
from customers.tests.factories import CustomerFactory
from deliveries.models import Hold
from deliveries.services import generate_deliveries
from web.tests.portal import TOMORROW, d, page_of

pytestmark = pytest.mark.django_db

PAUSED = "Paused: low balance"


@pytest.fixture
def accounts():
    return accounts_user()


@pytest.fixture
def paused(owner, subscription, accounts):
    """Asha, prepaid since the 8th with ₹150, had her litre of milk (₹60) on the 8th and
    the 9th: ₹30 is left, short of tomorrow's ₹60, so tomorrow is held."""
    set_billing_mode(customer=owner, mode="prepaid", effective_from=d(8))
    recharge_wallet(
        customer=owner,
        amount=Decimal("150"),
        method="cash",
        paid_on=d(8),
        by=accounts,
        received_by=accounts,
    )
    deliver(subscription, d(8))
    deliver(subscription, d(9))  # 150 − 2 × 60 = 30 left; a day costs 60
    generate_deliveries(day=TOMORROW)
    assert Hold.objects.filter(customer=owner, date=TOMORROW).exists()
    return owner


def test_a_paused_customer_sees_the_balance_the_days_left_and_why(client, paused):
    home = page_of(client.get(reverse("me:home")))
    assert 'id="wallet"' in home
    assert "₹30.00" in home
    assert f"Wed 11 Mar: {PAUSED}." in home

    response = client.get(reverse("me:wallet"))

    page = page_of(response)
    assert response.status_code == 200
    assert "Prepaid since 8 Mar 2026" in page
    assert "About <strong>0 days</strong> of milk at your usual ₹60.00 a day" in page
    assert f"<strong>Wed 11 Mar: {PAUSED}.</strong>" in page
    assert "Recharge at least ₹30.00" in page
    # Offline: the button only draws the UPI link, so it is a GET form.
    assert f'<form method="get" action="{reverse("me:wallet")}#recharge">' in page
    assert response.context["form"]["amount"].value() == Decimal(1800)  # a month, less ₹30


def test_the_entries_show_the_balance_after_each_newest_first(client, paused):
    page = page_of(client.get(reverse("me:wallet")))

    rows = page.split("<h2>Entries</h2>")[1]
    assert rows.index("₹30.00") < rows.index("₹90.00") < rows.index("₹150.00")
    assert "Delivery: Cow milk" in rows
    assert "Recharge" in rows


def test_entries_come_a_page_at_a_time(client, owner, accounts):
    set_billing_mode(customer=owner, mode="prepaid", effective_from=d(1))
    for n in range(1, 23):
        adjust_wallet(customer=owner, amount=Decimal(n), note=f"Correction {n}", by=accounts)

    first = client.get(reverse("me:wallet"))
    second = client.get(reverse("me:wallet"), {"page": "2"})

    assert [e.note for e in first.context["entries"]][:2] == ["Correction 22", "Correction 21"]
    assert [e.note for e in second.context["entries"]] == ["Correction 2", "Correction 1"]
    assert "Older →" in page_of(first) and "← Newer" in page_of(second)


def test_without_online_payments_the_button_draws_the_upi_link_and_writes_nothing(
    client, paused, settings
):
    settings.BUSINESS_UPI_ID = "dairy@upi"
    entries, payments = WalletEntry.objects.count(), Payment.objects.count()

    response = client.get(reverse("me:wallet"), {"amount": "500"})

    upi = response.context["upi"]
    query = parse_qs(urlparse(upi["link"]).query)
    assert (query["am"], query["tn"], query["pa"]) == (
        ["500.00"],
        [f"Wallet {paused.code}"],
        ["dairy@upi"],
    )
    page = page_of(response)
    assert "<svg" in page and "Scan to put ₹500.00 in your wallet by UPI" in page
    assert (WalletEntry.objects.count(), Payment.objects.count()) == (entries, payments)


@pytest.mark.parametrize("amount", ["abc", "0", "-5", "99999999999"])
def test_a_bad_amount_is_a_form_error(client, paused, settings, amount):
    settings.BUSINESS_UPI_ID = "dairy@upi"

    response = client.get(reverse("me:wallet"), {"amount": amount})

    assert response.status_code == 200
    assert response.context["upi"] is None
    assert response.context["form"].errors["amount"]


def test_without_a_upi_id_the_customer_is_told_how_to_pay(client, paused, settings):
    settings.BUSINESS_UPI_ID = ""

    response = client.get(reverse("me:wallet"), {"amount": "500"})

    assert response.context["upi"] is None
    assert "UPI payments are not set up" in page_of(response)


def test_with_online_payments_recharge_goes_to_the_payment_link(client, paused, settings):
    with FakeRazorpay() as server:
        use_razorpay(settings, server)
        page = page_of(client.get(reverse("me:wallet")))
        assert f'action="{reverse("me:recharge_online")}"' in page

        response = client.post(reverse("me:recharge_online"), {"amount": "800"})

    link = PaymentLink.objects.get(customer=paused)
    assert (link.purpose, link.amount) == ("wallet", Decimal("800.00"))
    assert response.status_code == 302 and response["Location"] == link.short_url


def test_a_postpaid_customer_has_no_wallet(client, owner, subscription):
    assert 'id="wallet"' not in page_of(client.get(reverse("me:home")))
    response = client.get(reverse("me:wallet"))
    assert response.status_code == 200 and response.context["wallet"] is None
    assert "you have no wallet" in page_of(response)
    assert "Recharge" not in page_of(response)


def test_a_customer_sees_only_their_own_wallet(client, paused, accounts):
    other = CustomerFactory(name="Ravi Teja")
    set_billing_mode(customer=other, mode="prepaid", effective_from=d(1))
    adjust_wallet(customer=other, amount=Decimal("777"), note="Ravi's own", by=accounts)

    page = page_of(client.get(reverse("me:wallet")))

    assert "Ravi" not in page and "₹777.00" not in page
    client.force_login(other.user)
    assert "₹777.00" in page_of(client.get(reverse("me:wallet")))
