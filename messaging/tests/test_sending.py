"""The sender against a local server that answers like the WhatsApp Cloud API: a message
goes out exactly once, a rate limit is retried with backoff, a refusal fails it."""

import datetime as dt

import pytest
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob
from procrastinate.jobs import Job

from earlybird.jobs import run_queued_jobs
from messaging import attachments
from messaging.models import Message
from messaging.sending import RetryableSendError
from messaging.tasks import send_message
from messaging.tests.fake_providers import (
    PHONE_NUMBER_ID,
    FakeWhatsApp,
    queued_message,
    use_whatsapp,
    whatsapp_error,
)

pytestmark = pytest.mark.django_db
Status = Message.Status


@pytest.fixture
def whatsapp(settings):
    with FakeWhatsApp() as server:
        use_whatsapp(settings, server)
        yield server


@pytest.fixture
def bill_pdf(monkeypatch):
    """An attachment maker, as billing registers "bill_pdf" at start-up."""
    made = []

    def make(ref: int) -> tuple[str, bytes, str]:
        made.append(ref)
        return f"bill-{ref}.pdf", b"%PDF-1.7 a test bill", "application/pdf"

    monkeypatch.setitem(attachments._makers, "test_pdf", make)
    return made


def a_job(attempts: int = 0) -> Job:
    return Job(
        id=1,
        queue="messages",
        lock=None,
        queueing_lock=None,
        task_name="messaging.send_message",
        task_kwargs={"message_id": 1},
        attempts=attempts,
    )


class TestSuccess:
    def test_it_sends_a_template_message_once_and_stores_the_providers_id(self, whatsapp):
        message = queued_message(template_name="bill_issued", template_params=["Lakshmi", "₹1,234"])
        send_message.defer(message_id=message.pk)

        assert run_queued_jobs() == ["messaging.send_message"]

        [post] = whatsapp.posts("/messages")
        assert post.path == f"/v21.0/{PHONE_NUMBER_ID}/messages"
        assert post.json == {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": f"91{message.to}",
            "type": "template",
            "template": {
                "name": "bill_issued",
                "language": {"code": "en"},
                "components": [
                    {
                        "type": "body",
                        "parameters": [
                            {"type": "text", "text": "Lakshmi"},
                            {"type": "text", "text": "₹1,234"},
                        ],
                    }
                ],
            },
        }
        message.refresh_from_db()
        assert message.status == Status.SENT
        assert message.provider_message_id == whatsapp.answers[0]["messages"][0]["id"]
        assert message.sent_at is not None
        assert message.attempts == 1

    def test_a_second_run_of_the_job_sends_nothing_more(self, whatsapp):
        message = queued_message()
        send_message(message_id=message.pk)
        message.refresh_from_db()
        first_id = message.provider_message_id

        send_message.defer(message_id=message.pk)
        run_queued_jobs()
        send_message(message_id=message.pk)

        assert len(whatsapp.posts("/messages")) == 1
        message.refresh_from_db()
        assert (message.status, message.provider_message_id, message.attempts) == (
            Status.SENT,
            first_id,
            1,
        )

    def test_without_a_template_it_sends_the_text(self, whatsapp):
        message = queued_message(language="te", text="మీ బిల్లు ₹1,234")
        send_message(message_id=message.pk)

        [post] = whatsapp.posts("/messages")
        assert post.json["type"] == "text"
        assert post.json["text"] == {"preview_url": False, "body": "మీ బిల్లు ₹1,234"}

    @pytest.mark.parametrize("status", [Status.SENDING, Status.SENT, Status.FAILED])
    def test_a_message_no_longer_queued_is_never_sent(self, whatsapp, status):
        message = queued_message(status=status, sent_at=timezone.now())
        send_message(message_id=message.pk)

        assert whatsapp.requests == []
        message.refresh_from_db()
        assert (message.status, message.attempts) == (status, 0)


