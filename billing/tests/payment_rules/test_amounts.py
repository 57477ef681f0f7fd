"""Amounts are bounded (lower for cash a delivery boy takes), so no payment can make
issuing a month's bills fail for everyone."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from billing.models import Bill, Payment
from billing.selectors import balance_for
from billing.services import add_adjustment, correct_payment, issue_bills, run_billing
from billing.tests.payment_rules import OCT, PAID_ON, SEP, pay, refusal
from customers.tests.factories import CustomerFactory, UserFactory
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird import bounds
from earlybird.idempotency import issue_form_key
from earlybird.roles import ADMIN, SUPPORT

pytestmark = pytest.mark.django_db


class TestAmounts:
    def test_accounts_may_record_up_to_the_payment_limit(self, customer, accounts):
        cap = bounds.max_amount()
        assert cap == Decimal("1000000")

        with pytest.raises(ValidationError) as excinfo:
            pay(customer, cap + Decimal("0.01"), by=accounts)
        pay(customer, cap, by=accounts)

        assert refusal(excinfo, "amount") == "Enter an amount from ₹0.01 to ₹10,00,000.00."
        assert Payment.objects.get().amount == cap

    @pytest.mark.parametrize("amount", ["9999999999.99", "1e20", "NaN", "-1", "0", "0.001"])
    def test_absurd_amounts_are_refused_on_the_amount(self, customer, accounts, amount):
        with pytest.raises(ValidationError) as excinfo:
            pay(customer, amount, by=accounts)

        assert "amount" in excinfo.value.message_dict
        assert not Payment.objects.exists()

    @override_settings(CASH_COLLECTION_MAX_AMOUNT=Decimal("20000"))
    def test_a_delivery_boy_records_cash_he_received_up_to_his_own_limit(self, customer):
        boy = DeliveryBoyFactory().user
        cash = {"method": "cash", "received_by": boy, "by": boy}

        with pytest.raises(ValidationError) as excinfo:
            pay(customer, "20000.01", **cash)
        pay(customer, "20000", **cash)

        assert refusal(excinfo, "amount") == "Enter an amount from ₹0.01 to ₹20,000.00."
        assert Payment.objects.get().amount == Decimal("20000.00")

    def test_a_delivery_boy_records_only_cash_and_only_his_own(self, customer):
        boy = DeliveryBoyFactory().user

        with pytest.raises(ValidationError, match="cash only"):
            pay(customer, "100", method="upi", received_by=boy, by=boy)
        with pytest.raises(ValidationError, match="cash he received"):
            pay(customer, "100", method="cash", received_by=DeliveryBoyFactory().user, by=boy)
        assert not Payment.objects.exists()

    def test_staff_without_accounts_may_not_record(self, customer):
        with pytest.raises(PermissionDenied):
            pay(customer, "100", by=UserFactory(roles=[SUPPORT]))

    def test_a_correction_obeys_the_limit(self, customer, accounts):
        payment = pay(customer, "100")

        with pytest.raises(ValidationError) as excinfo:
            correct_payment(
                payment=payment, amount="1000000.01", method="upi", paid_on=PAID_ON, by=accounts
            )

        assert "amount" in excinfo.value.message_dict
        payment.refresh_from_db()
        assert payment.amount == Decimal("100.00")

    def test_the_payments_page_shows_the_limit_on_the_amount(self, client, accounts, customer):
        client.force_login(accounts)

        response = client.post(
            reverse("billing:payments"),
            {
                "once": issue_form_key(user=accounts, operation="billing:payments"),
                "customer": customer.code,
                "amount": "9999999999.99",
                "method": "cash",
                "paid_on": "2026-11-10",
                "received_by": accounts.pk,
            },
        )

        assert response.context["form"].errors["amount"] == [
            "Enter an amount from ₹0.01 to ₹10,00,000.00."
        ]
        assert not Payment.objects.exists()

    def test_the_api_shows_the_limit_on_the_amount(self, accounts, customer):
        client = APIClient()
        client.force_login(accounts)

        response = client.post(
            reverse("api:payments"),
            {"customer": customer.pk, "amount": "1000000.01", "method": "cash"},
            format="json",
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )

        assert response.status_code == 400
        assert response.json() == {"amount": ["Enter an amount from ₹0.01 to ₹10,00,000.00."]}
        assert not Payment.objects.exists()

    def test_the_admin_shows_the_limit_on_the_amount(self, client, customer):
        client.force_login(UserFactory(roles=[ADMIN], is_staff=True))

        response = client.post(
            reverse("admin:billing_payment_add"),
            {
                "customer": customer.pk,
                "amount": "1000000.01",
                "method": "cash",
                "paid_on": "2026-11-10",
                "reference": "",
                "received_by": "",
                "notes": "",
            },
        )

        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert errors["amount"] == ["Enter an amount from ₹0.01 to ₹10,00,000.00."]
        assert not Payment.objects.exists()

    def test_an_adjustment_is_bounded_too(self, customer, accounts):
        for amount in ("1000000.01", "-1000000.01", "9999999999"):
            with pytest.raises(ValidationError) as excinfo:
                add_adjustment(
                    customer=customer, amount=amount, reason="Typo", day=OCT, by=accounts
                )
            assert "from -₹10,00,000.00 to ₹10,00,000.00" in refusal(excinfo, "amount")
        add_adjustment(customer=customer, amount="-1000000", reason="Refund", day=OCT, by=accounts)

    def test_all_of_a_customers_payments_together_are_bounded(self, customer, monkeypatch):
        monkeypatch.setattr(bounds, "MAX_PAYMENTS_OF_ONE_CUSTOMER", Decimal("1000"))
        pay(customer, "600")

        with pytest.raises(ValidationError) as excinfo:
            pay(customer, "400.01")
        pay(customer, "400")
        pay(CustomerFactory(), "1000")

        assert "would add up to more than ₹1,000.00" in refusal(excinfo, "amount")
        assert Payment.objects.filter(customer=customer).count() == 2


@override_settings(
    PAYMENT_MAX_AMOUNT=Decimal("100000000"), CASH_COLLECTION_MAX_AMOUNT=Decimal("20000")
)
def test_the_most_anyone_may_pay_leaves_issuing_a_month_working_for_everyone(accounts):
    """The failure this guards against: a ₹9,99,99,99,999.99 payment or two made a bill's
    previous balance overflow its column, and issuing the month failed for everyone."""
    big_payer = CustomerFactory(opening_balance=Decimal("-1000000"))
    cash_payer, ordinary = CustomerFactory(), CustomerFactory()
    boy = DeliveryBoyFactory().user
    for n in range(10):  # all a customer's payments may add up to: ₹1,00,00,00,000
        pay(
            big_payer,
            "100000000",
            method="bank",
            reference=f"NEFT{n}",
            by=accounts,
            paid_on=dt.date(2026, 9, n + 1),
        )
    with pytest.raises(ValidationError):
        pay(big_payer, "0.01", by=accounts, paid_on=dt.date(2026, 9, 20))
    with pytest.raises(ValidationError):
        pay(cash_payer, "20000.01", method="cash", received_by=boy, by=boy, paid_on=SEP)
    for day in range(1, 4):
        pay(
            cash_payer,
            "20000",
            method="cash",
            received_by=boy,
            by=boy,
            paid_on=dt.date(2026, 9, day),
        )
    for someone in (big_payer, cash_payer, ordinary):
        add_adjustment(customer=someone, amount="300", reason="October milk", day=OCT)
    run_billing(period=OCT)

    assert issue_bills(period=OCT, by=accounts) == 3

    previous = dict(Bill.objects.values_list("customer_id", "previous_balance"))
    assert previous == {
        big_payer.pk: Decimal("-1001000000.00"),
        cash_payer.pk: Decimal("-60000.00"),
        ordinary.pk: Decimal("0.00"),
    }
    assert balance_for(big_payer) == Decimal("-1000999700.00")
