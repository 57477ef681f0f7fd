"""The outbox: every WhatsApp / SMS message to a customer (or an alert to the office) is
a `Message` row, written in the same transaction as the business event that causes it
(messaging.services.queue_message) and sent by a job after commit (messaging.tasks)."""

from django.db import models
from django.db.models import Q

from earlybird.models import TimeStampedModel


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
