from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.base_session import AbstractBaseSession
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


class JobRun(models.Model):
    """One run of a scheduled job for one slot: the day, month or moment it is for
    ("2026-11-19", "2026-10"). Written only by earlybird.jobs.run_once, which claims the
    (task, slot) row before the work and records how it ended: the unique pair makes a
    slot's work happen once however often its job is deferred; a failed run may be run
    again."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"

    task = models.CharField(max_length=100, help_text="The job's task name.")
    slot = models.CharField(max_length=40, help_text="What the run is for: a day, a month.")
    status = models.CharField(max_length=10, choices=Status, default=Status.RUNNING)
    attempts = models.PositiveSmallIntegerField(default=1)
    started_at = models.DateTimeField(db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    summary = models.TextField(blank=True, help_text="What the work did.")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["task", "slot"], name="earlybird_jobrun_once_per_slot"),
            models.CheckConstraint(
                condition=models.Q(status="running") | models.Q(finished_at__isnull=False),
                name="earlybird_jobrun_finished_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} {self.slot} ({self.status})"


class UserProfile(models.Model):
    """What a person chose for themself, whatever their role: for now the language of
    their pages. Written only by earlybird.i18n.save_language; no row = no choice yet
    (the browser's language cookie or Accept-Language decides)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    language = models.CharField(
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text="The language of this person's pages; empty: the browser's.",
    )

    class Meta:
        ordering = ["user_id"]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.language or 'browser language'}"


class Session(AbstractBaseSession):
    """Django's database session with its signed-in user as a column (set whenever the
    session is saved, from its data): the session and its user, with their roles, are
    read by one statement on every request (earlybird.sessions). A user deleted takes
    their sessions with them. No foreign key in the database: a session still naming a
    user deleted meanwhile must save without error (its user then reads as nobody)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )

    class Meta(AbstractBaseSession.Meta):
        db_table = "earlybird_session"

    @classmethod
    def get_session_store_class(cls):
        from earlybird.sessions import SessionStore

        return SessionStore
