"""A local stand-in for Razorpay: an HTTP server on 127.0.0.1 that answers the Payment
Links API as documented (basic auth with the key id and secret; amounts in paise), and
webhook bodies shaped like Razorpay's documented payment_link.paid / payment.captured /
payment_link.expired payloads, signed like Razorpay signs them.

    with FakeRazorpay() as server:
        use_razorpay(settings, server)
        ... create_payment_link(...) ...
        assert server.posts("/v1/payment_links")[0].json["amount"] == 50000
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from billing.gateway.models import PaymentLink
from messaging.tests.fake_providers import FakeServer, Recorded

KEY_ID = "rzp_test_1DP5mmOlF5G5ag"
KEY_SECRET = "thisissupersecret"
WEBHOOK_SECRET = "whsec-earlybird-test"
CREATED_AT = 1_795_000_000  # 18 Nov 2026, 16:36:40 IST
PAID_AT = CREATED_AT + 120


class FakeRazorpay(FakeServer):
    """POST /v1/payment_links: a link entity (status "created") or Razorpay's error."""

    def default_reply(self, request: Recorded) -> tuple[int, Any]:
        expected = "Basic " + base64.b64encode(f"{KEY_ID}:{KEY_SECRET}".encode()).decode()
        if request.headers.get("authorization") != expected:
            return 401, error("BAD_REQUEST_ERROR", "Authentication failed")
        if request.path != "/v1/payment_links":
            return 404, error("BAD_REQUEST_ERROR", "The requested URL was not found on the server.")
        body = request.json
        number = self.next_id()
        return 200, {
            "accept_partial": body.get("accept_partial", False),
            "amount": body["amount"],
            "amount_paid": 0,
            "callback_method": body.get("callback_method", ""),
            "callback_url": body.get("callback_url", ""),
            "cancelled_at": 0,
            "created_at": CREATED_AT,
            "currency": body.get("currency", "INR"),
            "customer": body.get("customer", {}),
            "description": body.get("description", ""),
            "expire_by": body.get("expire_by", 0),
            "expired_at": 0,
            "first_min_partial_amount": 0,
            "id": f"plink_Fo48rl281EN{number:03d}",
            "notes": body.get("notes"),
            "notify": body.get("notify", {}),
            "payments": None,
            "reference_id": body.get("reference_id", ""),
            "reminder_enable": body.get("reminder_enable", False),
            "reminders": [],
            "short_url": f"https://rzp.io/i/nxrHn{number:03d}",
            "status": "created",
            "updated_at": CREATED_AT,
            "upi_link": False,
            "user_id": "",
        }


def error(code: str, description: str) -> dict:
    return {
        "error": {
            "code": code,
            "description": description,
            "source": "business",
            "step": "payment_initiation",
            "reason": "input_validation_failed",
            "metadata": {},
        }
    }


def use_razorpay(settings, server: FakeRazorpay | None = None) -> None:
    """Online payments on (pytest-django's `settings`), against the fake server."""
    settings.RAZORPAY_KEY_ID = KEY_ID
    settings.RAZORPAY_KEY_SECRET = KEY_SECRET
    settings.RAZORPAY_WEBHOOK_SECRET = WEBHOOK_SECRET
    if server is not None:
        settings.RAZORPAY_API_URL = server.url


