"""A reference is one payment per customer and method."""

import datetime as dt
import importlib
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse
from rest_framework.test import APIClient

from billing.models import Payment
from billing.services import correct_payment
from billing.tests.payment_rules import PAID_ON, pay, refusal
from customers.tests.factories import CustomerFactory, UserFactory
from earlybird.idempotency import issue_form_key
from earlybird.roles import ADMIN

pytestmark = pytest.mark.django_db


class TestReferences:
    def test_a_reference_used_for_the_customer_and_method_is_refused_naming_the_first(
        self, customer
    ):
        first = pay(customer, "450", reference="UTR778")

        with pytest.raises(ValidationError) as excinfo:
            pay(customer, "450", reference=" utr778 ", paid_on=dt.date(2026, 11, 9))

        assert refusal(excinfo, "reference") == (
            f"UPI reference “utr778” is already recorded for this customer: {first.code} "
            "of 2 Nov 2026 (₹450.00)."
        )
        assert Payment.objects.get() == first

    def test_another_customer_or_method_or_a_blank_reference_is_another_payment(self, customer):
        pay(customer, reference="000123")
        pay(customer, method="cheque", reference="000123")
        pay(CustomerFactory(), reference="000123")
        pay(customer, method="cash")
        pay(customer, method="cash")

        assert Payment.objects.count() == 5

    def test_a_correction_to_a_used_reference_is_refused(self, customer, accounts):
        pay(customer, reference="UTR1")
        second = pay(customer, reference="UTR2")

        with pytest.raises(ValidationError) as excinfo:
            correct_payment(
                payment=second,
                amount="450",
                method="upi",
                paid_on=PAID_ON,
                reference="UTR1",
                by=accounts,
            )
        kept = correct_payment(
            payment=second,
            amount="460",
            method="upi",
            paid_on=PAID_ON,
            reference="UTR2",
            by=accounts,
        )

        assert "already recorded" in refusal(excinfo, "reference")
        assert (kept.reference, kept.amount) == ("UTR2", Decimal("460.00"))

    def test_the_payments_page_shows_the_refusal_on_the_reference(self, client, accounts, customer):
        first = pay(customer, reference="UTR778")
        client.force_login(accounts)

        response = client.post(
            reverse("billing:payments"),
            {
                "once": issue_form_key(user=accounts, operation="billing:payments"),
                "customer": customer.code,
                "amount": "450",
                "method": "upi",
                "paid_on": "2026-11-10",
                "reference": "UTR778",
                "received_by": accounts.pk,
            },
        )

        assert response.status_code == 200
        assert first.code in str(response.context["form"].errors["reference"])
        assert Payment.objects.count() == 1

    def test_the_admin_refuses_it_too(self, client, customer):
        pay(customer, reference="UTR778")
        client.force_login(UserFactory(roles=[ADMIN], is_staff=True))

        response = client.post(
            reverse("admin:billing_payment_add"),
            {
                "customer": customer.pk,
                "amount": "450",
                "method": "upi",
                "paid_on": "2026-11-10",
                "reference": "utr778",
                "received_by": "",
                "notes": "",
            },
        )

        assert response.status_code == 200
        errors = str(response.context["adminform"].form.errors)
        assert "already recorded for this customer" in errors
        assert Payment.objects.count() == 1

    def test_the_api_answers_400_on_the_reference(self, accounts, customer):
        pay(customer, reference="UTR778")
        client = APIClient()
        client.force_login(accounts)

        response = client.post(
            reverse("api:payments"),
            {"customer": customer.pk, "amount": "450", "method": "upi", "reference": "UTR778"},
            format="json",
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )

        assert response.status_code == 400
        assert "already recorded" in response.json()["reference"][0]
        assert Payment.objects.count() == 1


def test_repeated_references_already_stored_are_moved_to_the_notes_before_the_index():
    """Migration 0005: the data the unique index of 0006 would refuse."""
    migration = importlib.import_module("billing.migrations.0005_payment_repeated_references")
    index = next(c for c in Payment._meta.constraints if c.name == "billing_payment_reference_once")
    customer, other = CustomerFactory(), CustomerFactory()
    with connection.schema_editor() as editor:  # as before 0006 (inside the test's transaction)
        editor.remove_constraint(Payment, index)

    def stored(code, who, day, reference, method="upi"):
        return Payment.objects.create(
            code=code,
            customer=who,
            amount=Decimal(100),
            method=method,
            paid_on=day,
            reference=reference,
        )

    repeat = stored("PA-T-3", customer, dt.date(2026, 1, 9), "utr5")
    first = stored("PA-T-2", customer, dt.date(2026, 1, 5), "UTR5")
    again = stored("PA-T-4", customer, dt.date(2026, 1, 9), "UTR5")
    untouched = [
        stored("PA-T-5", customer, dt.date(2026, 1, 5), "UTR5", method="bank"),
        stored("PA-T-6", other, dt.date(2026, 1, 5), "UTR5"),
        stored("PA-T-7", customer, dt.date(2026, 1, 5), ""),
        stored("PA-T-8", customer, dt.date(2026, 1, 5), ""),
    ]

    state = MigrationLoader(connection).project_state(
        ("billing", "0005_payment_repeated_references")
    )
    moved = migration.move_repeated_references(state.apps, None)

    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks before the index
    with connection.schema_editor() as editor:  # the index of 0006 now fits the data
        editor.add_constraint(Payment, index)
    assert moved == 2
    for payment in (repeat, again):
        payment.refresh_from_db()
        assert payment.reference == "" and payment.amount == Decimal(100)
        assert "recorded first on PA-T-2 (05 Jan 2026)" in payment.notes
        assert payment.history.latest().history_change_reason == migration.REASON
    first.refresh_from_db()
    assert first.reference == "UTR5"
    kept = Payment.objects.filter(pk__in=[p.pk for p in untouched]).order_by("reference")
    assert list(kept.values_list("reference", flat=True)) == ["", "", "UTR5", "UTR5"]


def test_the_database_refuses_a_repeated_reference_even_past_the_service(customer):
    pay(customer, reference="UTR9")
    with (
        pytest.raises(IntegrityError, match="billing_payment_reference_once"),
        transaction.atomic(),
    ):
        Payment.objects.create(
            code="PA-RAW-1",
            customer=customer,
            amount=1,
            method="upi",
            paid_on=PAID_ON,
            reference="Utr9",
        )
