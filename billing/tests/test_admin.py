"""Payments and adjustments in /admin/ go through the billing services: the same PA- codes
as the payments page, accounts work only, and nothing an issued bill already counts changes.

Cast: an admin-group staff user; a support user given admin access and the model
permissions (the admin lets him in, the service refuses him)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from billing.models import Adjustment, Bill, Payment
from billing.services import add_adjustment, issue_bill, record_payment, run_billing
from billing.tests.factories import accounts_user, deliver_days
from customers.tests.factories import CustomerFactory, UserFactory
from earlybird import roles
from earlybird.idempotency import issue_form_key
from orders.tests.factories import SubscriptionFactory

pytestmark = pytest.mark.django_db

PAID_ON = dt.date(2026, 2, 3)


@pytest.fixture
def admin_user_():
    return UserFactory(roles=[roles.ADMIN], is_staff=True)


@pytest.fixture
def admin_staff(client, admin_user_):
    client.force_login(admin_user_)
    return client


@pytest.fixture
def customer():
    return CustomerFactory()


def support_with_admin_access(*codenames: str):
    """Not accounts staff, yet let into the admin with the model permissions."""
    user = UserFactory(roles=[roles.SUPPORT], is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def payment_form(customer, **overrides) -> dict:
    data = {
        "customer": customer.pk,
        "amount": "450.00",
        "method": Payment.Method.UPI,
        "paid_on": PAID_ON.isoformat(),
        "reference": "UPI123",
        "received_by": "",
        "notes": "",
    }
    data.update(overrides)
    return data


def adjustment_form(customer, **overrides) -> dict:
    data = {"customer": customer.pk, "date": "2026-02-10", "amount": "-25.00", "reason": "Sour"}
    data.update(overrides)
    return data


def messages_of(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def form_errors(response) -> str:
    return str(response.context["adminform"].form.errors)


def issued_bill_for(customer, period: dt.date) -> Bill:
    """An issued bill of `period` for one delivered day (so it has something to bill)."""
    order = SubscriptionFactory(customer=customer, start_date=period)
    deliver_days(order, period, period)
    run_billing(period=period, started_by=None)
    return issue_bill(bill=Bill.objects.get(customer=customer, period=period))


# Payments ------------------------------------------------------------------------------------


def test_a_payment_added_in_the_admin_takes_the_next_code_after_the_payments_page(
    client, admin_staff, customer
):
    accounts, page = accounts_user(), Client()
    page.force_login(accounts)
    recorded = page.post(
        reverse("billing:payments"),
        {
            **payment_form(customer, received_by=accounts.pk, reference="UPI122"),
            "customer": customer.code,
            "once": issue_form_key(user=accounts, operation="billing:payments"),
        },
    )
    assert recorded.status_code == 302

    response = admin_staff.post(reverse("admin:billing_payment_add"), payment_form(customer))

    assert response.status_code == 302
    codes = list(Payment.objects.order_by("pk").values_list("code", flat=True))
    assert codes == ["PA-20260203-0001", "PA-20260203-0002"]


def test_a_payment_is_refused_to_staff_who_are_not_accounts(client, customer):
    client.force_login(support_with_admin_access("add_payment", "view_payment"))

    response = client.post(reverse("admin:billing_payment_add"), payment_form(customer))

    assert response.status_code == 200
    assert "Only accounts staff" in form_errors(response)
    assert not Payment.objects.exists()


def test_a_bad_amount_is_an_error_on_the_page(admin_staff, customer):
    response = admin_staff.post(
        reverse("admin:billing_payment_add"), payment_form(customer, amount="0")
    )

    assert response.status_code == 200
    assert form_errors(response)
    assert not Payment.objects.exists()


def test_a_payment_corrected_in_the_admin_keeps_its_code(admin_staff, admin_user_, customer):
    payment = record_payment(
        customer=customer, amount="450", method=Payment.Method.UPI, paid_on=PAID_ON
    )

    response = admin_staff.post(
        reverse("admin:billing_payment_change", args=[payment.pk]),
        payment_form(customer, amount="540.00"),
    )

    assert response.status_code == 302
    payment.refresh_from_db()
    assert (payment.code, payment.amount) == ("PA-20260203-0001", Decimal("540.00"))
    assert payment.history.latest().history_user == admin_user_


def test_a_payment_an_issued_bill_counts_cannot_be_changed_or_deleted(admin_staff, customer):
    payment = record_payment(
        customer=customer, amount="450", method=Payment.Method.UPI, paid_on=dt.date(2026, 1, 20)
    )
    issued_bill_for(customer, dt.date(2026, 2, 1))

    changed = admin_staff.post(
        reverse("admin:billing_payment_change", args=[payment.pk]),
        payment_form(customer, amount="540.00", paid_on="2026-01-20"),
    )
    deleted = admin_staff.post(
        reverse("admin:billing_payment_delete", args=[payment.pk]), {"post": "yes"}
    )

    assert changed.status_code == 200
    assert "correct it with an adjustment" in form_errors(changed)
    assert deleted.status_code == 302
    assert "correct it with an adjustment" in messages_of(deleted)
    payment.refresh_from_db()
    assert payment.amount == Decimal("450.00")


def test_a_payment_entered_by_mistake_is_deleted(admin_staff, customer):
    payment = record_payment(
        customer=customer, amount="450", method=Payment.Method.UPI, paid_on=PAID_ON
    )

    response = admin_staff.post(
        reverse("admin:billing_payment_delete", args=[payment.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Payment.objects.exists()


# Adjustments ---------------------------------------------------------------------------------


def test_an_adjustment_added_in_the_admin_records_who_made_it(admin_staff, admin_user_, customer):
    response = admin_staff.post(reverse("admin:billing_adjustment_add"), adjustment_form(customer))

    assert response.status_code == 302
    adjustment = Adjustment.objects.get()
    assert (adjustment.amount, adjustment.created_by) == (Decimal("-25.00"), admin_user_)


def test_an_adjustment_is_refused_to_staff_who_are_not_accounts(client, customer):
    client.force_login(support_with_admin_access("add_adjustment", "view_adjustment"))

    response = client.post(reverse("admin:billing_adjustment_add"), adjustment_form(customer))

    assert response.status_code == 200
    assert "Only accounts staff" in form_errors(response)
    assert not Adjustment.objects.exists()


def test_changing_or_deleting_an_adjustment_is_refused_to_staff_who_are_not_accounts(
    client, customer
):
    adjustment = add_adjustment(
        customer=customer, amount="-25", reason="Sour", day=dt.date(2026, 2, 10)
    )
    client.force_login(
        support_with_admin_access("change_adjustment", "delete_adjustment", "view_adjustment")
    )

    changed = client.post(
        reverse("admin:billing_adjustment_change", args=[adjustment.pk]),
        adjustment_form(customer, amount="-250.00"),
    )
    deleted = client.post(
        reverse("admin:billing_adjustment_delete", args=[adjustment.pk]), {"post": "yes"}
    )

    assert changed.status_code == 200
    assert "Only accounts staff" in form_errors(changed)
    assert deleted.status_code == 302
    assert "Only accounts staff" in messages_of(deleted)
    adjustment.refresh_from_db()
    assert adjustment.amount == Decimal("-25.00")


def test_accounts_correct_and_withdraw_an_adjustment_not_yet_billed(client, customer):
    adjustment = add_adjustment(
        customer=customer, amount="-25", reason="Sour", day=dt.date(2026, 2, 10)
    )
    accounts = accounts_user(is_staff=True)
    accounts.user_permissions.add(*Permission.objects.filter(codename="delete_adjustment"))
    client.force_login(accounts)

    changed = client.post(
        reverse("admin:billing_adjustment_change", args=[adjustment.pk]),
        adjustment_form(customer, amount="-30.00", reason="Sour, twice"),
    )
    adjustment.refresh_from_db()
    assert changed.status_code == 302
    assert (adjustment.amount, adjustment.reason) == (Decimal("-30.00"), "Sour, twice")

    deleted = client.post(
        reverse("admin:billing_adjustment_delete", args=[adjustment.pk]), {"post": "yes"}
    )
    assert deleted.status_code == 302
    assert not Adjustment.objects.exists()


def test_an_adjustment_on_a_bill_cannot_be_changed_or_deleted(admin_staff, customer):
    adjustment = add_adjustment(
        customer=customer, amount="-25", reason="Sour", day=dt.date(2026, 2, 10)
    )
    issued_bill_for(customer, dt.date(2026, 2, 1))
    adjustment.refresh_from_db()
    assert adjustment.bill is not None

    changed = admin_staff.post(
        reverse("admin:billing_adjustment_change", args=[adjustment.pk]),
        adjustment_form(customer, amount="-250.00"),
    )
    deleted = admin_staff.post(
        reverse("admin:billing_adjustment_delete", args=[adjustment.pk]), {"post": "yes"}
    )

    assert (changed.status_code, deleted.status_code) == (403, 403)
    adjustment.refresh_from_db()
    assert adjustment.amount == Decimal("-25.00")
