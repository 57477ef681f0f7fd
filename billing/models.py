from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from customers.models import Customer
from deliveries.models import Delivery
from earlybird.fields import MoneyField, QuantityField
from earlybird.models import TimeStampedModel


class BillingRun(TimeStampedModel):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")  # started from the page: a worker will run it
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        FAILED = "failed", _("Failed")

    period = models.DateField(help_text="First day of the billed month.")
    status = models.CharField(max_length=10, choices=Status, default=Status.RUNNING)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    bills_touched = models.PositiveIntegerField(default=0)
    lines_created = models.PositiveIntegerField(default=0)
    amount_billed = MoneyField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period__day=1), name="billing_billingrun_period_is_month_start"
            ),
        ]

    def __str__(self) -> str:
        return f"Billing run {self.period:%Y-%m} ({self.status})"


class Bill(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")
        VOID = "void", _("Void")

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="bills")
    period = models.DateField(help_text="First day of the billed month.")
    code = models.CharField(
        max_length=20,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="BI-YYYYMM-NNNN, given when the bill is issued.",
    )
    status = models.CharField(max_length=8, choices=Status, default=Status.DRAFT)
    run = models.ForeignKey(
        BillingRun, on_delete=models.PROTECT, null=True, blank=True, related_name="bills"
    )
    previous_balance = MoneyField(default=0)
    charges = MoneyField(default=0, help_text="Sum of this bill's delivery lines.")
    adjustments_total = MoneyField(default=0)
    total = MoneyField(default=0, help_text="Charges + adjustments for this period.")
    issued_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period", "customer", "pk"]
        constraints = [
            # Invariant 5: one (live) bill per customer and period.
            models.UniqueConstraint(
                fields=["customer", "period"],
                condition=~Q(status="void"),
                name="billing_bill_one_per_customer_period",
            ),
            models.CheckConstraint(
                condition=Q(period__day=1), name="billing_bill_period_is_month_start"
            ),
            models.CheckConstraint(
                condition=Q(total=F("charges") + F("adjustments_total")),
                name="billing_bill_total_adds_up",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(code__isnull=False, issued_at__isnull=False),
                name="billing_bill_issued_has_code",
            ),
            models.CheckConstraint(
                condition=~Q(status="void") | (Q(voided_at__isnull=False) & ~Q(void_reason="")),
                name="billing_bill_void_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.code or f"Draft bill {self.period:%Y-%m} for {self.customer_id}"


class BillingLine(TimeStampedModel):
    """One billed delivery. The OneToOne makes billing a delivery twice impossible."""

    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="lines")
    # Invariant 4: a delivery is billed at most once.
    delivery = models.OneToOneField(Delivery, on_delete=models.PROTECT, related_name="billing_line")
    quantity = QuantityField()
    unit_price = MoneyField()
    amount = MoneyField()

    class Meta:
        ordering = ["bill", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="billing_billingline_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="billing_billingline_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id}: {self.quantity} × {self.unit_price}"


class Payment(TimeStampedModel):
    class Method(models.TextChoices):
        CASH = "cash", _("Cash")
        UPI = "upi", _("UPI")
        BANK = "bank", _("Bank transfer")
        CHEQUE = "cheque", _("Cheque")
        # Online, through the payment gateway (billing/gateway/): its webhook says which.
        CARD = "card", _("Card")
        NETBANKING = "netbanking", _("Net banking")
        ONLINE = "online", _("Online (wallet, EMI, pay later)")

    class Purpose(models.TextChoices):
        BILL = "bill", _("Bills")  # counts toward the postpaid balance
        WALLET = "wallet", _("Wallet recharge")  # a recharge entry of the wallet instead

    code = models.CharField(max_length=20, unique=True, editable=False)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="payments")
    amount = MoneyField()
    method = models.CharField(max_length=12, choices=Method)
    paid_on = models.DateField()
    reference = models.CharField(max_length=100, blank=True, help_text="UPI/bank ref, cheque no.")
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(blank=True)
    purpose = models.CharField(
        max_length=6, choices=Purpose, default=Purpose.BILL, db_default=Purpose.BILL
    )
    # The gateway's payment id (pay_…) of a payment made online: recorded once per id.
    gateway_payment_id = models.CharField(
        max_length=40, blank=True, editable=False, default="", db_default=""
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-paid_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="billing_payment_amount_positive"
            ),
            # The same UPI / bank reference or cheque number is one payment of a customer,
            # whatever its letters' case (billing.services.payments says which one first).
            models.UniqueConstraint(
                F("customer"),
                F("method"),
                Upper("reference"),
                condition=~Q(reference=""),
                name="billing_payment_reference_once",
                violation_error_message=(
                    "This reference is already recorded for this customer and method."
                ),
            ),
            # However often the gateway's webhook comes, at once or again, one payment.
            models.UniqueConstraint(
                fields=["gateway_payment_id"],
                condition=~Q(gateway_payment_id=""),
                name="billing_payment_gateway_payment_once",
                violation_error_message="This gateway payment is already recorded.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ₹{self.amount}"


class Adjustment(TimeStampedModel):
    """A charge (+) or credit (−) outside the deliveries, applied on the next bill."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="adjustments")
    amount = MoneyField()
    reason = models.CharField(max_length=200)
    date = models.DateField()
    bill = models.ForeignKey(
        Bill, on_delete=models.PROTECT, null=True, blank=True, related_name="adjustments"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(amount=0), name="billing_adjustment_amount_not_zero"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="billing_adjustment_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.reason}"


# The prepaid wallet's models live apart (a module of their own); imported here so that
# Django finds them as billing's models.
from billing.gateway.models import PaymentLink  # noqa: E402  # online payments
from billing.handover_models import CashHandover  # noqa: E402  # cash at the office
from billing.wallet_models import BillingMode, Wallet, WalletEntry  # noqa: E402

__all__ = [
    "Adjustment",
    "Bill",
    "BillingLine",
    "BillingMode",
    "BillingRun",
    "CashHandover",
    "Payment",
    "PaymentLink",
    "Wallet",
    "WalletEntry",
]