class TestDocument:
    def test_it_uploads_the_pdf_then_sends_a_document_naming_that_media(self, whatsapp, bill_pdf):
        message = queued_message(attachment_kind="test_pdf", attachment_ref=42)
        send_message(message_id=message.pk)

        upload, send = whatsapp.requests
        assert upload.path == f"/v21.0/{PHONE_NUMBER_ID}/media"
        assert upload.headers["content-type"].startswith("multipart/form-data; boundary=")
        assert b"%PDF-1.7 a test bill" in upload.body
        assert b'name="messaging_product"\r\n\r\nwhatsapp' in upload.body
        assert b'name="type"\r\n\r\napplication/pdf' in upload.body
        assert b'filename="bill-42.pdf"' in upload.body
        assert send.json["type"] == "document"
        assert send.json["document"] == {
            "id": whatsapp.answers[0]["id"],
            "filename": "bill-42.pdf",
            "caption": message.text,
        }
        assert bill_pdf == [42]
        message.refresh_from_db()
        assert message.provider_message_id == whatsapp.answers[1]["messages"][0]["id"]

    def test_a_template_carries_the_pdf_as_its_document_header(self, whatsapp, bill_pdf):
        message = queued_message(
            template_name="bill_issued",
            template_params=["₹1,234"],
            attachment_kind="test_pdf",
            attachment_ref=7,
            attachment_name="EarlyBird bill Oct 2026.pdf",
        )
        send_message(message_id=message.pk)

        send = whatsapp.posts("/messages")[0]
        header, body = send.json["template"]["components"]
        assert header == {
            "type": "header",
            "parameters": [
                {
                    "type": "document",
                    "document": {
                        "id": whatsapp.answers[0]["id"],
                        "filename": "EarlyBird bill Oct 2026.pdf",
                    },
                }
            ],
        }
        assert body["parameters"] == [{"type": "text", "text": "₹1,234"}]

    def test_an_unknown_attachment_kind_fails_the_message_without_sending(self, whatsapp):
        message = queued_message(attachment_kind="nothing_like_it", attachment_ref=1)
        send_message(message_id=message.pk)

        assert whatsapp.requests == []
        message.refresh_from_db()
        assert message.status == Status.FAILED
        assert "nothing_like_it" in message.last_error

    def test_an_attachment_that_breaks_fails_the_message_and_the_job(self, whatsapp, monkeypatch):
        def broken(ref):
            raise RuntimeError("the PDF renderer crashed")

        monkeypatch.setitem(attachments._makers, "test_pdf", broken)
        message = queued_message(attachment_kind="test_pdf", attachment_ref=1)

        with pytest.raises(RuntimeError):
            send_message(message_id=message.pk)

        message.refresh_from_db()
        assert message.status == Status.FAILED
        assert message.last_error == "RuntimeError: the PDF renderer crashed"
        assert whatsapp.requests == []


