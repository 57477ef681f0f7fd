"""The SMS gateway (a local server answering like MSG91's Flow API), the console backend
that is the default, and which backend a message goes through."""

import json
import logging

import pytest

from messaging.models import Message
from messaging.providers import enabled_channels, get_provider
from messaging.providers.base import international
from messaging.providers.console import ConsoleProvider
from messaging.sending import RetryableSendError
from messaging.tasks import send_message
from messaging.tests.fake_providers import SMS_AUTH_KEY, FakeMsg91, queued_message, use_msg91

pytestmark = pytest.mark.django_db
Status = Message.Status
DLT_TEMPLATE = "1207161234567890123"


@pytest.fixture
def msg91(settings):
    with FakeMsg91() as server:
        use_msg91(settings, server)
        yield server


def an_sms(**fields) -> Message:
    return queued_message(
        channel=Message.Channel.SMS,
        template_name=DLT_TEMPLATE,
        template_params=["Lakshmi", "1,234.00", "10-11-2026"],
        **fields,
    )


class TestSms:
    def test_it_sends_the_dlt_template_with_its_variables_and_stores_the_request_id(self, msg91):
        message = an_sms()
        send_message(message_id=message.pk)

        [post] = msg91.requests
        assert post.path == "/api/v5/flow"
        assert post.headers["authkey"] == SMS_AUTH_KEY
        assert post.json == {
            "template_id": DLT_TEMPLATE,
            "short_url": "0",
            "sender": "ERLYBD",
            "recipients": [
                {
                    "mobiles": f"91{message.to}",
                    "var1": "Lakshmi",
                    "var2": "1,234.00",
                    "var3": "10-11-2026",
                }
            ],
        }
        message.refresh_from_db()
        assert message.status == Status.SENT
        assert message.provider_message_id == msg91.answers[0]["message"]

    def test_without_a_template_of_its_own_it_uses_the_default_one(self, settings, msg91):
        settings.SMS_TEMPLATE_ID = "1207000000000000001"
        message = an_sms()
        message.template_name = ""
        message.save()
        send_message(message_id=message.pk)

        assert msg91.requests[0].json["template_id"] == "1207000000000000001"

    def test_without_any_dlt_template_it_fails_and_sends_nothing(self, msg91):
        message = an_sms()
        Message.objects.filter(pk=message.pk).update(template_name="")
        send_message(message_id=message.pk)

        assert msg91.requests == []
        message.refresh_from_db()
        assert message.status == Status.FAILED
        assert "DLT template" in message.last_error

    def test_an_error_answer_fails_the_message_with_the_gateways_reason(self, msg91):
        msg91.reply("/flow", 400, {"type": "error", "message": "Invalid template id"})
        message = an_sms()
        send_message(message_id=message.pk)

        message.refresh_from_db()
        assert message.status == Status.FAILED
        assert "Invalid template id" in message.last_error

    def test_a_server_error_is_retried(self, msg91):
        msg91.reply("/flow", 502, {"type": "error", "message": "Bad gateway"})
        message = an_sms()

        with pytest.raises(RetryableSendError):
            send_message(message_id=message.pk)
        send_message(message_id=message.pk)

        message.refresh_from_db()
        assert (message.status, message.attempts) == (Status.SENT, 2)
        assert len(msg91.requests) == 2


class TestConsole:
    def test_it_writes_one_line_and_counts_the_message_sent(self, settings, tmp_path, caplog):
        settings.MESSAGES_LOG_FILE = str(tmp_path / "logs" / "messages.log")
        message = queued_message(text="Bill ₹1,234.00\nPay by UPI")

        with caplog.at_level(logging.INFO, logger="messaging"):
            send_message(message_id=message.pk)

        message.refresh_from_db()
        assert message.status == Status.SENT
        assert message.provider_message_id.startswith(f"console-{message.pk}-")
        [line] = (tmp_path / "logs" / "messages.log").read_text(encoding="utf-8").splitlines()
        assert message.provider_message_id in line
        assert f"whatsapp to {message.to} [bill_issued/en]" in line
        assert json.dumps("Bill ₹1,234.00\nPay by UPI", ensure_ascii=False) in line
        # The log has it too (the id itself redacted there, as every token-like string).
        assert f"whatsapp to {message.to} [bill_issued/en]" in caplog.text

    def test_a_second_message_gets_its_own_id_and_line(self, settings, tmp_path):
        settings.MESSAGES_LOG_FILE = str(tmp_path / "messages.log")
        first, second = queued_message(), queued_message()
        send_message(message_id=first.pk)
        send_message(message_id=second.pk)

        first.refresh_from_db()
        second.refresh_from_db()
        assert first.provider_message_id != second.provider_message_id
        assert len((tmp_path / "messages.log").read_text().splitlines()) == 2


class TestChoosingTheBackend:
    def test_the_console_is_the_default_and_takes_every_channel(self, settings):
        assert settings.MESSAGING_BACKEND == ["console"]
        assert isinstance(get_provider("sms"), ConsoleProvider)
        assert enabled_channels() == {"whatsapp", "sms"}

    def test_a_channel_without_a_live_backend_fails_its_messages(self, settings, msg91):
        settings.MESSAGING_BACKEND = ["sms"]
        message = queued_message(channel=Message.Channel.WHATSAPP)
        send_message(message_id=message.pk)

        message.refresh_from_db()
        assert message.status == Status.FAILED
        assert "No backend sends whatsapp messages" in message.last_error
        assert msg91.requests == []
        assert enabled_channels() == {"sms"}

    def test_whatsapp_without_its_credentials_fails_the_message(self, settings):
        settings.MESSAGING_BACKEND = ["whatsapp"]
        message = queued_message()
        send_message(message_id=message.pk)

        message.refresh_from_db()
        assert message.status == Status.FAILED
        assert "WHATSAPP_ACCESS_TOKEN" in message.last_error


@pytest.mark.parametrize(
    ("stored", "sent"), [("9848022338", "919848022338"), ("919848022338", "919848022338")]
)
def test_numbers_go_to_the_providers_with_the_country_code(stored, sent):
    assert international(stored) == sent
