"""POST /hooks/razorpay/: Razorpay tells us a payment link was paid (or a payment
captured, a link cancelled or expired).

Public and without CSRF (Razorpay holds no session): each request must carry
X-Razorpay-Signature, the hex HMAC-SHA256 of the raw body with RAZORPAY_WEBHOOK_SECRET.
Missing: 400; wrong, or no secret configured: 403; nothing is written either way. A
signed body that is not Razorpay's JSON: 400 with the reason. Everything else is 200 —
recorded, already recorded, or not ours (logged) — so Razorpay does not retry what a retry
cannot change.
"""

from __future__ import annotations

import logging

from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from billing.gateway import payment_gateway
from billing.gateway.base import MalformedEvent
from billing.services.online_payments import handle_gateway_event

logger = logging.getLogger("billing.gateway")
SIGNATURE_HEADER = "X-Razorpay-Signature"
MAX_BODY = 1_000_000  # a payment event is a few kB


@csrf_exempt  # the gateway cannot hold a CSRF token; the signature is the check
@require_POST
def razorpay_hook(request):
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not signature.strip():
        return _text(HttpResponseBadRequest, f"No {SIGNATURE_HEADER} header.")
    if len(request.body) > MAX_BODY:
        return _text(HttpResponseBadRequest, "The body is too large for a payment event.")
    gateway = payment_gateway()
    if not gateway.verify_webhook(request.body, signature):
        logger.warning("Webhook %s refused: bad signature (or no secret).", request.path)
        return _text(HttpResponseForbidden, "Bad signature.")
    try:
        event = gateway.parse_event(request.body)
    except MalformedEvent as exc:
        logger.warning("Webhook %s: malformed event: %s.", request.path, exc)
        return _text(HttpResponseBadRequest, f"Malformed event: {exc}.")
    outcome = handle_gateway_event(event=event)
    logger.info("Webhook %s: %s: %s", request.path, outcome.result, outcome.message)
    return _text(HttpResponse, f"{outcome.result}: {outcome.message}")


def _text(response_class, message: str) -> HttpResponse:
    return response_class(message, content_type="text/plain; charset=utf-8")
