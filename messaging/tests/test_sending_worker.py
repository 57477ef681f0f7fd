"""A real Procrastinate worker, in this process, picks up the send job deferred after a
commit and sends the message through the provider once."""

import pytest
from procrastinate import RetryStrategy
from procrastinate.contrib.django.models import ProcrastinateJob

from earlybird.jobs import app
from messaging.models import Message
from messaging.sending import RetryableSendError
from messaging.tasks import SEND_RETRY, send_message
from messaging.tests.fake_providers import (
    FakeWhatsApp,
    queued_message,
    use_whatsapp,
    whatsapp_error,
)


def run_worker() -> None:
    """Run the worker until no job is left on the messages queue."""
    with app.replace_connector(app.connector.get_worker_connector()) as worker_app:
        worker_app.run_worker(
            queues=["messages"],
            wait=False,
            install_signal_handlers=False,
            listen_notify=False,
        )


@pytest.mark.real_clock  # the worker picks jobs by the database's clock
@pytest.mark.django_db(transaction=True)
def test_a_worker_sends_a_committed_message_once(settings):
    with FakeWhatsApp() as server:
        use_whatsapp(settings, server)
        message = queued_message(template_name="bill_issued", template_params=["₹1,234"])
        send_message.defer(message_id=message.pk)
        send_message.defer(message_id=message.pk)  # the same job queued twice

        run_worker()

    [post] = server.posts("/messages")
    assert post.json["template"]["name"] == "bill_issued"
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.provider_message_id == server.answers[0]["messages"][0]["id"]
    assert message.attempts == 1
    # (Job rows outlive a transactional test's flush: count this message's only.)
    sends = ProcrastinateJob.objects.filter(args={"message_id": message.pk})
    assert list(sends.values_list("status", flat=True)) == [
        "succeeded",
        "succeeded",
    ]


@pytest.mark.real_clock
@pytest.mark.django_db(transaction=True)
def test_the_worker_retries_a_rate_limited_send_and_it_goes_out_once(settings, monkeypatch):
    # The task's own strategy, with the backoff shortened to none for the test.
    quick = RetryStrategy(
        max_attempts=SEND_RETRY.max_attempts, retry_exceptions=SEND_RETRY.retry_exceptions
    )
    monkeypatch.setattr(send_message, "retry_strategy", quick)
    with FakeWhatsApp() as server:
        use_whatsapp(settings, server)
        server.reply("/messages", 429, whatsapp_error(130429, "Rate limit hit"))
        message = queued_message()
        send_message.defer(message_id=message.pk)

        run_worker()

    assert len(server.posts("/messages")) == 2
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.SENT, 2)
    job = ProcrastinateJob.objects.get(args={"message_id": message.pk})
    assert (job.status, job.attempts) == ("succeeded", 2)  # one job, run twice
    assert RetryableSendError in SEND_RETRY.retry_exceptions
