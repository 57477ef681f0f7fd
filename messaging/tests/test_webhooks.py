"""Status webhooks: a request signed with the provider's secret moves a message forward
(delivered, read, failed), never backwards; anything unsigned or wrongly signed is
refused and changes nothing; a body that is not the provider's JSON is a 400."""

import datetime as dt
import json

import pytest
from django.forms.models import model_to_dict
from django.test import Client
from django.utils import timezone

from messaging.models import Message
from messaging.tests.fake_providers import (
    APP_SECRET,
    SMS_SECRET,
    VERIFY_TOKEN,
    queued_message,
    signature,
)

pytestmark = pytest.mark.django_db
Status = Message.Status
WAMID = "wamid.HBgLOTE5ODQ4MDIyMzM4FQIAERgSQjM3"
WHATSAPP_URL = "/hooks/whatsapp/"
SMS_URL = "/hooks/sms/"
T0 = 1_795_000_000  # 18 Nov 2026, 16:36:40 IST


@pytest.fixture(autouse=True)
def secrets(settings):
    settings.WHATSAPP_APP_SECRET = APP_SECRET
    settings.WHATSAPP_VERIFY_TOKEN = VERIFY_TOKEN
    settings.SMS_WEBHOOK_SECRET = SMS_SECRET


@pytest.fixture
def client():
    """Like a provider: no session, no CSRF token (and CSRF checks on)."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def sent():
    message = queued_message()
    Message.objects.filter(pk=message.pk).update(
        status=Status.SENT, provider_message_id=WAMID, sent_at=timezone.now(), attempts=1
    )
    message.refresh_from_db()
    return message


def notification(*statuses: dict) -> bytes:
    """A WhatsApp Cloud API webhook body carrying these statuses."""
    return json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "102290129340398",
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": {
                                    "display_phone_number": "15550783881",
                                    "phone_number_id": "106540352242922",
                                },
                                "statuses": list(statuses),
                            },
                        }
                    ],
                }
            ],
        }
    ).encode()


def status(name: str, at: int = T0, wamid: str = WAMID, **extra) -> dict:
    return {
        "id": wamid,
        "status": name,
        "timestamp": str(at),
        "recipient_id": "919848022338",
        **extra,
    }


def post_whatsapp(client, body: bytes, sign_with: str | None = APP_SECRET, **headers):
    if sign_with is not None:
        headers["X-Hub-Signature-256"] = signature(body, sign_with)
    return client.post(WHATSAPP_URL, body, content_type="application/json", headers=headers)


def at(stamp: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(stamp, tz=dt.UTC)


class TestWhatsAppStatuses:
    def test_a_signed_delivered_status_marks_the_message_delivered(self, client, sent):
        response = post_whatsapp(client, notification(status("delivered")))

        assert response.status_code == 200
        sent.refresh_from_db()
        assert sent.status == Status.DELIVERED
        assert sent.delivered_at == at(T0)

    def test_delivered_then_read_in_one_notification(self, client, sent):
        body = notification(status("delivered", T0), status("read", T0 + 60))
        post_whatsapp(client, body)

        sent.refresh_from_db()
        assert (sent.status, sent.delivered_at, sent.read_at) == (
            Status.READ,
            at(T0),
            at(T0 + 60),
        )

    def test_a_late_delivered_after_read_does_not_move_it_back(self, client, sent):
        post_whatsapp(client, notification(status("read", T0 + 60)))
        post_whatsapp(client, notification(status("delivered", T0)))

        sent.refresh_from_db()
        assert sent.status == Status.READ
        assert sent.read_at == at(T0 + 60)
        assert sent.delivered_at == at(T0)  # learnt late, kept; the status stays read

    def test_a_failed_status_fails_the_message_with_the_providers_error(self, client, sent):
        errors = [{"code": 131026, "title": "Message undeliverable"}]
        post_whatsapp(client, notification(status("failed", errors=errors)))

        sent.refresh_from_db()
        assert sent.status == Status.FAILED
        assert sent.failed_at == at(T0)
        assert sent.last_error == "WhatsApp error 131026: Message undeliverable"

    def test_a_delivered_message_does_not_fail_afterwards(self, client, sent):
        post_whatsapp(client, notification(status("delivered")))
        post_whatsapp(client, notification(status("failed", T0 + 5)))

        sent.refresh_from_db()
        assert sent.status == Status.DELIVERED
        assert sent.failed_at is None

    def test_unknown_message_ids_are_ignored(self, client, sent):
        before = model_to_dict(Message.objects.get(pk=sent.pk))
        response = post_whatsapp(client, notification(status("read", wamid="wamid.unknown")))

        assert response.status_code == 200
        assert model_to_dict(Message.objects.get(pk=sent.pk)) == before

    def test_a_notification_without_statuses_changes_nothing(self, client, sent):
        body = json.dumps(
            {
                "object": "whatsapp_business_account",
                "entry": [{"id": "1", "changes": [{"field": "messages", "value": {}}]}],
            }
        ).encode()
        assert post_whatsapp(client, body).status_code == 200
        sent.refresh_from_db()
        assert sent.status == Status.SENT


class TestWhatsAppSignature:
    @pytest.mark.parametrize(
        "headers",
        [
            {},
            {"X-Hub-Signature-256": "sha256=" + "0" * 64},
            {"X-Hub-Signature-256": "sha1=whatever"},
            {"X-Hub-Signature-256": "ünïcode"},
        ],
        ids=["missing", "wrong", "other-scheme", "non-ascii"],
    )
    def test_an_unsigned_or_wrongly_signed_request_is_refused_and_changes_nothing(
        self, client, sent, headers
    ):
        before = model_to_dict(Message.objects.get(pk=sent.pk))
        response = post_whatsapp(client, notification(status("read")), sign_with=None, **headers)

        assert response.status_code == 403
        assert model_to_dict(Message.objects.get(pk=sent.pk)) == before

    def test_a_request_signed_with_another_secret_is_refused(self, client, sent):
        response = post_whatsapp(client, notification(status("read")), sign_with="not-ours")

        assert response.status_code == 403
        sent.refresh_from_db()
        assert sent.status == Status.SENT

    def test_a_signature_of_another_body_is_refused(self, client, sent):
        other = signature(notification(status("delivered")), APP_SECRET)
        response = post_whatsapp(
            client, notification(status("read")), sign_with=None, **{"X-Hub-Signature-256": other}
        )

        assert response.status_code == 403
        sent.refresh_from_db()
        assert sent.status == Status.SENT

    def test_without_an_app_secret_configured_everything_is_refused(self, client, settings, sent):
        settings.WHATSAPP_APP_SECRET = ""
        response = post_whatsapp(client, notification(status("read")), sign_with="")

        assert response.status_code == 403
        sent.refresh_from_db()
        assert sent.status == Status.SENT


class TestMalformed:
    @pytest.mark.parametrize(
        ("body", "reason"),
        [
            (b"{not json", b"not JSON"),
            (b"\xff\xfe", b"not JSON"),
            (b'{"object": "page", "entry": []}', b"Not a WhatsApp Business Account"),
            (b'{"object": "whatsapp_business_account", "entry": "x"}', b"is not a list"),
            (
                notification({"id": WAMID, "status": "read", "timestamp": "soon"}),
                b"bad timestamp",
            ),
            (notification({"id": WAMID, "status": "opened", "timestamp": "1"}), b"unknown"),
            (notification(["not", "an", "object"]), b"not an object"),
        ],
    )
    def test_a_signed_body_that_is_not_a_notification_is_a_400_with_a_reason(
        self, client, sent, body, reason
    ):
        response = post_whatsapp(client, body)

        assert response.status_code == 400
        assert reason in response.content
        sent.refresh_from_db()
        assert sent.status == Status.SENT


class TestWhatsAppVerification:
    def test_the_right_verify_token_gets_the_challenge_back(self, client):
        response = client.get(
            WHATSAPP_URL,
            {
                "hub.mode": "subscribe",
                "hub.verify_token": VERIFY_TOKEN,
                "hub.challenge": "1158201444",
            },
        )

        assert response.status_code == 200
        assert response.content == b"1158201444"
        assert response["Content-Type"].startswith("text/plain")

    @pytest.mark.parametrize(
        "query",
        [
            {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "8731"},
            {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "8731"},
            {"hub.challenge": "8731"},
        ],
    )
    def test_anything_else_is_refused(self, client, query):
        response = client.get(WHATSAPP_URL, query)

        assert response.status_code == 403
        assert b"8731" not in response.content

    def test_without_a_verify_token_configured_nothing_verifies(self, client, settings):
        settings.WHATSAPP_VERIFY_TOKEN = ""
        response = client.get(
            WHATSAPP_URL, {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "7"}
        )

        assert response.status_code == 403


class TestSmsReports:
    @pytest.fixture
    def sms(self):
        message = queued_message(channel=Message.Channel.SMS)
        Message.objects.filter(pk=message.pk).update(
            status=Status.SENT, provider_message_id="3665646f1234567890", sent_at=timezone.now()
        )
        return message

    def report(self, code: str, desc: str) -> bytes:
        return json.dumps(
            {
                "requestId": "3665646f1234567890",
                "number": "919848022338",
                "status": code,
                "desc": desc,
                "date": "2026-11-18 10:00:05",
                "senderId": "ERLYBD",
            }
        ).encode()

    def post(self, client, body: bytes, secret: str = SMS_SECRET):
        return client.post(
            SMS_URL,
            body,
            content_type="application/json",
            headers={"X-Signature-256": signature(body, secret)},
        )

    def test_a_signed_delivery_report_marks_the_sms_delivered(self, client, sms):
        response = self.post(client, self.report("1", "DELIVERED"))

        assert response.status_code == 200
        sms.refresh_from_db()
        assert sms.status == Status.DELIVERED
        assert timezone.localtime(sms.delivered_at).replace(tzinfo=None) == dt.datetime(
            2026, 11, 18, 10, 0, 5
        )

    def test_a_failure_report_fails_it_with_the_reason(self, client, sms):
        self.post(client, self.report("17", "Blocked number"))

        sms.refresh_from_db()
        assert sms.status == Status.FAILED
        assert sms.last_error == "SMS not delivered (status 17): Blocked number"

    def test_a_report_still_under_way_changes_nothing(self, client, sms):
        assert self.post(client, self.report("8", "SENT TO OPERATOR")).status_code == 200
        sms.refresh_from_db()
        assert sms.status == Status.SENT

    def test_a_wrongly_signed_report_is_refused_and_changes_nothing(self, client, sms):
        response = self.post(client, self.report("1", "DELIVERED"), secret="guess")

        assert response.status_code == 403
        sms.refresh_from_db()
        assert sms.status == Status.SENT
        assert sms.delivered_at is None

    def test_a_report_without_a_request_id_is_a_400(self, client, sms):
        response = self.post(client, b'[{"status": "1"}]')

        assert response.status_code == 400
        assert b"requestId" in response.content

    def test_a_get_is_not_allowed(self, client):
        assert client.get(SMS_URL).status_code == 405
