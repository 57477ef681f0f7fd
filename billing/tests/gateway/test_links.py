"""Payment links: made at Razorpay (through its official client) with the documented
request — amount in paise, our reference, notes that bring the customer, purpose and
bill back in the webhook — and stored; asked again, the open link comes back; refused
without a gateway, for what cannot be paid, and when Razorpay refuses."""

import base64
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from billing.gateway.base import GatewayError
from billing.models import PaymentLink
from billing.services.online_payments import NOT_SET_UP, create_payment_link
from billing.tests.gateway.fake_razorpay import KEY_ID, KEY_SECRET, error
from customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_a_recharge_link_sends_the_documented_request_and_is_stored(razorpay, customer):
    link, made = create_payment_link(customer=customer, purpose="wallet", amount="500.50")

    [request] = razorpay.posts("/v1/payment_links")
    assert request.path == "/v1/payment_links"
    credentials = base64.b64encode(f"{KEY_ID}:{KEY_SECRET}".encode()).decode()
    assert request.headers["authorization"] == f"Basic {credentials}"
    assert request.headers["content-type"] == "application/json"
    body = request.json
    assert body["amount"] == 50050 and isinstance(body["amount"], int)  # paise
    assert body["currency"] == "INR"
    assert body["accept_partial"] is False
    assert body["reference_id"] == link.reference_id
    assert body["customer"] == {"name": "Lakshmi Devi", "contact": "+919848022338"}
    assert body["notes"] == {
        "customer_id": str(customer.pk),
        "purpose": "wallet",
        "reference_id": link.reference_id,
    }
    assert body["notify"] == {"sms": False, "email": False}
    assert body["expire_by"] == int(link.expires_at.timestamp())
    assert "wallet recharge" in body["description"] and customer.code in body["description"]
    assert "callback_url" not in body

    assert made is True
    link.refresh_from_db()
    assert (link.customer, link.purpose, link.bill, link.amount) == (
        customer,
        "wallet",
        None,
        Decimal("500.50"),
    )
    assert link.gateway_link_id == razorpay.answers[0]["id"]
    assert link.short_url == razorpay.answers[0]["short_url"]
    assert link.status == PaymentLink.Status.CREATED
    assert link.expires_at - timezone.now() > dt.timedelta(days=6, hours=23)


def test_a_bill_link_asks_for_what_is_still_due_and_names_the_bill(razorpay, customer, bill):
    link, _ = create_payment_link(customer=customer, purpose="bill", amount="1", bill=bill)

    body = razorpay.posts("/v1/payment_links")[0].json
    assert body["amount"] == 56000  # ₹560 due, whatever amount was asked
    assert body["notes"]["bill_id"] == str(bill.pk)
    assert bill.code in body["description"]
    assert (link.bill, link.amount) == (bill, Decimal("560.00"))


def test_the_callback_and_the_sms_follow_the_settings(razorpay, customer, settings):
    settings.RAZORPAY_CALLBACK_URL = "https://dairy.example.in/me/"
    settings.RAZORPAY_NOTIFY_SMS = True
    create_payment_link(customer=customer, purpose="wallet", amount="100")

    body = razorpay.posts("/v1/payment_links")[0].json
    assert (body["callback_url"], body["callback_method"]) == (
        "https://dairy.example.in/me/",
        "get",
    )
    assert body["notify"]["sms"] is True


def test_asking_again_gives_the_open_link_back_without_calling_razorpay(razorpay, customer, bill):
    first, _ = create_payment_link(customer=customer, purpose="bill", bill=bill)
    again, made = create_payment_link(customer=customer, purpose="bill", bill=bill)
    other, made_other = create_payment_link(customer=customer, purpose="wallet", amount="560")

    assert (again, made) == (first, False)
    assert made_other is True and other != first
    assert len(razorpay.posts("/v1/payment_links")) == 2


def test_a_link_about_to_expire_is_not_handed_out_again(razorpay, customer):
    first, _ = create_payment_link(customer=customer, purpose="wallet", amount="200")
    PaymentLink.objects.filter(pk=first.pk).update(
        expires_at=timezone.now() + dt.timedelta(minutes=30)
    )

    second, made = create_payment_link(customer=customer, purpose="wallet", amount="200")

    assert made is True and second != first