class TestTransientErrors:
    def test_a_429_is_retried_with_backoff_and_then_sent_once(self, whatsapp):
        whatsapp.reply("/messages", 429, whatsapp_error(130429, "Rate limit hit"))
        message = queued_message()

        with pytest.raises(RetryableSendError) as raised:
            send_message(message_id=message.pk)

        message.refresh_from_db()
        assert message.status == Status.QUEUED
        assert message.attempts == 1
        assert "130429" in message.last_error
        assert "Rate limit hit" in message.last_error
        assert message.provider_message_id is None
        # The task's strategy retries that error after a backoff…
        decision = send_message.retry_strategy.get_retry_decision(
            exception=raised.value, job=a_job()
        )
        wait = decision.retry_at - timezone.now()
        assert dt.timedelta(seconds=4) < wait <= dt.timedelta(seconds=5)
        later = send_message.retry_strategy.get_retry_decision(
            exception=raised.value, job=a_job(attempts=2)
        )
        assert later.retry_at - timezone.now() > dt.timedelta(seconds=120)

        send_message(message_id=message.pk)  # …and the retry sends it.

        assert len(whatsapp.posts("/messages")) == 2
        message.refresh_from_db()
        assert (message.status, message.attempts, message.last_error) == (Status.SENT, 2, "")
        assert message.provider_message_id == whatsapp.answers[1]["messages"][0]["id"]

    def test_the_strategy_retries_only_send_errors_and_not_past_the_last_attempt(self, settings):
        retry = send_message.retry_strategy
        error = RetryableSendError("429")
        last = a_job(attempts=settings.MESSAGE_SEND_ATTEMPTS - 1)

        assert retry.get_retry_decision(exception=error, job=a_job()) is not None
        assert retry.get_retry_decision(exception=error, job=last) is None
        assert retry.get_retry_decision(exception=RuntimeError("bug"), job=a_job()) is None

    @pytest.mark.parametrize(
        ("status", "body"),
        [
            (500, whatsapp_error(1, "An unknown error occurred", "OAuthException")),
            (503, {"unexpected": "html or nothing"}),
            (400, whatsapp_error(131048, "Spam rate limit hit")),
        ],
    )
    def test_server_errors_and_rate_limit_codes_are_transient(self, whatsapp, status, body):
        whatsapp.reply("/messages", status, body)
        message = queued_message()

        with pytest.raises(RetryableSendError):
            send_message(message_id=message.pk)

        message.refresh_from_db()
        assert message.status == Status.QUEUED
        assert f"HTTP {status}" in message.last_error

    def test_a_provider_that_cannot_be_reached_is_transient(self, settings, whatsapp):
        whatsapp.__exit__()  # the server is gone: connection refused
        message = queued_message()

        with pytest.raises(RetryableSendError):
            send_message(message_id=message.pk)

        message.refresh_from_db()
        assert message.status == Status.QUEUED
        assert "Could not reach the provider" in message.last_error

    def test_after_the_last_attempt_the_message_fails(self, settings, whatsapp):
        settings.MESSAGE_SEND_ATTEMPTS = 2
        for _ in range(2):
            whatsapp.reply("/messages", 503, whatsapp_error(2, "Service temporarily unavailable"))
        message = queued_message()

        with pytest.raises(RetryableSendError):
            send_message(message_id=message.pk)
        send_message(message_id=message.pk)  # the last attempt: no exception, no retry

        message.refresh_from_db()
        assert message.status == Status.FAILED
        assert message.failed_at is not None
        assert "gave up after 2 tries" in message.last_error
        send_message(message_id=message.pk)
        assert len(whatsapp.posts("/messages")) == 2


class TestPermanentErrors:
    def test_a_refusal_fails_the_message_with_the_providers_reason_and_no_retry(self, whatsapp):
        whatsapp.reply(
            "/messages",
            400,
            whatsapp_error(132001, "Template name does not exist in the translation"),
        )
        message = queued_message(template_name="no_such_template")
        send_message.defer(message_id=message.pk)

        run_queued_jobs()  # the job ends normally: nothing for the engine to retry

        message.refresh_from_db()
        assert message.status == Status.FAILED
        assert message.failed_at is not None
        assert "132001" in message.last_error
        assert "Template name does not exist in the translation" in message.last_error
        assert ProcrastinateJob.objects.get().status == "succeeded"
        send_message(message_id=message.pk)
        assert len(whatsapp.posts("/messages")) == 1

    def test_a_success_without_a_message_id_is_not_sent_again(self, whatsapp):
        whatsapp.reply("/messages", 200, {"messaging_product": "whatsapp"})
        message = queued_message()
        send_message(message_id=message.pk)
        send_message(message_id=message.pk)

        message.refresh_from_db()
        assert message.status == Status.FAILED
        assert "without a message id" in message.last_error
        assert len(whatsapp.posts("/messages")) == 1


class TestSendAfter:
    def test_a_message_not_due_is_not_sent_early_but_deferred_to_its_time(
        self, whatsapp, frozen_clock
    ):
        later = timezone.now() + dt.timedelta(hours=2)
        message = queued_message(send_after=later)
        send_message.defer(message_id=message.pk)

        run_queued_jobs()

        assert whatsapp.requests == []
        message.refresh_from_db()
        assert (message.status, message.attempts) == (Status.QUEUED, 0)
        waiting = ProcrastinateJob.objects.get(status="todo")
        assert waiting.scheduled_at == later
        assert waiting.args == {"message_id": message.pk}

        frozen_clock.shift(dt.timedelta(hours=2, minutes=1))
        run_queued_jobs()

        assert len(whatsapp.posts("/messages")) == 1
        message.refresh_from_db()
        assert message.status == Status.SENT
