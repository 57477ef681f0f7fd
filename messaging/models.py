"""The outbox: every WhatsApp / SMS message to a customer (or an alert to the office) is
a `Message` row, written in the same transaction as the business event that causes it
(messaging.services.queue_message) and sent by a job after commit (messaging.tasks)."""

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from earlybird.models import TimeStampedModel
from messaging.rendering import placeholders_of


class Message(TimeStampedModel):
    class Channel(models.TextChoices):
        WHATSAPP = "whatsapp", "WhatsApp"
        SMS = "sms", "SMS"

    class Purpose(models.TextChoices):
        DELIVERY_SUMMARY = "delivery_summary", "Delivery summary"
        BILL_ISSUED = "bill_issued", "Bill issued"
        PAYMENT_RECEIVED = "payment_received", "Payment received"
        OVERDUE_REMINDER = "overdue_reminder", "Overdue reminder"
        PAUSE_CONFIRMED = "pause_confirmed", "Pause or skip confirmed"
        WALLET_RECHARGED = "wallet_recharged", "Wallet recharged"
        PAUSED_LOW_BALANCE = "paused_low_balance", "Paused: low wallet balance"
        ALERT = "alert", "Alert to the office"

    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        TELUGU = "te", "Telugu (తెలుగు)"
        HINDI = "hi", "Hindi (हिन्दी)"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        DELIVERED = "delivered", "Delivered"
        READ = "read", "Read"
        FAILED = "failed", "Failed"

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="messages",
        help_text="Empty only for an alert to the office.",
    )
    to = models.CharField(max_length=20, help_text="The recipient's phone, digits only.")
    channel = models.CharField(max_length=10, choices=Channel)
    purpose = models.CharField(max_length=20, choices=Purpose)
    language = models.CharField(max_length=2, choices=Language, default=Language.ENGLISH)
    text = models.TextField(help_text="The message as rendered when it was queued.")
    # For providers that send pre-approved templates (WhatsApp, DLT SMS): the template's
    # name at the provider and its body parameters, in order.
    template_name = models.CharField(max_length=100, blank=True)
    template_params = models.JSONField(default=list, blank=True)
    # An attachment made when the message is sent (a bill's PDF): its kind and the id of
    # what it is made from. messaging.attachments knows how to make each kind.
    attachment_kind = models.CharField(max_length=20, blank=True)
    attachment_ref = models.BigIntegerField(null=True, blank=True)
    attachment_name = models.CharField(max_length=100, blank=True)
    # One message per business fact ("bill:42", "delivery:7:2026-11-29:morning"): a
    # second queue_message for the same key changes nothing.
    dedupe_key = models.CharField(max_length=100, null=True, blank=True, unique=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    send_after = models.DateTimeField(null=True, blank=True)
    provider_message_id = models.CharField(max_length=200, null=True, blank=True, unique=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="messaging_status_created")]
        constraints = [
            models.CheckConstraint(
                condition=Q(customer__isnull=False) | Q(purpose="alert"),
                name="messaging_message_customer_unless_alert",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="messaging_message_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} to {self.to} ({self.status})"


# --- what is sent, and to whom ---------------------------------------------------------

# The {placeholders} each purpose's text may use (the admin refuses any other), in the
# order a provider template would number them when the text uses them all.
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    Message.Purpose.DELIVERY_SUMMARY: ("name", "date", "shift", "status", "items", "business"),
    Message.Purpose.BILL_ISSUED: (
        "name",
        "month",
        "amount_due",
        "bill_code",
        "due_date",
        "upi_link",
        "business",
    ),
    Message.Purpose.PAYMENT_RECEIVED: (
        "name",
        "amount",
        "paid_on",
        "method",
        "payment_code",
        "balance",
        "business",
    ),
    Message.Purpose.OVERDUE_REMINDER: (
        "name",
        "month",
        "amount_due",
        "bill_code",
        "due_date",
        "upi_link",
        "business",
    ),
    Message.Purpose.PAUSE_CONFIRMED: ("name", "products", "days", "business"),
    Message.Purpose.WALLET_RECHARGED: (
        "name",
        "amount",
        "paid_on",
        "method",
        "payment_code",
        "wallet_balance",
        "business",
    ),
    Message.Purpose.PAUSED_LOW_BALANCE: ("name", "date", "wallet_balance", "needed", "business"),
    Message.Purpose.ALERT: ("text", "business"),
}


class MessageTemplate(TimeStampedModel):
    """The text of one kind of message in one language, edited in the admin. The same
    text is sent through the outbox and offered as a wa.me share link on the bill page."""

    purpose = models.CharField(max_length=20, choices=Message.Purpose)
    language = models.CharField(max_length=2, choices=Message.Language)
    text = models.TextField(
        help_text=(
            "{placeholder}s are filled in when the message is queued (each kind has its "
            "own; an unknown one is refused). A line holding a placeholder that is empty "
            "(no UPI link, no due date) is left out. Write {{ or }} for a brace."
        )
    )
    whatsapp_template = models.CharField(
        max_length=100,
        blank=True,
        help_text=(
            "Name of the approved WhatsApp template for this text, in this language. Its "
            "body parameters are this text's placeholders in the order they first appear. "
            "Empty: sent as plain text."
        ),
    )
    sms_template_id = models.CharField(
        max_length=30,
        blank=True,
        help_text="DLT template id of the registered SMS text (variables in the same order).",
    )
    is_active = models.BooleanField(
        default=True, help_text="One active template per kind and language."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["purpose", "language", "-is_active", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["purpose", "language"],
                condition=Q(is_active=True),
                name="messaging_messagetemplate_one_active",
            ),
            models.CheckConstraint(
                condition=~Q(text=""), name="messaging_messagetemplate_has_text"
            ),
        ]

    def __str__(self) -> str:
        state = "" if self.is_active else " (inactive)"
        return f"{self.get_purpose_display()}, {self.get_language_display()}{state}"

    def clean(self) -> None:
        super().clean()
        known = PLACEHOLDERS.get(self.purpose, ())
        try:
            used = placeholders_of(self.text or "", strict=True)
        except ValueError as exc:
            raise ValidationError(
                {"text": f"A brace is not closed or not doubled ({exc}); write {{{{ for {{."}
            ) from exc
        unknown = [name for name in used if name not in known]
        if unknown:
            allowed = " ".join(f"{{{name}}}" for name in known)
            names = ", ".join(f"{{{name}}}" for name in unknown)
            raise ValidationError({"text": f"Unknown placeholder {names}; use {allowed}."})


class MessageSwitch(TimeStampedModel):
    """The business's on/off for one kind of message (no row: on)."""

    purpose = models.CharField(max_length=20, choices=Message.Purpose, unique=True)
    is_enabled = models.BooleanField(
        default=True, help_text="Off: no message of this kind is queued for anyone."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["purpose"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}: {'on' if self.is_enabled else 'off'}"


class MessagePreference(TimeStampedModel):
    """A customer's choice: messages or none, by WhatsApp or SMS, in which language, and
    the kinds they do not want. The row is made when first changed; a customer without one
    gets the field defaults, the business's default: opted in, WhatsApp, English (these are
    service messages about their own deliveries and bills)."""

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, related_name="message_preference"
    )
    opted_in = models.BooleanField(default=True, help_text="Off: no message at all.")
    channel = models.CharField(
        max_length=10, choices=Message.Channel, default=Message.Channel.WHATSAPP
    )
    language = models.CharField(
        max_length=2, choices=Message.Language, default=Message.Language.ENGLISH
    )
    opted_out = ArrayField(
        models.CharField(max_length=20, choices=Message.Purpose),
        default=list,
        blank=True,
        help_text="Kinds of message this customer does not want.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["customer"]

    def __str__(self) -> str:
        state = "opted in" if self.opted_in else "opted out"
        return f"Messages for customer {self.customer_id}: {state}"

    def wants(self, purpose: str) -> bool:
        return self.opted_in and purpose not in self.opted_out
