"""The same webhook delivered twice at the same moment (Razorpay retries while the first
delivery is still being handled) records one payment: the second delivery waits for the
customer's lock, then finds the gateway's payment id recorded."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test import Client

from billing.models import Payment, PaymentLink, WalletEntry
from billing.services.online_payments import create_payment_link
from billing.tests.gateway.fake_razorpay import (
    FakeRazorpay,
    link_paid,
    payment_captured,
    sign,
    use_razorpay,
)
from customers.models import Customer
from customers.tests.factories import CustomerFactory

URL = "/hooks/razorpay/"


def sessions_waiting_for_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # a fresh look each time
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def deliver_together(customer: Customer, *bodies: bytes) -> list[str]:
    """POST each body from its own thread while the customer's row is held, so that all
    are inside the webhook when the row is let go; their answers."""
    answers: list[str] = []

    def deliver(body: bytes) -> None:
        try:
            response = Client().post(
                URL,
                body,
                content_type="application/json",
                headers={"X-Razorpay-Signature": sign(body)},
            )
            answers.append(f"{response.status_code} {response.content.decode()}")
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=(body,)) for body in bodies]
    with transaction.atomic():
        Customer.objects.select_for_update().get(pk=customer.pk)
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 10
        while sessions_waiting_for_a_lock() < len(threads) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert sessions_waiting_for_a_lock() == len(threads)
    for thread in threads:
        thread.join(timeout=20)
    return sorted(answer.split(":")[0] for answer in answers)


@pytest.fixture
def link(settings):
    with FakeRazorpay() as server:
        use_razorpay(settings, server)
        customer = CustomerFactory(name="Lakshmi Devi")
        made, _ = create_payment_link(customer=customer, purpose="wallet", amount=Decimal("500"))
    return made


@pytest.mark.django_db(transaction=True)
def test_the_same_webhook_twice_at_the_same_moment_records_one_payment(link):
    body = link_paid(link)

    answers = deliver_together(link.customer, body, body)

    assert answers == ["200 already", "200 recorded"]
    payment = Payment.objects.get()
    assert payment.gateway_payment_id == "pay_Fo49sHbQ78PCMI"
    assert WalletEntry.objects.filter(kind=WalletEntry.Kind.RECHARGE).count() == 1
    link.refresh_from_db()
    assert (link.status, link.payment) == (PaymentLink.Status.PAID, payment)


@pytest.mark.django_db(transaction=True)
def test_link_paid_and_payment_captured_at_the_same_moment_record_one_payment(link):
    answers = deliver_together(link.customer, link_paid(link), payment_captured(link))

    assert answers == ["200 already", "200 recorded"]
    assert Payment.objects.count() == 1
