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
