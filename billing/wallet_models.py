"""Prepaid wallets: the billing mode a customer is on from a date, the wallet ledger, and
the wallet's settings row (which is also the row its writes lock).

Rules the database keeps (migration 0011_wallet_integrity):
* entries are insert-only: an UPDATE or DELETE of a wallet entry is refused;
* every delivered or partial delivery of a customer prepaid on its date has exactly one
  unreversed debit of −round(delivered_qty × unit_price, 2) (none when that is 0), and
  every other delivery none; checked at commit (deferred constraint triggers);
* a reversal gives back exactly the debit it reverses, once (OneToOne `reverses`);
* a recharge is the whole of one wallet payment, and every wallet payment has one;
* a delivery of a customer prepaid on its date is never on a billing line.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from customers.models import Customer
from deliveries.models import Delivery
from earlybird.fields import MoneyField
from earlybird.models import TimeStampedModel


class BillingMode(models.Model):
    """From `effective_from` on, the customer is billed this way (until a later row).
    No row on or before a day: postpaid (the monthly bill)."""

    class Mode(models.TextChoices):
        POSTPAID = "postpaid", _("Postpaid (monthly bill)")
        PREPAID = "prepaid", _("Prepaid (wallet)")

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="billing_modes")
    mode = models.CharField(max_length=8, choices=Mode)
    effective_from = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["customer", "effective_from", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "effective_from"], name="billing_billingmode_one_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.mode} from {self.effective_from}"


class Wallet(TimeStampedModel):
    """A customer's wallet settings, and the row the wallet's writes lock (after the
    deliveries, earlybird/locks.py). Made on first use; no row means the defaults."""

    customer = models.OneToOneField(Customer, on_delete=models.PROTECT, related_name="wallet")
    credit_limit = MoneyField(
        default=0, help_text="How far below zero deliveries go on before they pause."
    )
    low_balance_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Warn when the balance covers fewer days than this "
        "(empty: the WALLET_LOW_BALANCE_DAYS setting).",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["customer"]
        constraints = [
            models.CheckConstraint(
                condition=Q(credit_limit__gte=0), name="billing_wallet_credit_limit_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"Wallet of {self.customer_id}"


class WalletEntry(models.Model):
    """One movement of a customer's wallet: + adds to it, − takes from it. The balance
    is the sum of the entries (billing.selectors.wallet). Insert-only."""

    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening balance")
        RECHARGE = "recharge", _("Recharge")
        DEBIT = "debit", _("Delivery")
        REVERSAL = "reversal", _("Delivery reversed")
        ADJUSTMENT = "adjustment", _("Adjustment")
        REFUND = "refund", _("Refund")

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="wallet_entries")
    kind = models.CharField(max_length=10, choices=Kind)
    amount = MoneyField()
    date = models.DateField(help_text="The day it counts for: the delivery's, the payment's.")
    # Debits and their reversals: the delivery they are for.
    delivery = models.ForeignKey(
        Delivery, on_delete=models.PROTECT, null=True, blank=True, related_name="wallet_entries"
    )
    # A reversal gives back exactly one debit, once.
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    # A recharge is one wallet payment (billing.Payment with purpose "wallet").
    payment = models.OneToOneField(
        "billing.Payment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="wallet_entry",
    )
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, editable=False)

    class Meta:
        ordering = ["customer", "created_at", "pk"]
        verbose_name_plural = "wallet entries"
        indexes = [models.Index(fields=["customer", "date"], name="billing_walletentry_cust_day")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(amount=0), name="billing_walletentry_amount_not_zero"
            ),
            # What the wallet held when it began (the import): once per customer.
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(kind="opening"),
                name="billing_walletentry_one_opening",
            ),
            models.CheckConstraint(
                condition=~Q(kind="debit") | Q(amount__lt=0, delivery__isnull=False),
                name="billing_walletentry_debit_takes_for_a_delivery",
            ),
            models.CheckConstraint(
                condition=~Q(kind="reversal")
                | Q(amount__gt=0, delivery__isnull=False, reverses__isnull=False),
                name="billing_walletentry_reversal_gives_back_a_debit",
            ),
            models.CheckConstraint(
                condition=~Q(kind="recharge") | Q(amount__gt=0, payment__isnull=False),
                name="billing_walletentry_recharge_is_a_payment",
            ),
            models.CheckConstraint(
                condition=~Q(kind="refund") | Q(amount__lt=0),
                name="billing_walletentry_refund_takes",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["debit", "reversal"]) | Q(delivery__isnull=True),
                name="billing_walletentry_delivery_only_on_debits",
            ),
            models.CheckConstraint(
                condition=Q(kind="reversal") | Q(reverses__isnull=True),
                name="billing_walletentry_reverses_only_on_reversals",
            ),
            models.CheckConstraint(
                condition=Q(kind="recharge") | Q(payment__isnull=True),
                name="billing_walletentry_payment_only_on_recharges",
            ),
            models.CheckConstraint(
                condition=Q(
                    kind__in=["opening", "recharge", "debit", "reversal", "adjustment", "refund"]
                ),
                name="billing_walletentry_kind_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} ({self.customer_id})"


__all__ = ["BillingMode", "Wallet", "WalletEntry"]
