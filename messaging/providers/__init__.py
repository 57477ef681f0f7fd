"""Provider backends behind one interface (base.Provider). MESSAGING_BACKEND picks them:
"console" (the default: nothing is sent, messages go to the log and a file), or the live
providers to use — "whatsapp", "sms" or both — each sending the messages of its channel."""

from __future__ import annotations

from django.conf import settings

from messaging.providers.base import (
    Attachment,
    PermanentSendError,
    Provider,
    SendError,
    SendResult,
    StatusReport,
    TransientSendError,
)

__all__ = [
    "Attachment",
    "PermanentSendError",
    "Provider",
    "SendError",
    "SendResult",
    "StatusReport",
    "TransientSendError",
    "enabled_channels",
    "get_provider",
]

BACKENDS = ("console", "whatsapp", "sms")


def enabled_channels() -> set[str]:
    """The channels a message can go out on now (the console takes every channel)."""
    backends = set(settings.MESSAGING_BACKEND)
    return {"whatsapp", "sms"} if "console" in backends else backends & {"whatsapp", "sms"}


def get_provider(channel: str) -> Provider:
    """The backend that sends a message of `channel` (a Message.Channel value);
    PermanentSendError when none is configured for it."""
    backends = set(settings.MESSAGING_BACKEND)
    if "console" in backends:
        from messaging.providers.console import ConsoleProvider

        return ConsoleProvider()
    if channel not in backends:
        raise PermanentSendError(
            f"No backend sends {channel} messages (MESSAGING_BACKEND="
            f"{','.join(settings.MESSAGING_BACKEND)})."
        )
    if channel == "whatsapp":
        from messaging.providers.whatsapp import WhatsAppProvider

        return WhatsAppProvider()
    from messaging.providers.sms import SmsProvider

    return SmsProvider()
