"""A payment link made at the gateway for a bill or a wallet recharge (imported by
billing.models, so it is one of billing's models)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from earlybird.fields import MoneyField
from earlybird.models import TimeStampedModel


class PaymentLink(TimeStampedModel):
    class Purpose(models.TextChoices):  # the same values as Payment.Purpose
        BILL = "bill", "Bill"
        WALLET = "wallet", "Wallet recharge"

    class Status(models.TextChoices):
        CREATED = "created", "Waiting for payment"
        PAID = "paid", "Paid"
        CANCELLED = "cancelled", "Cancelled"
        EXPIRED = "expired", "Expired"

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="payment_links"
    )
    purpose = models.CharField(max_length=6, choices=Purpose)
    bill = models.ForeignKey(
        "billing.Bill", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    amount = MoneyField()
    gateway = models.CharField(max_length=20, default="razorpay")
    gateway_link_id = models.CharField(max_length=40, help_text="e.g. plink_Fo48rl281ENAg9")
    reference_id = models.CharField(max_length=40, help_text="Ours, sent with the link.")
    short_url = models.URLField()
    status = models.CharField(max_length=9, choices=Status, default=Status.CREATED)
    expires_at = models.DateTimeField()
    payment = models.OneToOneField(
        "billing.Payment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payment_link",
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "gateway_link_id"], name="billing_paymentlink_gateway_id_once"
            ),
            models.UniqueConstraint(
                fields=["reference_id"], name="billing_paymentlink_reference_once"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="billing_paymentlink_amount_positive"
            ),
            # A bill's link names the bill; a recharge's names none.
            models.CheckConstraint(
                condition=Q(purpose="bill", bill__isnull=False)
                | Q(purpose="wallet", bill__isnull=True),
                name="billing_paymentlink_bill_for_bill_purpose",
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(payment__isnull=False, paid_at__isnull=False),
                name="billing_paymentlink_paid_has_payment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.gateway_link_id} ₹{self.amount} ({self.status})"
