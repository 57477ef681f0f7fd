"""POST /hooks/razorpay/ with Razorpay's documented payloads: a correctly signed
payment_link.paid records one payment (method, reference, amount) against the link's
customer and purpose and marks the link paid; anything unsigned or wrongly signed is
refused and writes nothing; a replay, or payment.captured for the same payment, writes
nothing new; what is not ours is acknowledged (200) and logged; malformed JSON is a 400."""

import datetime as dt
import json
import logging
from decimal import Decimal

import pytest
from django.test import Client

from billing.models import Payment, PaymentLink, WalletEntry
from billing.selectors.wallet import wallet_balance
from billing.tests.gateway.fake_razorpay import (
    link_closed,
    link_paid,
    payment_captured,
    sign,
    use_razorpay,
)
from customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
URL = "/hooks/razorpay/"


@pytest.fixture(autouse=True)
def secrets(settings):
    use_razorpay(settings)


@pytest.fixture
def client():
    """Like Razorpay: no session, no CSRF token (and CSRF checks on)."""
    return Client(enforce_csrf_checks=True)


def deliver(client, body: bytes, signature: str | None = "sign"):
    headers = {}
    if signature is not None:
        headers["X-Razorpay-Signature"] = sign(body) if signature == "sign" else signature
    return client.post(URL, body, content_type="application/json", headers=headers)


def test_a_paid_recharge_link_records_one_wallet_payment(client, wallet_link, customer):
    response = deliver(client, link_paid(wallet_link))

    assert response.status_code == 200
    assert response.content.decode().startswith("recorded:")
    payment = Payment.objects.get()
    assert (payment.customer, payment.amount, payment.purpose) == (
        customer,
        Decimal("500.00"),
        "wallet",
    )
    assert (payment.method, payment.reference) == (Payment.Method.UPI, "631811234567")  # the RRN
    assert payment.gateway_payment_id == "pay_Fo49sHbQ78PCMI"
    assert payment.paid_on == dt.date(2026, 11, 18)  # Razorpay's created_at, in IST
    assert payment.received_by is None
    entry = WalletEntry.objects.get(payment=payment)
    assert (entry.kind, entry.amount) == (WalletEntry.Kind.RECHARGE, Decimal("500.00"))
    assert wallet_balance(customer.pk) == Decimal("500.00")
    wallet_link.refresh_from_db()
    assert (wallet_link.status, wallet_link.payment) == (PaymentLink.Status.PAID, payment)
    assert wallet_link.paid_at is not None


def test_a_paid_bill_link_records_a_payment_toward_the_bills(client, bill_link, customer, bill):
    response = deliver(client, link_paid(bill_link))

    assert response.status_code == 200
    payment = Payment.objects.get()
    assert (payment.customer, payment.amount, payment.purpose) == (
        customer,
        Decimal("560.00"),
        "bill",
    )
    assert bill.code in payment.notes
    assert not WalletEntry.objects.filter(payment=payment).exists()


@pytest.mark.parametrize(
    ("method", "acquirer_data", "recorded", "reference"),
    [
        ("upi", {"rrn": None, "upi_transaction_id": "AXI8f2c51e0b7c8"}, "upi", "AXI8f2c51e0b7c8"),
        ("card", {"auth_code": "064381"}, "card", "pay_Fo49sHbQ78PCMI"),
        ("netbanking", {"bank_transaction_id": "0125836177"}, "netbanking", "0125836177"),
        ("wallet", {"transaction_id": None}, "online", "pay_Fo49sHbQ78PCMI"),
        ("emandate", {}, "bank", "pay_Fo49sHbQ78PCMI"),
    ],
)
def test_the_method_and_the_reference_come_from_the_payment(
    client, wallet_link, method, acquirer_data, recorded, reference
):
    deliver(client, link_paid(wallet_link, method=method, acquirer_data=acquirer_data))

    payment = Payment.objects.get()
    assert (payment.method, payment.reference) == (recorded, reference)


# --- refused: nothing written --------------------------------------------------------------


@pytest.mark.parametrize(
    ("signature", "status"),
    [
        (None, 400),  # no header
        ("", 400),
        ("0" * 64, 403),
        ("sha256=" + "0" * 64, 403),
        ("ఱ" * 10, 403),  # not even ASCII
    ],
)
def test_a_missing_or_wrong_signature_is_refused_and_writes_nothing(
    client, wallet_link, signature, status
):
    response = deliver(client, link_paid(wallet_link), signature=signature)

    assert response.status_code == status
    assert not Payment.objects.exists()
    wallet_link.refresh_from_db()
    assert wallet_link.status == PaymentLink.Status.CREATED


def test_a_signature_made_with_another_secret_is_refused(client, wallet_link):
    body = link_paid(wallet_link)
    response = deliver(client, body, signature=sign(body, secret="someone-elses-secret"))

    assert response.status_code == 403
    assert not Payment.objects.exists()


def test_a_body_changed_after_signing_is_refused(client, wallet_link):
    body = link_paid(wallet_link)
    tampered = body.replace(b'"amount": 50000', b'"amount": 5000000')
    assert tampered != body

    response = deliver(client, tampered, signature=sign(body))

    assert response.status_code == 403
    assert not Payment.objects.exists()


def test_without_a_webhook_secret_every_request_is_refused(client, wallet_link, settings):
    settings.RAZORPAY_WEBHOOK_SECRET = ""
    response = deliver(client, link_paid(wallet_link))

    assert response.status_code == 403
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{not json", "not JSON"),
        (b"[1, 2]", 'no "event"'),
        (b'{"event": "payment_link.paid"}', '"payload" is not an object'),
        (b'{"event": "payment.captured", "payload": {"payment": {}}}', "payment.entity"),
        (
            json.dumps(
                {
                    "event": "payment.captured",
                    "payload": {
                        "payment": {
                            "entity": {"id": "pay_1", "status": "captured", "amount": "100"}
                        }
                    },
                }
            ).encode(),
            "paise",
        ),
    ],
)
def test_a_signed_body_that_is_not_razorpays_json_is_a_400_with_the_reason(client, body, reason):
    response = deliver(client, body)

    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not Payment.objects.exists()


