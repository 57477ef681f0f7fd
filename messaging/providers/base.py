"""What every provider backend offers the sender: `send(message, attachment)`, and the two
ways a send can fail. A transient failure (rate limit, the provider down, a timeout) is
retried later with backoff; a permanent one (a bad number, a template the provider does
not know, any other refusal) marks the message failed and is never retried."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple, Protocol

if TYPE_CHECKING:
    from messaging.models import Message


class SendError(Exception):
    """A send did not go through; the text says why, as the provider put it."""


class TransientSendError(SendError):
    """Try again later: HTTP 429 or 5xx, a timeout, the connection refused."""


class PermanentSendError(SendError):
    """Trying again would not help: the provider refused this message."""


class Attachment(NamedTuple):
    filename: str
    content: bytes
    content_type: str


@dataclass(frozen=True)
class SendResult:
    provider_message_id: str


@dataclass(frozen=True)
class StatusReport:
    """What a provider's webhook says happened to one message it sent."""

    provider_message_id: str
    status: str  # "sent", "delivered", "read" or "failed" (Message.Status values)
    at: dt.datetime
    error: str = ""


class Provider(Protocol):
    name: str

    def send(self, message: Message, attachment: Attachment | None) -> SendResult: ...


def international(phone: str) -> str:
    """The number with India's country code, as the providers want it: 91XXXXXXXXXX."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return f"91{digits}" if len(digits) == 10 else digits
