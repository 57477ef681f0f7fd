"""Razorpay: Payment Links through the official client (`razorpay` 2.x), its webhooks and
its settlement report.

* A link: POST {RAZORPAY_API_URL}/v1/payment_links, basic auth with the key id and
  secret, amount in paise; our reference_id and notes (customer_id, purpose, bill_id,
  reference_id) come back on the link and its payment in every webhook.
* A webhook carries X-Razorpay-Signature: the hex HMAC-SHA256 of the raw body keyed with
  the webhook secret (RAZORPAY_WEBHOOK_SECRET). Acted on: payment_link.paid (the link and
  its payment), payment.captured (the payment with its notes), payment_link.cancelled /
  .expired; any other event is acknowledged and left alone.
* The settlement report: billing.gateway.settlement reads the CSV the dashboard exports.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import razorpay
import requests
from django.conf import settings
from django.utils import timezone

from billing.gateway.base import (
    GatewayError,
    Link,
    LinkEvent,
    MalformedEvent,
    PaidEvent,
    PaymentGateway,
    SettlementRow,
)
from billing.gateway.settlement import read_settlement
from customers.models import Customer

PAID_EVENTS = frozenset({"payment_link.paid", "payment.captured"})
LINK_EVENTS = {"payment_link.cancelled": "cancelled", "payment_link.expired": "expired"}
# Razorpay's payment.method -> our Payment.Method; wallets (Paytm...), EMI and pay-later
# are "online"; an e-mandate or a bank transfer is a bank transfer.
METHODS = {
    "upi": "upi",
    "card": "card",
    "netbanking": "netbanking",
    "emandate": "bank",
    "nach": "bank",
    "bank_transfer": "bank",
}
OTHER_METHOD = "online"
# Where Razorpay puts the bank's own reference of a payment, by method, in order.
REFERENCES = {
    "upi": ("rrn", "upi_transaction_id"),
    "netbanking": ("bank_transaction_id",),
    "bank_transfer": ("rrn", "utr"),
}
NOTE_MAX = 256  # Razorpay's limit for one note's value
DESCRIPTION_MAX = 2048
REFERENCE_MAX = 100  # Payment.reference


def paise(amount: Decimal) -> int:
    return int((amount * 100).to_integral_exact())


class RazorpayGateway(PaymentGateway):
    name = "razorpay"

    def __init__(self, *, key_id: str, key_secret: str, webhook_secret: str, api_url: str):
        self.key_id, self.key_secret = key_id, key_secret
        self.webhook_secret = webhook_secret
        self.api_url = api_url.rstrip("/")

    @classmethod
    def from_settings(cls) -> RazorpayGateway:
        return cls(
            key_id=settings.RAZORPAY_KEY_ID,
            key_secret=settings.RAZORPAY_KEY_SECRET,
            webhook_secret=settings.RAZORPAY_WEBHOOK_SECRET,
            api_url=settings.RAZORPAY_API_URL,
        )

    def _client(self) -> razorpay.Client:
        # The client takes its base URL as an option (razorpay/client.py, _set_base_url).
        client = razorpay.Client(auth=(self.key_id, self.key_secret), base_url=self.api_url)
        client.set_app_details({"title": "EarlyBird"})
        return client

    # --- links -----------------------------------------------------------------------------

    def create_link(
        self,
        *,
        amount: Decimal,
        customer: Customer,
        purpose: str,
        reference_id: str,
        description: str,
        bill_id: int | None,
        expires_at: datetime,
    ) -> Link:
        notes = {"customer_id": str(customer.pk), "purpose": purpose, "reference_id": reference_id}
        if bill_id is not None:
            notes["bill_id"] = str(bill_id)
        body: dict[str, Any] = {
            "amount": paise(amount),
            "currency": "INR",
            "accept_partial": False,
            "reference_id": reference_id,
            "description": description[:DESCRIPTION_MAX],
            "customer": {"name": customer.name[:NOTE_MAX], "contact": f"+91{customer.phone}"},
            "notify": {"sms": bool(settings.RAZORPAY_NOTIFY_SMS), "email": False},
            "reminder_enable": False,
            "expire_by": int(expires_at.timestamp()),
            "notes": notes,
        }
        if settings.RAZORPAY_CALLBACK_URL:
            body["callback_url"] = settings.RAZORPAY_CALLBACK_URL
            body["callback_method"] = "get"
        answer = self._call(
            lambda client: client.payment_link.create(body, timeout=settings.RAZORPAY_HTTP_TIMEOUT)
        )
        link_id, short_url = answer.get("id"), answer.get("short_url")
        if not (isinstance(link_id, str) and link_id and isinstance(short_url, str)):
            raise GatewayError("Razorpay's answer had no payment link in it; try again later.")
        if not short_url.startswith(("https://", "http://")):
            raise GatewayError("Razorpay's answer had no usable link address; try again later.")
        return Link(id=link_id[:40], short_url=short_url[:200])

    def _call(self, request) -> dict:
        try:
            answer = request(self._client())
        except razorpay.errors.BadRequestError as exc:
            raise GatewayError(f"Razorpay refused the payment link: {exc}") from exc
        except (razorpay.errors.GatewayError, razorpay.errors.ServerError) as exc:
            raise GatewayError(
                f"Razorpay could not make the link now ({exc}); try again later."
            ) from exc
        except requests.RequestException as exc:
            raise GatewayError(
                "Razorpay could not be reached; try again later, or pay by UPI."
            ) from exc
        except ValueError as exc:  # an answer that is not JSON
            raise GatewayError("Razorpay answered with something unreadable; try again.") from exc
        if not isinstance(answer, dict):
            raise GatewayError("Razorpay answered with something unreadable; try again.")
        return answer

    # --- webhooks ------------------------------------------------------------------------

    def verify_webhook(self, body: bytes, signature: str) -> bool:
        """The HMAC of the raw bytes as received (not of a parsed and re-encoded body, as
        Razorpay asks); the client's utility.verify_webhook_signature does the same on
        text, so a body that is not UTF-8 could not even be checked there."""
        if not self.webhook_secret or not signature:
            return False
        expected = hmac.new(self.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected.encode(), signature.strip().encode())

    def parse_event(self, body: bytes) -> PaidEvent | LinkEvent | None:
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            raise MalformedEvent("the body is not JSON") from None
        if not isinstance(data, dict) or not isinstance(data.get("event"), str):
            raise MalformedEvent('the body has no "event"')
        event = data["event"]
        if event not in PAID_EVENTS and event not in LINK_EVENTS:
            return None
        payload = _object(data, "payload")
        if event in LINK_EVENTS:
            link = _entity(payload, "payment_link")
            return LinkEvent(link_id=_text(link, "id", required=True), status=LINK_EVENTS[event])
        link = _entity(payload, "payment_link") if event == "payment_link.paid" else {}
        return _paid_event(_entity(payload, "payment"), link)

    # --- settlement ------------------------------------------------------------------------

    def parse_settlement(self, csv_text: str, *, in_paise: bool = False) -> list[SettlementRow]:
        return read_settlement(csv_text, in_paise=in_paise)


def _paid_event(payment: dict, link: dict) -> PaidEvent | None:
    if payment.get("status") != "captured":
        return None  # authorised or failed: nothing received yet
    amount = payment.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise MalformedEvent("payment.amount is not a positive whole number of paise")
    method = _text(payment, "method")
    notes = {**_notes(payment), **_notes(link)}  # the link's own notes win
    return PaidEvent(
        payment_id=_text(payment, "id", required=True),
        amount=Decimal(amount) / 100,
        currency=_text(payment, "currency") or "INR",
        method=METHODS.get(method, OTHER_METHOD),
        reference=_reference(payment, method),
        paid_on=_day(payment.get("created_at")),
        link_id=_text(link, "id"),
        reference_id=_text(link, "reference_id") or notes.get("reference_id", ""),
        customer_id=_number(notes.get("customer_id")),
        purpose=notes.get("purpose", ""),
        bill_id=_number(notes.get("bill_id")),
    )


def _object(data: dict, key: str) -> dict:
    value = data.get(key)
    if not isinstance(value, dict):
        raise MalformedEvent(f'"{key}" is not an object')
    return value


def _entity(payload: dict, name: str) -> dict:
    holder = payload.get(name)
    if not isinstance(holder, dict) or not isinstance(holder.get("entity"), dict):
        raise MalformedEvent(f"payload.{name}.entity is missing")
    return holder["entity"]


def _text(entity: dict, key: str, *, required: bool = False) -> str:
    value = entity.get(key)
    if isinstance(value, str) and value.strip():
        return value.strip()[:100]
    if required:
        raise MalformedEvent(f'"{key}" is missing')
    return ""


def _notes(entity: dict) -> dict[str, str]:
    # Razorpay sends notes as an object, or as [] when there are none.
    notes = entity.get("notes")
    if not isinstance(notes, dict):
        return {}
    return {str(k): str(v)[:NOTE_MAX] for k, v in notes.items() if isinstance(v, str | int)}


def _number(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else None


def _reference(payment: dict, method: str) -> str:
    acquirer = payment.get("acquirer_data")
    if isinstance(acquirer, dict):
        for key in REFERENCES.get(method, ()):
            value = acquirer.get(key)
            if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
                return str(value).strip()[:REFERENCE_MAX]
    return _text(payment, "id", required=True)


def _day(timestamp: Any) -> date:
    """The payment's day in IST (Razorpay gives Unix seconds); today if it says nothing."""
    if isinstance(timestamp, int) and not isinstance(timestamp, bool) and timestamp > 0:
        try:
            return timezone.localdate(datetime.fromtimestamp(timestamp, tz=UTC))
        except (OverflowError, OSError, ValueError):
            pass
    return timezone.localdate()
