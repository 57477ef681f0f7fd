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
