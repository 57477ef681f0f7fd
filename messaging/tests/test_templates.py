"""Message templates: one active text per kind and language, seeded in English, Telugu and
Hindi, placeholders checked against each kind's list; rendering; the admin."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from customers.tests.factories import CustomerFactory, UserFactory
from earlybird.roles import ADMIN
from messaging.models import (
    PLACEHOLDERS,
    Message,
    MessagePreference,
    MessageSwitch,
    MessageTemplate,
)
from messaging.rendering import clean_value, fill, placeholders_of, render

pytestmark = pytest.mark.django_db

SCRIPTS = {"te": re.compile(r"[\u0C00-\u0C7F]"), "hi": re.compile(r"[\u0900-\u097F]")}
PAUSE = Message.Purpose.PAUSE_CONFIRMED


def refused_by_database(write, constraint: str) -> None:
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        write()


# --- the seeds -----------------------------------------------------------------------------


def test_every_kind_has_an_active_text_in_english_telugu_and_hindi():
    active = MessageTemplate.objects.filter(is_active=True)
    pairs = set(active.values_list("purpose", "language"))

    assert pairs == {(p, lang) for p in Message.Purpose.values for lang in ("en", "te", "hi")}
    for template in active:
        template.full_clean()  # every placeholder is one its kind knows
        if template.language in SCRIPTS:
            assert SCRIPTS[template.language].search(template.text), template
        else:
            assert not any(script.search(template.text) for script in SCRIPTS.values())


def test_every_seeded_text_uses_only_its_kinds_placeholders_and_names_the_customer():
    for template in MessageTemplate.objects.filter(is_active=True):
        used = placeholders_of(template.text, strict=True)
        assert set(used) <= set(PLACEHOLDERS[template.purpose])
        if template.purpose != Message.Purpose.ALERT:
            assert "name" in used, template


# --- what a template may say ---------------------------------------------------------------


def test_an_unknown_placeholder_or_one_of_another_kind_is_refused():
    with pytest.raises(ValidationError, match=r"Unknown placeholder \{nmae\}"):
        MessageTemplate(
            purpose=PAUSE, language="en", text="Hi {nmae}", is_active=False
        ).full_clean()
    with pytest.raises(ValidationError, match=r"Unknown placeholder \{bill_code\}"):
        MessageTemplate(
            purpose=PAUSE, language="en", text="Hi {name} {bill_code}", is_active=False
        ).full_clean()
    with pytest.raises(ValidationError, match="brace"):
        MessageTemplate(purpose=PAUSE, language="en", text="Hi {name", is_active=False).full_clean()
    with pytest.raises(ValidationError, match="not a placeholder name"):
        MessageTemplate(
            purpose=PAUSE, language="en", text="Hi {name.upper}", is_active=False
        ).full_clean()
    MessageTemplate(
        purpose=PAUSE, language="en", text="{{literal}} {name}", is_active=False
    ).full_clean()


def test_a_template_must_have_text():
    empty = MessageTemplate(purpose=PAUSE, language="en", text="", is_active=False)
    with pytest.raises(ValidationError) as excinfo:
        empty.full_clean()
    assert "text" in excinfo.value.message_dict
    refused_by_database(empty.save, "messaging_messagetemplate_has_text")
    kept = MessageTemplate.objects.create(purpose=PAUSE, language="en", text="Hi", is_active=False)
    refused_by_database(
        lambda: MessageTemplate.objects.filter(pk=kept.pk).update(text=""),
        "messaging_messagetemplate_has_text",
    )


def test_one_active_template_per_kind_and_language_and_any_number_inactive():
    second = MessageTemplate(purpose=PAUSE, language="en", text="Hi {name}")
    with pytest.raises(ValidationError, match="messaging_messagetemplate_one_active"):
        second.full_clean()
    refused_by_database(second.save, "messaging_messagetemplate_one_active")
    for text in ("Hi {name}", "Hello {name}"):
        MessageTemplate.objects.create(purpose=PAUSE, language="en", text=text, is_active=False)
    inactive = MessageTemplate.objects.filter(purpose=PAUSE, language="en", is_active=False)
    refused_by_database(
        lambda: inactive.filter(text="Hi {name}").update(is_active=True),
        "messaging_messagetemplate_one_active",
    )
    assert inactive.count() == 2


# --- rendering -------------------------------------------------------------------------------


def test_placeholders_come_in_the_order_of_their_first_use():
    assert placeholders_of("{b} {a} {b} {{c}} {d}") == ["b", "a", "d"]
    assert placeholders_of("lone { brace {a}") == ["a"]  # lenient unless strict


def test_clean_value_makes_one_safe_line():
    assert clean_value("a\r\nb\tc     d\x00e") == "a b c d e"
    assert clean_value("  padded  ") == "padded"
    assert clean_value("రవి\u200cకుమార్") == "రవి\u200cకుమార్"  # ZWNJ is spelling, kept
    assert clean_value("x" * 50, limit=10) == "x" * 9 + "…"


def test_render_leaves_out_the_lines_of_empty_values_only():
    text = "Hi {name}\nPay: {upi_link}\nBye {unknown}"

    assert render(text, {"name": "Ravi", "upi_link": ""}) == "Hi Ravi\nBye {unknown}"
    assert render(text, {"name": "Ravi", "upi_link": "upi://x"}) == (
        "Hi Ravi\nPay: upi://x\nBye {unknown}"
    )


def test_fill_writes_money_dates_and_words_for_the_language():
    filled = fill(
        "{amount} {paid_on} {method}",
        {
            "amount": Decimal("123456.5"),
            "paid_on": dt.date(2026, 11, 5),
            "method": lambda language: {"te": "నగదు"}.get(language, "cash"),
        },
        "te",
    )

    assert filled.text == "₹1,23,456.50 05/11/2026 నగదు"
    assert filled.params == ["₹1,23,456.50", "05/11/2026", "నగదు"]


# --- the admin -------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(roles=[ADMIN], is_staff=True, is_superuser=True))
    return client


def test_the_admin_refuses_an_unknown_placeholder_and_saves_a_good_text(admin_client):
    template = MessageTemplate.objects.get(purpose=PAUSE, language="hi", is_active=True)
    url = reverse("admin:messaging_messagetemplate_change", args=[template.pk])
    fields = {"purpose": PAUSE, "language": "hi", "is_active": "on"}

    refused = admin_client.post(url, {**fields, "text": "नमस्ते {naam}"})
    saved = admin_client.post(url, {**fields, "text": "नमस्ते {name}", "whatsapp_template": "p_hi"})

    assert "Unknown placeholder {naam}" in refused.content.decode()
    assert saved.status_code == 302
    template.refresh_from_db()
    assert (template.text, template.whatsapp_template) == ("नमस्ते {name}", "p_hi")
    assert template.history.count() == 1


def test_the_admin_saves_a_customers_choice_through_the_service(admin_client):
    customer = CustomerFactory()
    url = reverse("admin:messaging_messagepreference_add")

    response = admin_client.post(
        url,
        {
            "customer": customer.pk,
            "opted_in": "on",
            "channel": "sms",
            "language": "te",
            "opted_out": [PAUSE, Message.Purpose.DELIVERY_SUMMARY],
        },
    )

    assert response.status_code == 302
    preference = MessagePreference.objects.get(customer=customer)
    assert (preference.channel, preference.language) == ("sms", "te")
    assert preference.opted_out == sorted([PAUSE, Message.Purpose.DELIVERY_SUMMARY])
    assert not preference.wants(PAUSE) and preference.wants(Message.Purpose.BILL_ISSUED)
    assert preference.history.get().history_user is not None


def test_the_business_switches_are_seeded_on_and_editable_in_the_admin(admin_client):
    assert set(MessageSwitch.objects.filter(is_enabled=True).values_list("purpose", flat=True)) == (
        set(Message.Purpose.values)
    )
    switch = MessageSwitch.objects.get(purpose=PAUSE)
    url = reverse("admin:messaging_messageswitch_change", args=[switch.pk])

    assert admin_client.post(url, {}).status_code == 302  # the box unticked: off

    switch.refresh_from_db()
    assert switch.is_enabled is False
