from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from earlybird.models import TimeStampedModel


class LegacyRecord(TimeStampedModel):
    """What one legacy MongoDB document became, so a rerun updates instead of duplicating."""

    collection = models.CharField(max_length=60)
    legacy_id = models.CharField(max_length=100)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.BigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    checksum = models.CharField(max_length=64, blank=True, help_text="Of the source document.")

    class Meta:
        ordering = ["collection", "legacy_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "legacy_id", "content_type"],
                name="legacy_import_legacyrecord_unique",
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.collection}/{self.legacy_id} → {self.content_type.model} {self.object_id}"


class ImportRun(TimeStampedModel):
    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        FAILED = "failed", "Failed"

    source = models.CharField(max_length=500)
    options = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.RUNNING)
    finished_at = models.DateTimeField(null=True, blank=True)
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        app_label = "legacy_import"
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return f"Import {self.pk} of {self.source} ({self.status})"


class ImportIssue(models.Model):
    """One rejected document, one warning about a document, or one entry of a list the
    report keeps per document (a one-time order delivered and on what evidence, a
    delivery off the old list…), of one run. `customer_legacy_id` and `day` say whose
    and when, where the document has them: the reconciliation explains a customer-month
    with them."""

    class Kind(models.TextChoices):
        REJECTED = "rejected", "Rejected"
        WARNING = "warning", "Warning"
        INFO = "info", "Listed"

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="issues")
    collection = models.CharField(max_length=60)
    legacy_id = models.CharField(max_length=100, blank=True)
    customer_legacy_id = models.CharField(max_length=100, blank=True)
    day = models.DateField(null=True, blank=True)
    kind = models.CharField(max_length=8, choices=Kind)
    reason = models.CharField(max_length=60)
    detail = models.TextField(blank=True)
    # Of the confirmation whose settling said it (blank for the rest): a rerun says it
    # again for a day whose documents all kept theirs, without settling the day.
    checksum = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        app_label = "legacy_import"
        ordering = ["run", "collection", "kind", "reason", "pk"]
        indexes = [
            models.Index(fields=["collection", "legacy_id"]),
            models.Index(fields=["run", "customer_legacy_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.collection}/{self.legacy_id}: {self.kind} {self.reason}"


class ArchivedDocument(TimeStampedModel):
    """A legacy document kept as it was (collections with no place in the new model, and
    the subscription audit trail)."""

    collection = models.CharField(max_length=60)
    legacy_id = models.CharField(max_length=100)
    checksum = models.CharField(max_length=64)
    document = models.JSONField()

    class Meta:
        app_label = "legacy_import"
        ordering = ["collection", "legacy_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "legacy_id"], name="legacy_import_archiveddocument_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.collection}/{self.legacy_id}"
