from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from earlybird.fields import MoneyField
from earlybird.models import TimeStampedModel
from earlybird.phones import PHONE_PATTERN


class Area(TimeStampedModel):
    name = models.CharField(max_length=100, unique=True)
    city = models.CharField(max_length=100, blank=True)
    pincode = models.CharField(max_length=6, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Customer(TimeStampedModel):
    class Status(models.TextChoices):
        TRIAL = "trial", "Trial"
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        STOPPED = "stopped", "Stopped"

    # Invariant 1: every customer has exactly one login.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="customer"
    )
    code = models.CharField(max_length=20, unique=True, editable=False)
    name = models.CharField(max_length=150)
    phone = models.CharField(
        max_length=10, unique=True, help_text="Ten-digit mobile number, normalised."
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.TRIAL)
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, null=True, blank=True, related_name="customers"
    )
    address = models.TextField(blank=True)
    landmark = models.CharField(max_length=200, blank=True)
    map_link = models.URLField(max_length=500, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    marketing_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="marketed_customers",
    )
    opening_balance = MoneyField(
        default=0, help_text="Owed at the start (positive) or credit (negative)."
    )
    trial_started_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    # For the delivery boy, on his route and the daily sheet; the customer edits it too.
    delivery_instructions = models.CharField(
        max_length=300,
        blank=True,
        default="",
        db_default="",
        help_text="For the delivery boy, e.g. “leave the packets in the bag on the gate”.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        # The staff list pages in this order: read in order, not sorted on every view.
        indexes = [models.Index(fields=["name", "id"], name="customers_name_id")]
        constraints = [
            models.CheckConstraint(
                condition=Q(phone__regex=PHONE_PATTERN), name="customers_customer_phone_normalised"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="customers_customer_coordinates_paired",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
