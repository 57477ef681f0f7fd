"""Status webhooks: the providers tell us a message was delivered, read or failed.

Each request must be signed by the provider — an HMAC-SHA256 of the raw body with a
secret only it and we hold — or it is refused (403) and changes nothing. A body that is
not the provider's JSON is a 400 with the reason. Unknown message ids are ignored (200),
so the provider does not retry them. The statuses go to messaging.sending.record_statuses.

- WhatsApp (Meta): GET is the subscription check (hub.verify_token must equal
  WHATSAPP_VERIFY_TOKEN; we echo hub.challenge); POST carries X-Hub-Signature-256:
  sha256=<hex> keyed with the app secret (WHATSAPP_APP_SECRET).
- SMS gateway: POST, JSON delivery reports (messaging.providers.sms), header
  X-Signature-256: sha256=<hex> keyed with SMS_WEBHOOK_SECRET.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from messaging.providers import sms, whatsapp
from messaging.sending import record_statuses

logger = logging.getLogger("messaging")


@csrf_exempt  # the provider cannot hold a CSRF token; the signature is the check
@require_http_methods(["GET", "POST"])
def whatsapp_hook(request):
    if request.method == "GET":
        return _verify_subscription(request)
    return _receive(request, "X-Hub-Signature-256", settings.WHATSAPP_APP_SECRET, whatsapp)


@csrf_exempt
@require_http_methods(["POST"])
def sms_hook(request):
    return _receive(request, "X-Signature-256", settings.SMS_WEBHOOK_SECRET, sms)


def _verify_subscription(request) -> HttpResponse:
    """Meta's one-time check when the webhook URL is registered: reads, never writes."""
    token = settings.WHATSAPP_VERIFY_TOKEN
    given = request.GET.get("hub.verify_token", "")
    if (
        request.GET.get("hub.mode") == "subscribe"
        and token
        and hmac.compare_digest(given.encode(), token.encode())
    ):
        return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
    return HttpResponseForbidden("Wrong verify token.", content_type="text/plain")


def _receive(request, header: str, secret: str, provider) -> HttpResponse:
    if not signed(request.body, request.headers.get(header, ""), secret):
        logger.warning("Webhook %s refused: bad or missing signature.", request.path)
        return HttpResponseForbidden("Bad or missing signature.", content_type="text/plain")
    try:
        reports = provider.status_reports(json.loads(request.body))
    except (ValueError, RecursionError) as exc:
        reason = "not JSON" if isinstance(exc, json.JSONDecodeError) else str(exc)
        return HttpResponseBadRequest(
            f"Malformed notification: {reason}", content_type="text/plain"
        )
    changed = record_statuses(reports=reports)
    logger.info(
        "Webhook %s: %d statuses, %d messages changed.", request.path, len(reports), changed
    )
    return HttpResponse("OK", content_type="text/plain")


def signed(body: bytes, signature: str, secret: str) -> bool:
    """Whether `signature` is "sha256=" and the HMAC-SHA256 of `body` with `secret`.
    No secret configured: nothing is signed."""
    if not secret:
        return False
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.strip().encode())
