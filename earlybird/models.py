from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True, editable=False)

    class Meta:
        abstract = True


class CodeCounter(models.Model):
    """One row per prefix and day (or period); locked to hand out the next code."""

    prefix = models.CharField(max_length=4)
    key = models.CharField(max_length=8, help_text="YYYYMMDD or YYYYMM")
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["prefix", "key"]
        constraints = [
            models.UniqueConstraint(fields=["prefix", "key"], name="earlybird_codecounter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.key}: {self.last_value}"


class ThrottleCounter(models.Model):
    """A count in a time window (failed logins, shared-link requests) or a mark that
    lasts until a time (a lockout, a username known at an address), shared by every web
    process. Written only by earlybird.counters, one atomic statement per change; the
    key is a digest, never a username, an address or a token."""

    key = models.CharField(max_length=200, primary_key=True)
    value = models.BigIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.key}: {self.value} until {self.expires_at:%Y-%m-%d %H:%M:%S}"


class IdempotencyKey(models.Model):
    """A key a money write was done under, once per user: a form's one-time key or an
    API call's Idempotency-Key header. Written only by earlybird.idempotency, in the same
    transaction as the write it guards; it points at what that write made and keeps what
    the first answer said, so a repeat gets that answer instead of a second write."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    operation = models.CharField(max_length=60, help_text="What the key was used for.")
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the request's content.")
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    result = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], name="earlybird_idempotencykey_once_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.operation} by {self.user_id}: {self.key}"
