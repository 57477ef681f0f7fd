"""SMS through an Indian gateway's HTTP API, modelled on MSG91's Flow API: every
commercial SMS in India must use a template registered on DLT, so a message is sent as
its template id plus variables, never as free text.

Send: POST {SMS_API_URL} with header `authkey`, JSON
    {"template_id": ..., "sender": SMS_SENDER_ID, "short_url": "0",
     "recipients": [{"mobiles": "91XXXXXXXXXX", "var1": ..., "var2": ...}]}
answered {"type": "success", "message": "<request id>"} or {"type": "error", ...}.
The template id is the message's `template_name` (the DLT / flow template id of the
MessageTemplate it was rendered from), else the setting SMS_TEMPLATE_ID.

Delivery reports (MSG91's webhook, JSON): one report
    {"requestId": "...", "number": "91...", "status": "1", "desc": "DELIVERED",
     "date": "2026-11-18 10:00:05"}
or a list of them; status 1 is delivered, 2 / 9 / 16 / 17 / 25 / 26 failed, others are
still on their way. Dates are Indian time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

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

IST = ZoneInfo("Asia/Kolkata")
DELIVERED = {"1"}
FAILED = {"2", "9", "16", "17", "25", "26"}


class SmsProvider:
    name = "sms"

    def __init__(self) -> None:
        self.url = settings.SMS_API_URL
        self.auth_key = settings.SMS_AUTH_KEY
        self.sender = settings.SMS_SENDER_ID
        self.default_template = settings.SMS_TEMPLATE_ID
        self.timeout = settings.MESSAGING_HTTP_TIMEOUT
        if not (self.url and self.auth_key):
            raise PermanentSendError("SMS is not configured: set SMS_API_URL and SMS_AUTH_KEY.")

    def send(self, message, attachment: Attachment | None) -> SendResult:
        template_id = message.template_name or self.default_template
        if not template_id:
            raise PermanentSendError("No DLT template id for this SMS (nor SMS_TEMPLATE_ID).")
        recipient = {"mobiles": international(message.to)}
        recipient.update({f"var{n}": str(v) for n, v in enumerate(message.template_params, 1)})
        payload: dict[str, Any] = {
            "template_id": template_id,
            "short_url": "0",
            "recipients": [recipient],
        }
        if self.sender:
            payload["sender"] = self.sender
        answer = http.post_json(
            self.url, payload, headers={"authkey": self.auth_key}, timeout=self.timeout
        )
        data = answer.data if isinstance(answer.data, dict) else {}
        reason = f"SMS gateway (HTTP {answer.status}): {data.get('message') or answer.text}"
        if answer.status == 429 or answer.status >= 500:
            raise TransientSendError(reason)
        if not answer.ok or data.get("type") != "success" or not data.get("message"):
            raise PermanentSendError(reason)
        return SendResult(provider_message_id=str(data["message"]))


def status_reports(payload: Any) -> list[StatusReport]:
    """The delivery reports in a webhook's body; ValueError with a reason when it is not
    shaped like one. Reports still under way (neither delivered nor failed) give nothing."""
    items = payload if isinstance(payload, list) else [payload]
    reports = []
    for item in items:
        if not isinstance(item, dict):
            raise ValueError("A delivery report that is not an object.")
        request_id, code = item.get("requestId"), str(item.get("status", ""))
        if not isinstance(request_id, str) or not request_id:
            raise ValueError("A delivery report without a requestId.")
        if code not in DELIVERED | FAILED:
            continue
        try:
            at = dt.datetime.strptime(str(item.get("date")), "%Y-%m-%d %H:%M:%S")
        except ValueError:
            raise ValueError(f"A delivery report with a bad date: {item.get('date')!r}.") from None
        desc = str(item.get("failedReason") or item.get("desc") or "")
        reports.append(
            StatusReport(
                provider_message_id=request_id,
                status="delivered" if code in DELIVERED else "failed",
                at=at.replace(tzinfo=IST),
                error="" if code in DELIVERED else f"SMS not delivered (status {code}): {desc}",
            )
        )
    return reports