def sign(body: bytes, secret: str = WEBHOOK_SECRET) -> str:
    """X-Razorpay-Signature: the hex HMAC-SHA256 of the raw body."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


# --- webhook bodies ----------------------------------------------------------------------


def payment_entity(
    link: PaymentLink | None,
    *,
    payment_id: str = "pay_Fo49sHbQ78PCMI",
    paise: int | None = None,
    method: str = "upi",
    acquirer_data: dict | None = None,
    notes: dict | list | None = None,
) -> dict:
    amount = paise if paise is not None else int(link.amount * 100)
    if acquirer_data is None:
        acquirer_data = (
            {"rrn": "631811234567", "upi_transaction_id": "AXI8f2c51e0b7c8"}
            if method == "upi"
            else {"auth_code": "064381"}
        )
    if notes is None:
        notes = link_notes(link) if link is not None else []
    return {
        "id": payment_id,
        "entity": "payment",
        "amount": amount,
        "currency": "INR",
        "status": "captured",
        "order_id": "order_Fo4A2RRwvxQYJL",
        "invoice_id": None,
        "international": False,
        "method": method,
        "amount_refunded": 0,
        "refund_status": None,
        "captured": True,
        "description": f"#{link.gateway_link_id[6:]}" if link is not None else "",
        "card_id": None,
        "bank": "HDFC" if method == "netbanking" else None,
        "wallet": "paytm" if method == "wallet" else None,
        "vpa": "lakshmi.devi@okhdfcbank" if method == "upi" else None,
        "email": "void@razorpay.com",
        "contact": "+919848022338",
        "notes": notes,
        "fee": 236,
        "tax": 36,
        "error_code": None,
        "error_description": None,
        "error_source": None,
        "error_step": None,
        "error_reason": None,
        "acquirer_data": acquirer_data,
        "created_at": PAID_AT,
    }


def link_notes(link: PaymentLink) -> dict:
    notes = {
        "customer_id": str(link.customer_id),
        "purpose": link.purpose,
        "reference_id": link.reference_id,
    }
    if link.bill_id:
        notes["bill_id"] = str(link.bill_id)
    return notes


def link_entity(link: PaymentLink, *, status: str = "paid") -> dict:
    paise = int(link.amount * 100)
    return {
        "accept_partial": False,
        "amount": paise,
        "amount_paid": paise if status == "paid" else 0,
        "cancelled_at": 0,
        "created_at": CREATED_AT,
        "currency": "INR",
        "customer": {"contact": f"+91{link.customer.phone}", "name": link.customer.name},
        "description": "EarlyBird Dairy: wallet recharge",
        "expire_by": int(link.expires_at.timestamp()),
        "expired_at": 0,
        "first_min_partial_amount": 0,
        "id": link.gateway_link_id,
        "notes": link_notes(link),
        "notify": {"email": False, "sms": False},
        "order_id": "order_Fo4A2RRwvxQYJL",
        "reference_id": link.reference_id,
        "reminder_enable": False,
        "reminders": {},
        "short_url": link.short_url,
        "status": status,
        "updated_at": PAID_AT,
        "upi_link": False,
        "user_id": "",
    }


def link_paid(link: PaymentLink, **payment) -> bytes:
    """The documented payment_link.paid event: the link, its order and its payment."""
    entity = payment_entity(link, **payment)
    return _event(
        "payment_link.paid",
        {
            "payment_link": {"entity": link_entity(link)},
            "order": {
                "entity": {
                    "amount": entity["amount"],
                    "amount_due": 0,
                    "amount_paid": entity["amount"],
                    "attempts": 1,
                    "created_at": CREATED_AT,
                    "currency": "INR",
                    "entity": "order",
                    "id": "order_Fo4A2RRwvxQYJL",
                    "notes": link_notes(link),
                    "offer_id": None,
                    "receipt": link.reference_id,
                    "status": "paid",
                }
            },
            "payment": {"entity": entity},
        },
    )


def payment_captured(link: PaymentLink | None, **payment) -> bytes:
    """The documented payment.captured event: the payment alone, with its notes."""
    return _event("payment.captured", {"payment": {"entity": payment_entity(link, **payment)}})


def link_closed(link: PaymentLink, event: str = "payment_link.expired") -> bytes:
    status = event.split(".")[1]
    return _event(event, {"payment_link": {"entity": link_entity(link, status=status)}})


def _event(name: str, payload: dict) -> bytes:
    return json.dumps(
        {
            "entity": "event",
            "account_id": "acc_BFQ7uQEaa7j2z7",
            "event": name,
            "contains": list(payload),
            "payload": payload,
            "created_at": PAID_AT,
        }
    ).encode()
