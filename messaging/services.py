"""Writes on the outbox: queue a message in the transaction of the business event that
causes it, and what customers and the business choose to receive.

`queue_message` (and `queue_messages` for many at once) writes the Message row and defers
its `send_message` job in the caller's transaction: roll the event back and neither
exists; commit and the job sends it (messaging.tasks). Nothing is queued when the
business has switched the kind off or the customer does not want it. A `dedupe_key`
already used returns the message it made and queues nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from customers.models import Customer
from earlybird.locks import lock_one
from earlybird.phones import InvalidPhone, normalise_phone
from messaging import selectors
from messaging.models import Message, MessagePreference, MessageSwitch, MessageTemplate
from messaging.rendering import fill
from messaging.tasks import send_message

logger = logging.getLogger("messaging")
BATCH = 1000  # rows per INSERT, jobs per defer, keys per lookup
KEY_MAX = Message._meta.get_field("dedupe_key").max_length


@dataclass(frozen=True)
class Outgoing:
    """One message to queue: for whom, why, with which values (messaging.rendering)."""

    customer: Customer
    purpose: str
    context: Mapping[str, object]
    dedupe_key: str | None = None
    attachment_kind: str = ""
    attachment_ref: int | None = None
    attachment_name: str = ""
    send_after: datetime | None = None


@dataclass
class _Queued:
    message: Message | None  # None: switched off or not wanted
    created: bool = field(default=False)


def queue_message(
    *,
    customer: Customer,
    purpose: str,
    context: dict,
    dedupe_key: str | None = None,
    attachment_kind: str = "",
    attachment_ref: int | None = None,
    attachment_name: str = "",
    send_after: datetime | None = None,
) -> Message | None:
    """Queue one message to a customer (see the module's docstring); None when the
    business or the customer has it switched off."""
    outgoing = Outgoing(
        customer=customer,
        purpose=purpose,
        context=context,
        dedupe_key=dedupe_key,
        attachment_kind=attachment_kind,
        attachment_ref=attachment_ref,
        attachment_name=attachment_name,
        send_after=send_after,
    )
    return _queue([outgoing])[0].message


def queue_messages(outgoing: Iterable[Outgoing]) -> list[Message]:
    """Queue many messages at once (a month's bills): a handful of queries whatever their
    number, one job each. Returns the messages queued now (not those already queued)."""
    return [queued.message for queued in _queue(list(outgoing)) if queued.created]


def queue_or_refresh_message(
    *,
    customer: Customer,
    purpose: str,
    context: dict,
    dedupe_key: str,
    send_after: datetime | None = None,
) -> Message | None:
    """The message for `dedupe_key`: queued if new; while still queued, written again with
    these values and sent no earlier than the new `send_after`; once sending has begun,
    left as it is (it is never sent twice). None if it is, or is now, not wanted.

    Only the first write defers a job. That job wakes at the first `send_after`, finds the
    message not due yet and defers itself for the new time (messaging.tasks), so the
    message goes once, `send_after` after the last change.
    """
    with transaction.atomic():
        current = (
            Message.objects.select_for_update(no_key=True, of=("self",))
            .filter(dedupe_key=dedupe_key)
            .first()
        )
        if current is None:
            return queue_message(
                customer=customer,
                purpose=purpose,
                context=context,
                dedupe_key=dedupe_key,
                send_after=send_after,
            )
        if current.status != Message.Status.QUEUED:
            return current
        fresh = _compose(
            Outgoing(customer, purpose, context, dedupe_key=dedupe_key, send_after=send_after),
            enabled=selectors.enabled_purposes(),
            preferences=selectors.preferences_for([customer.pk]),
            templates=selectors.active_templates([purpose]),
        )
        if fresh is None:
            current.delete()
            return None
        rewritten = ["to", "channel", "language", "text", "template_name", "template_params"]
        for name in [*rewritten, "send_after"]:
            setattr(current, name, getattr(fresh, name))
        current.save(update_fields=[*rewritten, "send_after", "updated_at"])
        return current


def withdraw_message(*, dedupe_key: str) -> bool:
    """Take back a message not sent yet (a delivery summary whose stops were all undone).
    Its job then finds nothing to send. False if there was none, or sending has begun."""
    with transaction.atomic():
        deleted, _ = Message.objects.filter(
            dedupe_key=dedupe_key, status=Message.Status.QUEUED
        ).delete()
    return bool(deleted)


def queue_alert(*, text: str, dedupe_key: str | None = None) -> list[Message]:
    """Tell the office (ALERT_PHONES, else BUSINESS_PHONE) something went wrong: one
    message per phone, in English. With a dedupe key, an alert goes once per phone."""
    if Message.Purpose.ALERT not in selectors.enabled_purposes():
        return []
    phones = _alert_phones()
    if not phones:
        logger.warning("Alert not queued (set ALERT_PHONES): %s", text)
        return []
    templates = selectors.active_templates([Message.Purpose.ALERT])
    template = selectors.template_for(templates, Message.Purpose.ALERT, "en")
    filled = fill(template.text, {"business": settings.BUSINESS_NAME, "text": text}, "en")
    queued = []
    with transaction.atomic():
        for phone in phones:
            key = _checked_key(f"{dedupe_key}:{phone}") if dedupe_key else None
            if key and Message.objects.filter(dedupe_key=key).exists():
                continue
            message = Message(
                to=phone,
                channel=Message.Channel.WHATSAPP,
                purpose=Message.Purpose.ALERT,
                language=template.language,
                text=filled.text,
                template_name=template.whatsapp_template,
                template_params=filled.params,
                dedupe_key=key,
            )
            message, created = _insert_one(message)
            if created:
                queued.append(message)
        _defer(queued)
    return queued


def _alert_phones() -> list[str]:
    phones = []
    for raw in settings.ALERT_PHONES or [settings.BUSINESS_PHONE]:
        try:
            phone = normalise_phone(raw)
        except InvalidPhone:
            if raw:
                logger.warning("Alert phone %r is not a mobile number; skipped.", raw)
            continue
        if phone not in phones:
            phones.append(phone)
    return phones


# --- queueing ----------------------------------------------------------------------------


def _checked_key(key: str | None) -> str | None:
    if key is not None and not 0 < len(key) <= KEY_MAX:
        raise ValueError(f"A dedupe key has 1 to {KEY_MAX} characters: {key[:120]!r}")
    return key


def _queue(items: list[Outgoing]) -> list[_Queued]:
    if not items:
        return []
    for item in items:
        if item.purpose not in Message.Purpose.values or item.purpose == Message.Purpose.ALERT:
            raise ValueError(f"Not a purpose of a customer's message: {item.purpose!r}")
        _checked_key(item.dedupe_key)
    with transaction.atomic():
        existing = _existing({item.dedupe_key for item in items if item.dedupe_key})
        enabled = selectors.enabled_purposes()
        preferences = selectors.preferences_for(item.customer.pk for item in items)
        templates = selectors.active_templates({item.purpose for item in items})
        outcomes = []
        for item in items:
            if item.dedupe_key in existing:
                outcomes.append(_Queued(existing[item.dedupe_key]))
                continue
            message = _compose(item, enabled=enabled, preferences=preferences, templates=templates)
            if message is not None and item.dedupe_key:
                existing[item.dedupe_key] = message  # the same key twice in one batch
            outcomes.append(_Queued(message, created=message is not None))
        _insert(outcomes)
        _defer([queued.message for queued in outcomes if queued.created])
    return outcomes


def _existing(keys: set[str]) -> dict[str, Message]:
    found: dict[str, Message] = {}
    keys = sorted(keys)
    for start in range(0, len(keys), BATCH):
        chunk = keys[start : start + BATCH]
        found.update((m.dedupe_key, m) for m in Message.objects.filter(dedupe_key__in=chunk))
    return found


def _compose(
    item: Outgoing,
    *,
    enabled: set[str],
    preferences: dict[int, MessagePreference],
    templates: dict[tuple[str, str], MessageTemplate],
) -> Message | None:
    """The message as it will be sent, or None when it is not wanted."""
    if item.purpose not in enabled:
        return None
    customer = item.customer
    preference = preferences.get(customer.pk) or MessagePreference(customer_id=customer.pk)
    if not preference.wants(item.purpose):
        return None
    template = selectors.template_for(templates, item.purpose, preference.language)
    context = {"business": settings.BUSINESS_NAME, **item.context}
    filled = fill(template.text, context, template.language)
    by_whatsapp = preference.channel == Message.Channel.WHATSAPP
    return Message(
        customer=customer,
        to=customer.phone,
        channel=preference.channel,
        purpose=item.purpose,
        language=template.language,
        text=filled.text,
        template_name=template.whatsapp_template if by_whatsapp else template.sms_template_id,
        template_params=filled.params,
        attachment_kind=item.attachment_kind,
        attachment_ref=item.attachment_ref,
        attachment_name=item.attachment_name[:100],
        dedupe_key=item.dedupe_key,
        send_after=item.send_after,
    )


def _insert(outcomes: list[_Queued]) -> None:
    new = [queued.message for queued in outcomes if queued.created]
    if not new:
        return
    try:
        with transaction.atomic():
            Message.objects.bulk_create(new, batch_size=BATCH)
    except IntegrityError:
        # Another transaction queued one of these keys meanwhile: row by row, keeping theirs.
        for queued in outcomes:
            if queued.created:
                queued.message, queued.created = _insert_one(queued.message)


def _insert_one(message: Message) -> tuple[Message, bool]:
    """Insert the row; if its dedupe key is taken (by a transaction that committed while
    this one waited), the row that has it."""
    message.pk, message._state.adding = None, True
    try:
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:
        if not message.dedupe_key:
            raise
        return Message.objects.get(dedupe_key=message.dedupe_key), False
    return message, True


def _defer(messages: list[Message]) -> None:
    """One send_message job per message, in this transaction, due at its send_after."""
    by_time: dict[datetime | None, list[int]] = {}
    for message in messages:
        by_time.setdefault(message.send_after, []).append(message.pk)
    for when, ids in by_time.items():
        deferrer = send_message.configure(schedule_at=when)
        for start in range(0, len(ids), BATCH):
            deferrer.batch_defer(*({"message_id": pk} for pk in ids[start : start + BATCH]))


# --- choices -----------------------------------------------------------------------------


def set_preference(
    *,
    customer: Customer,
    opted_in: bool,
    channel: str,
    language: str,
    opted_out: Iterable[str] = (),
    by=None,
) -> MessagePreference:
    """A customer's choice of messages (made on first change; the admin and /me/)."""
    with transaction.atomic():
        lock_one(Customer.objects, pk=customer.pk)  # one change of a customer's at a time
        preference = MessagePreference.objects.filter(
            customer=customer
        ).first() or MessagePreference(customer=customer)
        preference.opted_in = bool(opted_in)
        preference.channel = channel
        preference.language = language
        preference.opted_out = sorted(set(opted_out))
        preference._history_user = by
        preference.full_clean()
        preference.save()
    return preference


def set_switch(*, purpose: str, enabled: bool, by=None) -> MessageSwitch:
    """The business's on/off for one kind of message."""
    if purpose not in Message.Purpose.values:
        raise ValidationError({"purpose": f"“{purpose}” is not a kind of message."})
    with transaction.atomic():
        switch, _ = MessageSwitch.objects.select_for_update().get_or_create(purpose=purpose)
        switch.is_enabled = bool(enabled)
        switch._history_user = by
        switch.save()
    return switch
