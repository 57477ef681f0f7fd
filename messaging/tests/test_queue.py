"""queue_message: a row and a job in the caller's transaction, once per key, only when
the business and the customer want it, in the customer's language, values made safe."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from customers.tests.factories import CustomerFactory
from earlybird.jobs import run_queued_jobs
from messaging.models import Message, MessagePreference, MessageSwitch, MessageTemplate
from messaging.services import (
    Outgoing,
    queue_alert,
    queue_message,
    queue_messages,
    queue_or_refresh_message,
    set_preference,
    set_switch,
    withdraw_message,
)

pytestmark = pytest.mark.django_db
Purpose = Message.Purpose
PAUSE = Purpose.PAUSE_CONFIRMED


@pytest.fixture
def customer():
    return CustomerFactory(name="Lakshmi Devi", phone="9848022338")


def pause_message(customer, **kwargs) -> Message | None:
    return queue_message(
        customer=customer,
        purpose=PAUSE,
        context={"name": customer.name, "products": "Cow milk", "days": "20/11/2026"},
        **kwargs,
    )


def jobs() -> list[dict]:
    return list(ProcrastinateJob.objects.values("task_name", "args", "status", "scheduled_at"))


class RolledBack(Exception):
    pass


# --- a row and a job, in the caller's transaction -------------------------------------------


def test_it_writes_the_message_and_defers_its_send_job(customer):
    message = pause_message(customer, dedupe_key="pause:1")

    assert (message.to, message.channel, message.language) == ("9848022338", "whatsapp", "en")
    assert message.status == Message.Status.QUEUED
    assert message.text == (
        "Hello Lakshmi Devi, as you asked, there will be no delivery of Cow milk: 20/11/2026. "
        "– EarlyBird Dairy"
    )
    # The provider template's parameters: the placeholders in the order the text uses them.
    assert message.template_params == ["Lakshmi Devi", "Cow milk", "20/11/2026", "EarlyBird Dairy"]
    [job] = jobs()
    assert job["task_name"] == "messaging.send_message"
    assert job["args"] == {"message_id": message.pk}
    assert job["status"] == "todo"


def test_a_rolled_back_transaction_leaves_no_message_and_no_job(customer):
    with pytest.raises(RolledBack), transaction.atomic():
        pause_message(customer)
        assert Message.objects.count() == 1 and len(jobs()) == 1
        raise RolledBack

    assert Message.objects.count() == 0
    assert jobs() == []


def test_the_job_sends_it_after_commit_through_the_console_backend(customer):
    message = pause_message(customer)

    assert run_queued_jobs() == ["messaging.send_message"]

    message.refresh_from_db()
    assert message.status == Message.Status.SENT and message.sent_at is not None


def test_a_later_send_after_schedules_the_job_for_then(customer):
    later = timezone.now() + dt.timedelta(minutes=15)

    message = pause_message(customer, send_after=later)

    assert message.send_after == later
    assert jobs()[0]["scheduled_at"] == later


# --- once per key ----------------------------------------------------------------------------


def test_a_dedupe_key_already_used_returns_that_message_and_queues_nothing(customer):
    first = pause_message(customer, dedupe_key="skip:7:2026-11-20")

    again = pause_message(customer, dedupe_key="skip:7:2026-11-20")

    assert again.pk == first.pk
    assert Message.objects.count() == 1
    assert len(jobs()) == 1


def test_many_at_once_skip_the_keys_already_used_and_repeats_in_the_batch(customer):
    other = CustomerFactory()
    pause_message(customer, dedupe_key="k1")
    context = {"name": "x", "products": "Curd", "days": "21/11/2026"}

    queued = queue_messages(
        [
            Outgoing(customer, PAUSE, context, dedupe_key="k1"),
            Outgoing(other, PAUSE, context, dedupe_key="k2"),
            Outgoing(other, PAUSE, context, dedupe_key="k2"),
            Outgoing(customer, PAUSE, context, dedupe_key="k3"),
        ]
    )

    assert [m.dedupe_key for m in queued] == ["k2", "k3"]
    assert Message.objects.count() == 3
    assert sorted(job["args"]["message_id"] for job in jobs()) == sorted(
        Message.objects.values_list("pk", flat=True)
    )


def test_many_at_once_take_a_constant_number_of_queries(django_assert_max_num_queries):
    customers = [CustomerFactory() for _ in range(30)]
    context = {"name": "x", "products": "Curd", "days": "21/11/2026"}

    # keys, switches, preferences, templates, one INSERT, one defer; and 2 savepoints
    with django_assert_max_num_queries(10):
        queued = queue_messages(
            Outgoing(c, PAUSE, context, dedupe_key=f"b{c.pk}") for c in customers
        )

    assert len(queued) == 30 and len(jobs()) == 30


# --- wanted or not ---------------------------------------------------------------------------


def test_nothing_is_queued_for_a_kind_the_business_switched_off(customer):
    set_switch(purpose=PAUSE, enabled=False)

    assert pause_message(customer) is None
    assert Message.objects.count() == 0 and jobs() == []
    assert MessageSwitch.objects.get(purpose=PAUSE).history.count() >= 1


def test_nothing_is_queued_for_a_customer_who_opted_out(customer):
    set_preference(customer=customer, opted_in=False, channel="whatsapp", language="en")

    assert pause_message(customer) is None
    assert Message.objects.count() == 0 and jobs() == []


def test_a_customer_may_refuse_one_kind_and_keep_the_others(customer):
    set_preference(
        customer=customer, opted_in=True, channel="sms", language="en", opted_out=[PAUSE]
    )

    assert pause_message(customer) is None
    receipt = queue_message(
        customer=customer,
        purpose=Purpose.PAYMENT_RECEIVED,
        context={"name": customer.name, "amount": "₹10.00"},
    )
    assert receipt.channel == Message.Channel.SMS


def test_without_a_choice_a_customer_gets_whatsapp_in_english(customer):
    assert not MessagePreference.objects.filter(customer=customer).exists()

    message = pause_message(customer)

    assert (message.channel, message.language) == ("whatsapp", "en")


def test_it_writes_in_the_customers_language(customer):
    set_preference(customer=customer, opted_in=True, channel="whatsapp", language="te")

    message = pause_message(customer)

    assert message.language == "te"
    assert message.text.startswith("నమస్కారం Lakshmi Devi గారు")


def test_without_a_template_in_their_language_it_falls_back_to_english(customer):
    set_preference(customer=customer, opted_in=True, channel="whatsapp", language="hi")
    MessageTemplate.objects.filter(purpose=PAUSE, language="hi").update(is_active=False)

    message = pause_message(customer)

    assert message.language == "en"
    assert message.text.startswith("Hello Lakshmi Devi")


def test_with_no_template_at_all_the_built_in_english_text_is_sent(customer):
    MessageTemplate.objects.filter(purpose=PAUSE).delete()

    message = pause_message(customer)

    assert message.text.startswith("Hello Lakshmi Devi, as you asked")


def test_the_provider_template_follows_the_channel(customer):
    MessageTemplate.objects.filter(purpose=PAUSE, language="en").update(
        whatsapp_template="pause_confirmed_v2", sms_template_id="1207161234567890123"
    )

    by_whatsapp = pause_message(customer, dedupe_key="a")
    set_preference(customer=customer, opted_in=True, channel="sms", language="en")
    by_sms = pause_message(customer, dedupe_key="b")

    assert by_whatsapp.template_name == "pause_confirmed_v2"
    assert by_sms.template_name == "1207161234567890123"


# --- values are made safe ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("{name}", "{name}"),
        ("{{ customer.user.password }}", "{{ customer.user.password }}"),
        ("Ravi\n\nTeja\tKumar", "Ravi Teja Kumar"),
        ("Ravi      Teja", "Ravi Teja"),
        ("Ravi\u202eajeT", "Ravi ajeT"),
        ("{products} {0} {name.__class__}", "{products} {0} {name.__class__}"),
    ],
)
def test_a_value_is_cleaned_and_never_read_as_template_syntax(customer, name, shown):
    message = queue_message(
        customer=customer,
        purpose=PAUSE,
        context={"name": name, "products": "Cow milk", "days": "20/11/2026"},
    )

    assert message.text.startswith(f"Hello {shown}, as you asked")
    assert message.text.count("Cow milk") == 1
    assert message.template_params[0] == shown
    for param in message.template_params:
        assert "\n" not in param and "\t" not in param and "    " not in param


def test_a_long_value_is_cut_short(customer):
    message = queue_message(
        customer=customer,
        purpose=PAUSE,
        context={"name": "x" * 1000, "products": "Cow milk", "days": "20/11/2026"},
    )

    assert len(message.template_params[0]) == 300
    assert message.template_params[0].endswith("…")


def test_a_line_with_an_empty_value_is_left_out_and_its_parameter_is_a_dash(customer):
    message = queue_message(
        customer=customer,
        purpose=Purpose.BILL_ISSUED,
        context={"name": "Ravi", "month": "October 2026", "amount_due": "₹10.00", "upi_link": ""},
    )

    assert "Pay by UPI" not in message.text
    assert "Amount due: ₹10.00" in message.text
    assert "-" in message.template_params  # the empty UPI link, as providers need a value


# --- the delivery summary's rewrite ---------------------------------------------------------


def summary(customer, status: str, *, minutes: int = 15) -> Message | None:
    return queue_or_refresh_message(
        customer=customer,
        purpose=Purpose.DELIVERY_SUMMARY,
        context={"name": customer.name, "status": status, "items": "Cow milk 1 litre"},
        dedupe_key="delivery:1:2026-11-18:morning",
        send_after=timezone.now() + dt.timedelta(minutes=minutes),
    )


def test_a_queued_message_is_written_again_without_a_second_job(customer):
    first = summary(customer, "delivered")

    second = summary(customer, "not delivered", minutes=30)

    assert second.pk == first.pk
    second.refresh_from_db()
    assert "not delivered" in second.text
    assert second.send_after > first.send_after
    assert len(jobs()) == 1


def test_a_message_already_sent_is_not_written_again(customer):
    first = summary(customer, "delivered")
    Message.objects.filter(pk=first.pk).update(
        status=Message.Status.SENT, sent_at=timezone.now(), send_after=None
    )

    again = summary(customer, "not delivered")

    again.refresh_from_db()
    assert "not delivered" not in again.text
    assert Message.objects.count() == 1 and len(jobs()) == 1


def test_a_message_not_sent_yet_can_be_withdrawn(customer):
    first = summary(customer, "delivered")

    assert withdraw_message(dedupe_key=first.dedupe_key)
    assert not Message.objects.exists()
    assert not withdraw_message(dedupe_key=first.dedupe_key)


# --- alerts to the office ---------------------------------------------------------------------


def test_an_alert_goes_to_each_alert_phone_once_per_key(settings):
    settings.ALERT_PHONES = ["98480 22338", "+91 90000 00001", "not a phone"]

    first = queue_alert(text="Reconcile found 2\nproblems", dedupe_key="reconcile:2026-10")
    again = queue_alert(text="Reconcile found 2 problems", dedupe_key="reconcile:2026-10")

    assert [m.to for m in first] == ["9848022338", "9000000001"]
    assert again == []
    message = first[0]
    assert message.customer is None and message.purpose == Purpose.ALERT
    assert message.text == "EarlyBird Dairy alert: Reconcile found 2 problems"
    assert len(jobs()) == 2


def test_without_alert_phones_the_business_phone_gets_alerts(settings):
    settings.ALERT_PHONES = []
    settings.BUSINESS_PHONE = "9848022338"

    [message] = queue_alert(text="Billing failed")

    assert message.to == "9848022338"


def test_without_any_phone_an_alert_is_only_logged(settings, caplog):
    settings.ALERT_PHONES = []
    settings.BUSINESS_PHONE = ""

    assert queue_alert(text="Billing failed") == []
    assert "Billing failed" in caplog.text
    assert not Message.objects.exists()
