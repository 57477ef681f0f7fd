"""API on money: a customer's profile with his balance, bills and payments; staff
payments (accounts and admin only)."""

import datetime as dt
import uuid
from decimal import Decimal
from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from billing.models import Bill, Payment
from billing.services import record_payment
from customers.tests.factories import CustomerFactory, UserFactory
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird import roles

pytestmark = pytest.mark.django_db

_numbers = count(1)


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def bill(customer, period: dt.date, total: str, *, issued=True) -> Bill:
    fields = {"customer": customer, "period": period, "charges": Decimal(total)}
    fields["total"] = Decimal(total)
    if issued:
        fields.update(
            status=Bill.Status.ISSUED,
            code=f"BI-{period:%Y%m}-{next(_numbers):04d}",
            issued_at=timezone.now(),
        )
    return Bill.objects.create(**fields)


def pay(customer, amount: str, *, method="cash", on=None) -> Payment:
    return record_payment(
        customer=customer, amount=Decimal(amount), method=method, paid_on=on or timezone.localdate()
    )


def post_payment(client, body: dict, *, key: str | None = None):
    """POST /api/v1/payments/ with an Idempotency-Key (a new one unless given)."""
    return client.post(
        reverse("api:payments"),
        body,
        format="json",
        headers={"Idempotency-Key": key or str(uuid.uuid4())},
    )


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


class TestMe:
    def test_my_balance_is_opening_plus_issued_bills_less_payments(self):
        customer = CustomerFactory(opening_balance=Decimal("250.00"))
        bill(customer, dt.date(2026, 1, 1), "1200.00")
        bill(customer, dt.date(2026, 2, 1), "900.50")
        bill(customer, dt.date(2026, 3, 1), "700.00", issued=False)  # a draft does not count
        pay(customer, "1000.00")
        bill(CustomerFactory(), dt.date(2026, 1, 1), "999.00")  # someone else's
        response = client_for(customer.user).get(reverse("api:me"))
        assert response.status_code == 200
        me = response.json()
        assert me["code"] == customer.code
        assert me["balance"] == "1350.50"
        assert me["opening_balance"] == "250.00"

    @pytest.mark.parametrize("role", [roles.ADMIN, roles.ACCOUNTS])
    def test_staff_have_no_me(self, role):
        assert client_for(UserFactory(roles=[role])).get(reverse("api:me")).status_code == 403

    def test_a_delivery_boy_has_no_me(self):
        assert client_for(DeliveryBoyFactory().user).get(reverse("api:me")).status_code == 403


class TestMyBills:
    def test_i_see_my_issued_bills_only_with_whether_they_are_paid(self):
        customer = CustomerFactory()
        january = bill(customer, dt.date(2026, 1, 1), "500.00")
        february = bill(customer, dt.date(2026, 2, 1), "400.00")
        bill(customer, dt.date(2026, 3, 1), "300.00", issued=False)
        bill(CustomerFactory(), dt.date(2026, 1, 1), "100.00")
        pay(customer, "600.00")
        rows = client_for(customer.user).get(reverse("api:me-bills")).json()["results"]
        assert [row["code"] for row in rows] == [february.code, january.code]
        by_code = {row["code"]: row for row in rows}
        assert by_code[january.code]["payment_status"] == "paid"
        assert by_code[february.code]["payment_status"] == "partly_paid"
        assert by_code[february.code]["outstanding"] == "300.00"

    def test_its_query_count_does_not_grow_with_the_bills(self):
        customer = CustomerFactory()
        client = client_for(customer.user)
        bill(customer, dt.date(2025, 1, 1), "100.00")
        few = count_queries(client, reverse("api:me-bills"))
        for month in range(2, 12):
            bill(customer, dt.date(2025, month, 1), "100.00")
        assert count_queries(client, reverse("api:me-bills")) == few


class TestMyPayments:
    def test_i_see_only_my_payments(self):
        customer = CustomerFactory()
        mine = pay(customer, "100.00")
        pay(CustomerFactory(), "200.00")
        rows = client_for(customer.user).get(reverse("api:me-payments")).json()["results"]
        assert [row["code"] for row in rows] == [mine.code]


@pytest.fixture
def accountant():
    return UserFactory(roles=[roles.ACCOUNTS])


class TestStaffPayments:
    def test_accounts_list_payments_with_filters(self, accountant):
        asha, ravi = CustomerFactory(), CustomerFactory()
        cash = pay(asha, "100.00")
        upi = pay(asha, "200.00", method="upi", on=timezone.localdate() - dt.timedelta(days=5))
        other = pay(ravi, "300.00")
        client = client_for(accountant)

        def codes(**params):
            rows = client.get(reverse("api:payments"), params).json()["results"]
            return {row["code"] for row in rows}

        assert codes() == {cash.code, upi.code, other.code}
        assert codes(customer=asha.pk) == {cash.code, upi.code}
        assert codes(method="upi") == {upi.code}
        assert codes(paid_from=str(timezone.localdate() - dt.timedelta(days=1))) == {
            cash.code,
            other.code,
        }

    @pytest.mark.parametrize("role", [roles.SUPPORT, roles.MARKETING, roles.CUSTOMER])
    def test_other_roles_may_not_see_payments(self, role):
        client = client_for(UserFactory(roles=[role]))
        assert client.get(reverse("api:payments")).status_code == 403

    def test_accounts_record_a_payment_through_the_service(self, accountant):
        customer = CustomerFactory()
        response = post_payment(
            client_for(accountant),
            {"customer": customer.pk, "amount": "450.00", "method": "upi", "reference": "UTR9"},
        )
        assert response.status_code == 201, response.json()
        payment = Payment.objects.get(pk=response.json()["id"])
        assert payment.code.startswith("PA-")
        assert (payment.customer, payment.amount, payment.received_by) == (
            customer,
            Decimal("450.00"),
            accountant,
        )
        assert payment.paid_on == timezone.localdate()

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({"amount": "0"}, "amount"),
            ({"amount": "lots"}, "amount"),
            ({"method": "barter"}, "method"),
            ({"paid_on": "2999-01-01"}, "paid_on"),
            ({"customer": 0}, "customer"),
        ],
    )
    def test_a_bad_field_is_a_400_naming_it(self, accountant, data, field):
        body = {"customer": CustomerFactory().pk, "amount": "100.00", "method": "cash", **data}
        response = post_payment(client_for(accountant), body)
        assert response.status_code == 400
        assert field in response.json()
        assert not Payment.objects.exists()

    def test_support_may_not_record_a_payment(self):
        response = post_payment(
            client_for(UserFactory(roles=[roles.SUPPORT])),
            {"customer": CustomerFactory().pk, "amount": "100.00", "method": "cash"},
        )
        assert response.status_code == 403
        assert not Payment.objects.exists()

    def test_its_query_count_does_not_grow_with_the_payments(self, accountant):
        client = client_for(accountant)
        pay(CustomerFactory(), "10.00")
        few = count_queries(client, reverse("api:payments"))
        for _ in range(10):
            pay(CustomerFactory(), "10.00")
        assert count_queries(client, reverse("api:payments")) == few
