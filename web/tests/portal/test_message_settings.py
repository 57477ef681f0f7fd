"""/me/messages/: a customer chooses messages or none, WhatsApp or SMS, and the language;
the outbox then writes to them that way."""

import pytest
from django.urls import reverse

from customers.tests.factories import CustomerFactory
from messaging.models import Message, MessagePreference
from messaging.services import queue_message, set_preference

pytestmark = pytest.mark.django_db
URL = reverse("me:messages")


def test_the_page_shows_the_business_default_before_any_choice(client, owner):
    response = client.get(URL)

    form = response.context["form"]
    assert form.initial == {"opted_in": True, "channel": "whatsapp", "language": "en"}
    assert 'href="/me/messages/"' in response.content.decode()  # in the navigation
    assert not MessagePreference.objects.exists()  # reading writes nothing


def test_a_customer_chooses_sms_in_telugu_and_gets_it(client, owner):
    response = client.post(URL, {"opted_in": "on", "channel": "sms", "language": "te"}, follow=True)

    assert "Saved: messages by SMS in Telugu" in response.content.decode()
    message = queue_message(
        customer=owner,
        purpose=Message.Purpose.PAUSE_CONFIRMED,
        context={"name": owner.name, "products": "Cow milk", "days": "20/11/2026"},
    )
    assert (message.channel, message.language) == ("sms", "te")


def test_a_customer_turns_messages_off_and_keeps_the_kinds_support_set(client, owner):
    set_preference(
        customer=owner, opted_in=True, channel="whatsapp", language="en", opted_out=["alert"]
    )

    client.post(URL, {"channel": "whatsapp", "language": "hi"})

    preference = MessagePreference.objects.get(customer=owner)
    assert (preference.opted_in, preference.language) == (False, "hi")
    assert preference.opted_out == ["alert"]
    assert preference.history.latest().history_user == owner.user


def test_bad_input_is_a_form_error_and_changes_nothing(client, owner):
    response = client.post(URL, {"opted_in": "on", "channel": "fax", "language": "xx"})

    assert response.status_code == 200
    assert "fax is not one of the available choices" in response.content.decode()
    assert not MessagePreference.objects.exists()


def test_each_customer_changes_only_their_own(client, owner):
    other = CustomerFactory()

    client.post(URL, {"channel": "sms", "language": "en"})

    assert MessagePreference.objects.get().customer == owner
    assert not MessagePreference.objects.filter(customer=other).exists()
