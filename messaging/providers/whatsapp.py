"""WhatsApp Business Cloud API (Meta's Graph API): template, text and document messages,
and the status webhook's payload.

Send: POST {WHATSAPP_API_URL}/{WHATSAPP_PHONE_NUMBER_ID}/messages with a bearer token.
A message with `template_name` goes as that approved template (body parameters from
`template_params`, language from the message); without one, as plain text (only allowed
within 24 hours of the customer writing to the business). An attachment is uploaded first
(POST /{phone-number-id}/media) and sent by its media id: as the template's document
header, or as a document message captioned with the text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings

from messaging.providers import http
from messaging.providers.base import (
    Attachment,
    PermanentSendError,
    SendResult,
    StatusReport,
    TransientSendError,
    international,
)

# Graph error codes that mean "later": rate limits (4, 80007, 130429, 131056 pair limit),
# spam rate limit (131048), service unavailable (2, 133004). Any other code is permanent.
TRANSIENT_CODES = frozenset({2, 4, 80007, 130429, 131048, 131056, 133004})
STATUSES = frozenset({"sent", "delivered", "read", "failed"})


class WhatsAppProvider:
    name = "whatsapp"

    def __init__(self) -> None:
        self.base = settings.WHATSAPP_API_URL.rstrip("/")
        self.phone_number_id = settings.WHATSAPP_PHONE_NUMBER_ID
        self.token = settings.WHATSAPP_ACCESS_TOKEN
        self.timeout = settings.MESSAGING_HTTP_TIMEOUT
        if not (self.phone_number_id and self.token):
            raise PermanentSendError(
                "WhatsApp is not configured: set WHATSAPP_PHONE_NUMBER_ID and "
                "WHATSAPP_ACCESS_TOKEN."
            )

    def send(self, message, attachment: Attachment | None) -> SendResult:
        document = None
        if attachment is not None:
            document = {"id": self._upload(attachment), "filename": attachment.filename}
        payload = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": international(message.to),
            **_content(message, document),
        }
        answer = http.post_json(
            f"{self.base}/{self.phone_number_id}/messages",
            payload,
            headers=self._auth(),
            timeout=self.timeout,
        )
        _raise_for_error(answer)
        try:
            return SendResult(provider_message_id=str(answer.data["messages"][0]["id"]))
        except (KeyError, IndexError, TypeError):
            # Accepted but unreadable: it may have gone out, so it must not go again.
            raise PermanentSendError(
                f"WhatsApp answered without a message id: {answer.text}"
            ) from None

    def _upload(self, attachment: Attachment) -> str:
        body, content_type = http.multipart(
            {"messaging_product": "whatsapp", "type": attachment.content_type},
            file_field="file",
            filename=attachment.filename,
            content=attachment.content,
            content_type=attachment.content_type,
        )
        answer = http.post(
            f"{self.base}/{self.phone_number_id}/media",
            body=body,
            headers={**self._auth(), "Content-Type": content_type},
            timeout=self.timeout,
        )
        _raise_for_error(answer)
        if not isinstance(answer.data, dict) or not answer.data.get("id"):
            raise TransientSendError(f"WhatsApp's media upload gave no id: {answer.text}")
        return str(answer.data["id"])

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def _content(message, document: dict | None) -> dict[str, Any]:
    if message.template_name:
        components = []
        if document:
            header = {"type": "document", "document": document}
            components.append({"type": "header", "parameters": [header]})
        if message.template_params:
            parameters = [{"type": "text", "text": str(p)} for p in message.template_params]
            components.append({"type": "body", "parameters": parameters})
        template = {"name": message.template_name, "language": {"code": message.language}}
        if components:
            template["components"] = components
        return {"type": "template", "template": template}
    if document:
        return {"type": "document", "document": {**document, "caption": message.text}}
    return {"type": "text", "text": {"preview_url": False, "body": message.text}}


def _raise_for_error(answer: http.Answer) -> None:
    if answer.ok:
        return
    error = answer.data.get("error") if isinstance(answer.data, dict) else None
    error = error if isinstance(error, dict) else {}
    code = error.get("code")
    data = error.get("error_data")
    detail = data.get("details") if isinstance(data, dict) else None
    reason = f"WhatsApp error {code} (HTTP {answer.status}): {error.get('message') or answer.text}"
    if detail:
        reason += f" — {detail}"
    if answer.status == 429 or answer.status >= 500 or code in TRANSIENT_CODES:
        raise TransientSendError(reason)
    raise PermanentSendError(reason)


def status_reports(payload: Any) -> list[StatusReport]:
    """The statuses in a webhook's body (`object: whatsapp_business_account`); ValueError
    with a reason when the body is not shaped like one. Other changes (incoming messages,
    template updates) carry no statuses and give nothing."""
    if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
        raise ValueError("Not a WhatsApp Business Account notification.")
    reports = []
    for entry in _list(payload, "entry"):
        for change in _list(entry, "changes"):
            value = change.get("value") if isinstance(change, dict) else None
            if not isinstance(value, dict):
                raise ValueError("A change without a value object.")
            for status in _list(value, "statuses"):
                reports.append(_report(status))
    return reports


def _report(status: Any) -> StatusReport:
    if not isinstance(status, dict):
        raise ValueError("A status that is not an object.")
    wamid, name, stamp = status.get("id"), status.get("status"), status.get("timestamp")
    if not isinstance(wamid, str) or not wamid or name not in STATUSES:
        raise ValueError("A status without a message id or with an unknown status.")
    try:
        at = dt.datetime.fromtimestamp(int(stamp), tz=dt.UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        raise ValueError(f"A status with a bad timestamp: {stamp!r}.") from None
    errors = status.get("errors")
    errors = [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []
    error = "; ".join(
        f"WhatsApp error {e.get('code')}: {e.get('title') or e.get('message') or ''}".strip()
        for e in errors
    )
    return StatusReport(provider_message_id=wamid, status=name, at=at, error=error)


def _list(container: Any, key: str) -> list:
    value = container.get(key, []) if isinstance(container, dict) else None
    if not isinstance(value, list):
        raise ValueError(f"“{key}” is not a list.")
    return value
