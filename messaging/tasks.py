"""Jobs of the outbox: one `send_message` job per message, deferred by
messaging.services.queue_message in the transaction that writes the message (so the job
exists only if the message does). The sending itself is messaging.sending's."""

from django.conf import settings
from procrastinate import RetryStrategy

from earlybird.jobs import app
from messaging.sending import RetryableSendError, send_queued_message

# MESSAGE_SEND_ATTEMPTS runs in all (the first and its retries); a retry waits
# MESSAGE_RETRY_BACKOFF ** n seconds (5 s: 5 s, 25 s, 2 min, 10 min, 52 min).
# Only a transient provider error is retried; the message row counts the attempts too,
# and fails itself after the last.
SEND_RETRY = RetryStrategy(
    max_attempts=settings.MESSAGE_SEND_ATTEMPTS - 1,
    exponential_wait=settings.MESSAGE_RETRY_BACKOFF,
    retry_exceptions={RetryableSendError},
)


@app.task(name="messaging.send_message", queue="messages", retry=SEND_RETRY)
def send_message(message_id: int) -> None:
    """Send one queued Message, once. A message not due yet (`send_after` ahead) is not
    sent early: the job defers itself again for that moment."""
    outcome = send_queued_message(message_id=message_id)
    if outcome.not_due_until is not None:
        send_message.configure(schedule_at=outcome.not_due_until).defer(message_id=message_id)
