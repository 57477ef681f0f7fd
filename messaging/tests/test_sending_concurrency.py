"""Two jobs for one message running at the same moment (two workers) send it once: the
claim locks the row, and the second finds it no longer queued."""

import threading
import time

import pytest
from django.db import connection, transaction

from messaging.models import Message
from messaging.sending import send_queued_message
from messaging.tests.fake_providers import FakeWhatsApp, queued_message, use_whatsapp


def sessions_waiting_for_a_lock() -> int:
    with connection.cursor() as cursor:
        # Inside a transaction the statistics are a snapshot: take a fresh one each time.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_two_sends_at_once_send_the_message_once(settings):
    with FakeWhatsApp() as server:
        use_whatsapp(settings, server)
        message = queued_message()
        outcomes = []

        def send() -> None:
            try:
                outcomes.append(send_queued_message(message_id=message.pk).status)
            finally:
                connection.close()

        threads = [threading.Thread(target=send) for _ in range(2)]
        with transaction.atomic():
            # Hold the row while both start, so both reach their claim together.
            Message.objects.select_for_update().get(pk=message.pk)
            for thread in threads:
                thread.start()
            deadline = time.monotonic() + 10
            while sessions_waiting_for_a_lock() < 2 and time.monotonic() < deadline:
                time.sleep(0.02)
            assert sessions_waiting_for_a_lock() == 2
        for thread in threads:
            thread.join(timeout=15)

    assert sorted(outcomes) == ["sent", "skipped"]
    assert len(server.posts("/messages")) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.SENT, 1)
