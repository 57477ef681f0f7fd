"""The default backend when no provider is configured: nothing leaves the machine. Each
message goes to the `messaging` logger and one line of MESSAGES_LOG_FILE, and counts as
sent (with an id of its own), so a local run shows the outbox working end to end."""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
from pathlib import Path

from django.conf import settings

from messaging.providers.base import Attachment, SendResult

logger = logging.getLogger("messaging")


class ConsoleProvider:
    name = "console"

    def send(self, message, attachment: Attachment | None) -> SendResult:
        provider_id = f"console-{message.pk}-{secrets.token_hex(4)}"
        attached = (
            f" attachment={attachment.filename} ({len(attachment.content)} bytes)"
            if attachment
            else ""
        )
        # One line per message whatever the text holds: the text as a JSON string.
        line = (
            f"{dt.datetime.now(dt.UTC).isoformat(timespec='seconds')} {provider_id} "
            f"{message.channel} to {message.to} [{message.purpose}/{message.language}] "
            f"{json.dumps(message.text, ensure_ascii=False)}{attached}"
        )
        logger.info("Message (console backend, not sent): %s", line)
        if settings.MESSAGES_LOG_FILE:
            path = Path(settings.MESSAGES_LOG_FILE)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as log:
                log.write(line + "\n")
        return SendResult(provider_message_id=provider_id)
