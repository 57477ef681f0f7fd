"""Jobs of the outbox. (Helper B fills this in: claim the row, send through the
configured provider, store the provider id, retry transient errors with backoff.)"""

from earlybird.jobs import app


@app.task(name="messaging.send_message", queue="messages")
def send_message(message_id: int) -> None:
    """Send one queued Message (placeholder until the sender lands)."""
