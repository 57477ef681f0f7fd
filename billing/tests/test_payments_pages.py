"""The payments page (record through record_payment, list with filters), a customer's
ledger page, and the billing links in the staff navigation."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.models import Bill, Payment
from billing.services import issue_bill, record_payment, run_billing
from billing.tests.factories import PaymentFactory, accounts_user, deliver_days
from customers.tests.factories import CustomerFactory, UserFactory
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird.idempotency import issue_form_key
from earlybird.roles import ACCOUNTS, ADMIN, CUSTOMER, DELIVERY_BOY, MARKETING, SUPPORT
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

JAN = dt.date(2026, 1, 1)
BILLING_LINKS = ("Billing runs", "Bills", "Monthly grid", "Payments", "Reconcile")


@pytest.fixture
def accounts():
    return accounts_user(first_name="Padma", last_name="Rao")


@pytest.fixture
def customer():
    return CustomerFactory(name="Sita Ramaiah", phone="9848022338")


def form_data(who, *, by=None, **overrides) -> dict:
    """The payments form for customer `who`, sent by `by` (with a key issued to him)."""
    data = {
        "once": issue_form_key(user=by, operation="billing:payments") if by else "",
        "customer": who.code,
        "amount": "450.50",
        "method": Payment.Method.UPI,
        "paid_on": "2026-01-20",
        "reference": "UPI0042",
        "received_by": "",
        "notes": "",
    }
    data.update(overrides)
    return data


# --- recording a payment ----------------------------------------------------------------------


class TestRecordPayment:
    def test_accounts_record_a_payment_and_see_it_listed(self, client, accounts, customer):
        client.force_login(accounts)

        response = client.post(
            reverse("billing:payments"),
            form_data(customer, by=accounts, received_by=accounts.pk),
            follow=True,
        )

        payment = Payment.objects.get(customer=customer)
        assert (payment.amount, payment.method, payment.reference) == (
            Decimal("450.50"),
            Payment.Method.UPI,
            "UPI0042",
        )
        assert payment.paid_on == dt.date(2026, 1, 20) and payment.received_by == accounts
        assert payment.code.startswith("PA-20260120-")
        assert response.redirect_chain[-1][0] == reverse("billing:payments")
        page = response.content.decode()
        assert f"{payment.code}: ₹450.50 from Sita Ramaiah (UPI) recorded." in page
        assert "₹450.50" in page and "Padma Rao" in page

    def test_a_customer_is_found_by_phone_and_cash_may_be_received_by_a_delivery_boy(
        self, client, accounts, customer
    ):
        boy = DeliveryBoyFactory()
        client.force_login(accounts)

        client.post(
            reverse("billing:payments"),
            form_data(
                customer,
                by=accounts,
                customer="+91 98480 22338",
                method=Payment.Method.CASH,
                reference="",
                received_by=boy.user.pk,
            ),
        )

        payment = Payment.objects.get(customer=customer)
        assert (payment.method, payment.received_by) == (Payment.Method.CASH, boy.user)

    @pytest.mark.parametrize(
        ("overrides", "error"),
        [
            ({"customer": "CU-NOBODY"}, "No customer with the code, phone or name “CU-NOBODY”."),
            ({"amount": "0"}, "Enter an amount from ₹0.01 to ₹10,00,000.00."),
            ({"method": "barter"}, "Select a valid choice."),
            ({"paid_on": "2999-01-01"}, "A payment cannot be dated in the future."),
        ],
    )
    def test_a_bad_payment_is_refused_with_the_reason(
        self, client, accounts, customer, overrides, error
    ):
        client.force_login(accounts)

        response = client.post(
            reverse("billing:payments"),
            form_data(customer, by=accounts, received_by=accounts.pk, **overrides),
        )

        assert response.status_code == 200
        assert error in response.content.decode()
        assert not Payment.objects.exists()

    def test_the_form_starts_with_today_the_user_and_a_customer_from_the_ledger(
        self, client, accounts, customer
    ):
        client.force_login(accounts)

        form = client.get(reverse("billing:payments"), {"customer": customer.code}).context["form"]

        assert form["customer"].value() == customer.code
        assert form["received_by"].value() == accounts.pk
        assert form["paid_on"].value() == timezone.localdate()

    @pytest.mark.parametrize("role", [SUPPORT, MARKETING, DELIVERY_BOY, CUSTOMER])
    def test_other_roles_can_neither_see_nor_record(self, client, customer, role):
        url = reverse("billing:payments")
        assert reverse("login") in client.post(url, form_data(customer)).url
        client.force_login(UserFactory(roles=[role]))

        assert client.get(url).status_code == 404
        assert client.post(url, form_data(customer)).status_code == 404
        assert not Payment.objects.exists()


# --- the list ------------------------------------------------------------------------------


class TestPaymentList:
    @pytest.fixture
    def payments(self, accounts, customer):
        other = CustomerFactory(name="Gopal Reddy")
        boy = DeliveryBoyFactory()
        return {
            "upi": record_payment(
                customer=customer,
                amount="100",
                method="upi",
                paid_on=dt.date(2026, 1, 5),
                received_by=accounts,
                reference="UTR778",
            ),
            "cash": record_payment(
                customer=other,
                amount="60",
                method="cash",
                paid_on=dt.date(2026, 1, 9),
                received_by=boy.user,
            ),
            "cheque": record_payment(
                customer=customer,
                amount="250",
                method="cheque",
                paid_on=dt.date(2026, 2, 2),
                received_by=accounts,
                reference="000123",
            ),
            "boy": boy,
        }

    def codes(self, client, **query) -> list[str]:
        response = client.get(reverse("billing:payments"), query)
        return [payment.code for payment in response.context["page"]]

    def test_newest_first_and_filtered(self, client, accounts, customer, payments):
        client.force_login(accounts)
        upi, cash, cheque = payments["upi"].code, payments["cash"].code, payments["cheque"].code

        assert self.codes(client) == [cheque, cash, upi]
        assert self.codes(client, method="cash") == [cash]
        assert self.codes(client, date_from="2026-01-06", date_to="2026-01-31") == [cash]
        assert self.codes(client, q=customer.code) == [cheque, upi]
        assert self.codes(client, q="gopal") == [cash]
        assert self.codes(client, q="98480 22338") == [cheque, upi]
        assert self.codes(client, q="UTR778") == [upi]
        assert self.codes(client, received_by=payments["boy"].user.pk) == [cash]
        response = client.get(reverse("billing:payments"), {"q": customer.code})
        assert response.context["total"] == Decimal("350.00")
        assert "₹350.00 in all" in response.content.decode()

    def test_the_list_takes_the_same_queries_for_3_and_60_payments(
        self, client, accounts, customer, payments, django_assert_max_num_queries
    ):
        client.force_login(accounts)
        url = reverse("billing:payments")
        with django_assert_max_num_queries(12) as few:
            client.get(url)
        for n in range(57):
            PaymentFactory(customer=customer, amount=Decimal(n + 1), paid_on=dt.date(2026, 1, 3))

        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get(url)

        assert response.context["page"].paginator.count == 60
        assert len(response.context["page"].object_list) == 50


# --- the ledger -----------------------------------------------------------------------------


class TestLedgerPage:
    def test_it_shows_opening_bills_and_payments_with_a_running_balance(self, client, accounts):
        customer = CustomerFactory(name="Mallesh", opening_balance=Decimal("40.00"))
        milk = ProductFactory(price="50.00")
        deliver_days(SubscriptionFactory(customer=customer, product=milk), JAN, JAN.replace(day=4))
        run_billing(period=JAN)
        bill = issue_bill(bill=Bill.objects.get(customer=customer))
        # The bill counts from the day it is issued (today), the payment after it.
        PaymentFactory(customer=customer, amount=Decimal("300.00"), paid_on=timezone.localdate())
        client.force_login(accounts)

        response = client.get(reverse("billing:ledger", args=[customer.pk]))

        ledger = response.context["ledger"]
        assert [entry.balance for entry in ledger.entries] == [
            Decimal("40.00"),
            Decimal("240.00"),
            Decimal("-60.00"),
        ]
        page = response.content.decode()
        assert f"Bill {bill.code} for January 2026" in page
        assert "In credit <strong>₹60.00</strong>" in page
        assert f"{reverse('billing:payments')}?customer={customer.code}" in page
        assert reverse("billing:bill_detail", args=[bill.pk]) in page

    def test_an_unknown_customer_is_a_404(self, client, accounts):
        client.force_login(accounts)
        assert client.get(reverse("billing:ledger", args=[999999])).status_code == 404

    @pytest.mark.parametrize("role", [SUPPORT, MARKETING, DELIVERY_BOY, CUSTOMER])
    def test_other_roles_get_a_404(self, client, customer, role):
        url = reverse("billing:ledger", args=[customer.pk])
        assert reverse("login") in client.get(url).url
        client.force_login(UserFactory(roles=[role]))
        assert client.get(url).status_code == 404


# --- the navigation -------------------------------------------------------------------------


@pytest.mark.parametrize("role", [ACCOUNTS, ADMIN])
def test_accounts_and_admins_have_the_billing_links(client, role):
    client.force_login(UserFactory(roles=[role]))

    page = client.get(reverse("dashboard")).content.decode()

    for label, name in zip(
        BILLING_LINKS, ("runs", "bills", "grid", "payments", "reconcile"), strict=True
    ):
        assert f'<a href="{reverse(f"billing:{name}")}">{label}</a>' in page


def test_other_staff_do_not_see_the_billing_links(client):
    client.force_login(UserFactory(roles=[SUPPORT]))

    page = client.get(reverse("dashboard")).content.decode()

    assert "Customers</a>" in page
    assert reverse("billing:grid") not in page and reverse("billing:payments") not in page
