"""Cash a delivery boy hands over at the office: confirmed once per boy and day by
accounts staff (billing.services.handovers), beside what his cash payments of that day
add up to (billing.selectors.handovers)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from deliveries.models import DeliveryBoy
from earlybird.fields import MoneyField
from earlybird.models import TimeStampedModel


class CashHandover(TimeStampedModel):
    delivery_boy = models.ForeignKey(
        DeliveryBoy, on_delete=models.PROTECT, related_name="cash_handovers"
    )
    day = models.DateField(help_text="The day the cash was collected.")
    amount = MoneyField(help_text="What he handed over.")
    # What his cash payments of the day added up to when the hand-over was confirmed: a
    # payment recorded later for that day shows as a difference on the report.
    collected = MoneyField()
    note = models.CharField(
        max_length=200, blank=True, help_text="Why the amount differs from what was collected."
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField()

    class Meta:
        ordering = ["-day", "delivery_boy", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery_boy", "day"],
                name="billing_cashhandover_once_per_boy_day",
                violation_error_message="His cash of this day is already confirmed.",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0, collected__gte=0),
                name="billing_cashhandover_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(amount=F("collected")) | ~Q(note=""),
                name="billing_cashhandover_difference_explained",
                violation_error_message="Say why the amount differs from what was collected.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delivery_boy} {self.day}: ₹{self.amount}"
