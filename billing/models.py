import re
import string

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from simple_history.models import HistoricalRecords

from customers.models import Customer
from deliveries.models import Delivery
from earlybird.fields import MoneyField, QuantityField
from earlybird.models import TimeStampedModel


class BillingRun(TimeStampedModel):
    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        FAILED = "failed", "Failed"

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
        DRAFT = "draft", "Draft"
        ISSUED = "issued", "Issued"
        VOID = "void", "Void"

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
        CASH = "cash", "Cash"
        UPI = "upi", "UPI"
        BANK = "bank", "Bank transfer"
        CHEQUE = "cheque", "Cheque"

    code = models.CharField(max_length=20, unique=True, editable=False)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="payments")
    amount = MoneyField()
    method = models.CharField(max_length=8, choices=Method)
    paid_on = models.DateField()
    reference = models.CharField(max_length=100, blank=True, help_text="UPI/bank ref, cheque no.")
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(blank=True)
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


# --- messages sent to customers --------------------------------------------------------


class _KeepUnknown(dict):
    """For str.format_map: an unknown {placeholder} stays as written."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def format_message(text: str, values: dict[str, str]) -> str:
    """`text` with its {placeholders} filled from `values`; unknown ones left as they are.

    Never raises: a template that str.format cannot read (a lone brace, {name!x}) or that
    reaches past a value ({0}, {name.attr}, {name[0]}) falls back to replacing the known
    {placeholders} one by one.
    """
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
        if all(name.isidentifier() for name in names):  # no {0}, {a.b} or {a[0]}
            return text.format_map(_KeepUnknown(values))
    except (ValueError, IndexError, KeyError, AttributeError, TypeError):
        pass
    return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m[1], m[0])), text)


class MessageTemplate(TimeStampedModel):
    """The text of a message to a customer (a bill shared by WhatsApp), per language;
    edited in the admin. billing.selectors.bill_message falls back to a text in code when
    no active template exists."""

    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        TELUGU = "te", "Telugu (తెలుగు)"

    class Kind(models.TextChoices):
        BILL = "bill", "Bill"

    PLACEHOLDERS = {
        Kind.BILL: ("name", "month", "amount_due", "bill_code", "upi_link", "business"),
    }

    language = models.CharField(max_length=2, choices=Language)
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.BILL)
    text = models.TextField(
        help_text=(
            "Placeholders: {name} {month} {amount_due} {bill_code} {upi_link} {business}. "
            "A line holding {upi_link} is left out when there is no UPI link."
        )
    )
    is_active = models.BooleanField(
        default=True, help_text="One active template per kind and language."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "language", "-is_active", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "language"],
                condition=Q(is_active=True),
                name="billing_messagetemplate_one_active",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="billing_messagetemplate_has_text"),
        ]

    def __str__(self) -> str:
        state = "" if self.is_active else " (inactive)"
        return f"{self.get_kind_display()} message, {self.get_language_display()}{state}"

    def clean(self) -> None:
        super().clean()
        known = set(self.PLACEHOLDERS.get(self.kind, ()))
        try:
            fields = [name for _, name, _, _ in string.Formatter().parse(self.text or "")]
        except ValueError as exc:
            raise ValidationError(
                {"text": f"A brace is not closed or not doubled ({exc}); write {{{{ for {{."}
            ) from exc
        unknown = sorted(
            {f"{{{name}}}" for name in fields if name is not None}
            - {f"{{{name}}}" for name in known}
        )
        if unknown:
            allowed = " ".join(f"{{{name}}}" for name in sorted(known))
            raise ValidationError(
                {"text": f"Unknown placeholder {', '.join(unknown)}; use {allowed}."}
            )

    def render(self, values: dict[str, str]) -> str:
        return format_message(self.text, values)