def test_without_a_gateway_nothing_is_made(customer, settings):
    settings.RAZORPAY_KEY_ID = ""

    with pytest.raises(ValidationError) as refused:
        create_payment_link(customer=customer, purpose="wallet", amount="500")

    assert refused.value.messages == [NOT_SET_UP]
    assert "UPI" in NOT_SET_UP
    assert not PaymentLink.objects.exists()


@pytest.mark.parametrize(
    ("purpose", "amount", "field"),
    [
        ("wallet", "0", "amount"),
        ("wallet", "10.001", "amount"),
        ("wallet", "99999999", "amount"),
        ("wallet", "lots", "amount"),
        ("wallet", None, "amount"),
        ("bills", "10", "purpose"),
    ],
)
def test_what_cannot_be_paid_is_refused_before_razorpay_is_asked(
    razorpay, customer, purpose, amount, field
):
    with pytest.raises(ValidationError) as refused:
        create_payment_link(customer=customer, purpose=purpose, amount=amount)

    assert field in refused.value.message_dict
    assert razorpay.requests == []
    assert not PaymentLink.objects.exists()


def test_a_bill_must_be_the_customers_issued_bill_with_something_due(razorpay, customer, bill):
    stranger = CustomerFactory()
    with pytest.raises(ValidationError, match="customer's bills"):
        create_payment_link(customer=stranger, purpose="bill", bill=bill)
    with pytest.raises(ValidationError, match="not for a bill"):
        create_payment_link(customer=customer, purpose="wallet", amount="10", bill=bill)
    with pytest.raises(ValidationError, match="customer's bills"):
        create_payment_link(customer=customer, purpose="bill")

    from billing.tests.factories import PaymentFactory

    PaymentFactory(customer=customer, amount=Decimal("560.00"), paid_on=timezone.localdate())
    with pytest.raises(ValidationError, match="Nothing is due"):
        create_payment_link(customer=customer, purpose="bill", bill=bill)
    assert razorpay.requests == []


def test_a_customer_makes_links_only_for_herself(razorpay, customer):
    stranger = CustomerFactory()
    with pytest.raises(PermissionDenied):
        create_payment_link(customer=customer, purpose="wallet", amount="10", by=stranger.user)
    link, _ = create_payment_link(
        customer=customer, purpose="wallet", amount="10", by=customer.user
    )
    assert link.created_by == customer.user


def test_a_refusal_by_razorpay_stores_nothing_and_says_why(razorpay, customer):
    razorpay.reply("/v1/payment_links", 400, error("BAD_REQUEST_ERROR", "The amount is invalid."))

    with pytest.raises(GatewayError, match="The amount is invalid"):
        create_payment_link(customer=customer, purpose="wallet", amount="500")

    assert not PaymentLink.objects.exists()


def test_a_server_error_at_razorpay_stores_nothing(razorpay, customer):
    razorpay.reply("/v1/payment_links", 500, error("SERVER_ERROR", "We are facing some trouble."))

    with pytest.raises(GatewayError, match="try again later"):
        create_payment_link(customer=customer, purpose="wallet", amount="500")

    assert not PaymentLink.objects.exists()


def test_an_unreachable_razorpay_stores_nothing(customer, settings):
    from billing.tests.gateway.fake_razorpay import use_razorpay

    use_razorpay(settings)
    settings.RAZORPAY_API_URL = "http://127.0.0.1:9"  # nothing listens there

    with pytest.raises(GatewayError, match="could not be reached"):
        create_payment_link(customer=customer, purpose="wallet", amount="500")

    assert not PaymentLink.objects.exists()


def test_an_answer_without_a_link_stores_nothing(razorpay, customer):
    razorpay.reply("/v1/payment_links", 200, {"entity": "payment_link"})

    with pytest.raises(GatewayError, match="no payment link"):
        create_payment_link(customer=customer, purpose="wallet", amount="500")

    assert not PaymentLink.objects.exists()