def test_a_get_is_not_allowed(client):
    assert client.get(URL).status_code == 405


# --- once ----------------------------------------------------------------------------------


def test_the_same_event_again_writes_nothing_new(client, wallet_link):
    body = link_paid(wallet_link)
    first = deliver(client, body)
    again = deliver(client, body)

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.content.decode().startswith("already:")
    assert Payment.objects.count() == 1
    assert WalletEntry.objects.filter(kind=WalletEntry.Kind.RECHARGE).count() == 1


def test_payment_captured_after_link_paid_for_the_same_payment_writes_nothing_new(
    client, wallet_link
):
    deliver(client, link_paid(wallet_link))
    response = deliver(client, payment_captured(wallet_link))

    assert response.status_code == 200
    assert response.content.decode().startswith("already:")
    assert Payment.objects.count() == 1


def test_payment_captured_first_records_it_and_link_paid_after_it_writes_nothing_new(
    client, bill_link
):
    # payment.captured carries only the payment: its notes find the link.
    first = deliver(client, payment_captured(bill_link))
    bill_link.refresh_from_db()
    assert bill_link.status == PaymentLink.Status.PAID

    then = deliver(client, link_paid(bill_link))

    assert first.content.decode().startswith("recorded:")
    assert then.content.decode().startswith("already:")
    payment = Payment.objects.get()
    assert (payment.purpose, payment.amount) == ("bill", Decimal("560.00"))
    assert bill_link.payment == payment


def test_a_payment_staff_already_recorded_by_its_upi_reference_is_not_recorded_again(
    client, wallet_link, customer, caplog
):
    from billing.services import record_payment

    record_payment(
        customer=customer,
        amount="500",
        method="upi",
        paid_on=dt.date(2026, 11, 18),
        reference="631811234567",
        purpose="wallet",
    )

    with caplog.at_level(logging.ERROR, logger="billing.gateway"):
        response = deliver(client, link_paid(wallet_link))

    assert response.status_code == 200
    assert response.content.decode().startswith("refused:")
    assert Payment.objects.count() == 1
    assert "already recorded" in caplog.text


# --- not ours: acknowledged, logged, nothing written ---------------------------------------


def test_a_payment_of_no_link_and_no_customer_of_ours_is_acknowledged_and_logged(client, caplog):
    body = payment_captured(None, paise=10000, notes=[])
    with caplog.at_level(logging.WARNING, logger="billing.gateway"):
        response = deliver(client, body)

    assert response.status_code == 200
    assert response.content.decode().startswith("ignored:")
    assert not Payment.objects.exists()
    assert "names no customer of ours" in caplog.text


def test_notes_naming_a_customer_who_does_not_exist_write_nothing(client, caplog):
    body = payment_captured(None, paise=10000, notes={"customer_id": "999999", "purpose": "bill"})
    with caplog.at_level(logging.WARNING, logger="billing.gateway"):
        response = deliver(client, body)

    assert response.status_code == 200
    assert not Payment.objects.exists()
    assert "pay_Fo49sHbQ78PCMI" in caplog.text


def test_notes_of_one_of_our_customers_record_a_payment_made_without_a_link(client, razorpay):
    customer = CustomerFactory()
    body = payment_captured(
        None, paise=25050, notes={"customer_id": str(customer.pk), "purpose": "bill"}
    )

    response = deliver(client, body)

    assert response.status_code == 200
    payment = Payment.objects.get()
    assert (payment.customer, payment.amount, payment.purpose) == (
        customer,
        Decimal("250.50"),
        "bill",
    )


def test_another_event_is_acknowledged_and_changes_nothing(client, wallet_link):
    body = json.dumps({"event": "order.paid", "payload": {}}).encode()
    response = deliver(client, body)

    assert response.status_code == 200
    assert not Payment.objects.exists()


def test_an_authorised_payment_not_yet_captured_records_nothing(client, wallet_link):
    body = json.loads(link_paid(wallet_link))
    body["payload"]["payment"]["entity"]["status"] = "authorized"
    response = deliver(client, json.dumps(body).encode())

    assert response.status_code == 200
    assert not Payment.objects.exists()


def test_a_payment_over_the_cap_is_refused_and_logged(client, wallet_link, settings, caplog):
    settings.PAYMENT_MAX_AMOUNT = Decimal("100")
    with caplog.at_level(logging.ERROR, logger="billing.gateway"):
        response = deliver(client, link_paid(wallet_link))

    assert response.status_code == 200
    assert response.content.decode().startswith("refused:")
    assert not Payment.objects.exists()
    assert "not recorded" in caplog.text


# --- links closing ----------------------------------------------------------------------


@pytest.mark.parametrize("event", ["payment_link.expired", "payment_link.cancelled"])
def test_a_link_expired_or_cancelled_at_razorpay_is_marked_so(client, wallet_link, event):
    response = deliver(client, link_closed(wallet_link, event))

    assert response.status_code == 200
    wallet_link.refresh_from_db()
    assert wallet_link.status == event.split(".")[1]


def test_a_paid_link_stays_paid_when_an_expiry_comes_after(client, wallet_link):
    deliver(client, link_paid(wallet_link))
    deliver(client, link_closed(wallet_link))

    wallet_link.refresh_from_db()
    assert wallet_link.status == PaymentLink.Status.PAID
