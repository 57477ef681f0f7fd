"""Sending the outbox through the configured provider, exactly once per message, and
recording what the providers report back.

A send claims its row first, in a short transaction of its own: only a message still
"queued", and due (`send_after` passed), is claimed; claiming makes it "sending" and
counts the attempt. So a job run twice, or two workers on one message, send it once: the
second finds it no longer queued. The provider is called outside any transaction, then a
second transaction records the outcome:

- accepted: "sent", with the provider's id (webhooks find the message by it);
- a transient failure (rate limit, provider down, timeout): "queued" again with the
  error, and RetryableSendError for the job engine to retry with backoff; after
  MESSAGE_SEND_ATTEMPTS attempts, "failed";
- a permanent failure, or anything unexpected: "failed", never retried.

A worker that dies between the claim and the outcome leaves the message "sending". It is
never resent automatically (the provider may well have sent it); the outbox page shows
it, and staff decide.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from messaging import attachments
from messaging.models import Message
from messaging.providers import (
    Attachment,
    PermanentSendError,
    StatusReport,
    TransientSendError,
    get_provider,
)

logger = logging.getLogger("messaging")
Status = Message.Status


class RetryableSendError(Exception):
    """The provider failed for now; the job should run again later (with backoff)."""


@dataclass(frozen=True)
class SendOutcome:
    status: str  # "sent", "failed", "skipped" (not queued any more) or "not_due"
    not_due_until: dt.datetime | None = None


def send_queued_message(*, message_id: int) -> SendOutcome:
    """Send one message if it is queued and due; see the module's docstring."""
    message, not_due_until = _claim(message_id)
    if not_due_until is not None:
        return SendOutcome("not_due", not_due_until=not_due_until)
    if message is None:
        return SendOutcome("skipped")
    try:
        result = get_provider(message.channel).send(message, _attachment(message))
    except TransientSendError as exc:
        if message.attempts >= settings.MESSAGE_SEND_ATTEMPTS:
            _finish(message, Status.FAILED, error=f"{exc} (gave up after {message.attempts} tries)")
            return SendOutcome("failed")
        _finish(message, Status.QUEUED, error=str(exc))
        logger.warning("Message %s not sent (will retry): %s", message.pk, exc)
        raise RetryableSendError(str(exc)) from exc
    except PermanentSendError as exc:
        _finish(message, Status.FAILED, error=str(exc))
        return SendOutcome("failed")
    except Exception as exc:
        # A bug or a failed attachment: fail the message (a "sending" row would stay
        # stuck) and let the job fail loudly with the traceback.
        _finish(message, Status.FAILED, error=f"{type(exc).__name__}: {exc}")
        raise
    _finish(message, Status.SENT, provider_message_id=result.provider_message_id)
    return SendOutcome("sent")


def _claim(message_id: int) -> tuple[Message | None, dt.datetime | None]:
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(no_key=True, of=("self",))
            .filter(pk=message_id)
            .first()
        )
        if message is None or message.status != Status.QUEUED:
            return None, None
        if message.send_after and message.send_after > timezone.now():
            return None, message.send_after
        message.status = Status.SENDING
        message.attempts += 1
        message.save(update_fields=["status", "attempts", "updated_at"])
    return message, None


def _attachment(message: Message) -> Attachment | None:
    if not message.attachment_kind:
        return None
    if message.attachment_ref is None:
        raise PermanentSendError(f"The {message.attachment_kind} attachment names nothing.")
    try:
        filename, content, content_type = attachments.make(
            message.attachment_kind, message.attachment_ref
        )
    except LookupError as exc:
        raise PermanentSendError(str(exc)) from exc
    return Attachment(message.attachment_name or filename, content, content_type)


def _finish(
    message: Message, status: str, *, error: str = "", provider_message_id: str | None = None
) -> None:
    """Record the outcome of this claim (only on the row this send claimed)."""
    now = timezone.now()
    changes: dict = {"status": status, "last_error": error[:2000], "updated_at": now}
    if status == Status.SENT:
        changes.update(provider_message_id=provider_message_id, sent_at=now)
    elif status == Status.FAILED:
        changes["failed_at"] = now
        logger.warning("Message %s failed: %s", message.pk, error)
    Message.objects.filter(pk=message.pk, status=Status.SENDING).update(**changes)


# --- what the providers report back (webhooks) -------------------------------------------


def record_statuses(*, reports: Iterable[StatusReport]) -> int:
    """Apply the providers' status reports to the messages they name; returns how many
    messages changed. A status never moves backwards (read, then a late "delivered",
    stays read; a delivered message does not fail) and unknown ids are ignored."""
    reports = sorted(reports, key=lambda report: report.at)
    if not reports:
        return 0
    with transaction.atomic():
        messages = {
            message.provider_message_id: message
            for message in Message.objects.select_for_update(no_key=True, of=("self",))
            .filter(provider_message_id__in={report.provider_message_id for report in reports})
            .order_by("pk")
        }
        changed = {}
        for report in reports:
            message = messages.get(report.provider_message_id)
            if message is not None and _apply(message, report):
                changed[message.pk] = message
        for message in changed.values():
            message.save(
                update_fields=[
                    "status",
                    "delivered_at",
                    "read_at",
                    "failed_at",
                    "last_error",
                    "updated_at",
                ]
            )
    return len(changed)


def _apply(message: Message, report: StatusReport) -> bool:
    if report.status == Status.DELIVERED:
        changed = False
        if message.delivered_at is None and message.status in (Status.SENT, Status.READ):
            message.delivered_at = report.at
            changed = True
        if message.status == Status.SENT:
            message.status = Status.DELIVERED
        return changed
    if report.status == Status.READ and message.status in (Status.SENT, Status.DELIVERED):
        message.status, message.read_at = Status.READ, report.at
        return True
    if report.status == Status.FAILED and message.status == Status.SENT:
        message.status, message.failed_at = Status.FAILED, report.at
        message.last_error = (report.error or "The provider reported the message failed.")[:2000]
        return True
    return False  # "sent" (we knew), or a step backwards
