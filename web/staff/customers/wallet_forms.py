"""Forms of the wallet section of a staff customer page: the billing mode from a day, a
recharge (a payment into the wallet, sent once), and the wallet's settings. They check
what was typed; billing.services.wallet decides and writes."""

from datetime import date

from django import forms
from django.utils import timezone

from billing.models import BillingMode, Payment
from earlybird.bounds import AmountField
from earlybird.forms import day_field
from earlybird.idempotency import OnceFormMixin

# What staff take for a recharge; online payments come through the gateway's webhook.
RECHARGE_METHODS = [
    (m, label)
    for m, label in Payment.Method.choices
    if m in (Payment.Method.CASH, Payment.Method.UPI, Payment.Method.BANK, Payment.Method.CHEQUE)
]
MAX_LOW_BALANCE_DAYS = 60


def _amount_input() -> forms.NumberInput:
    return forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"})


class BillingModeForm(forms.Form):
    prefix = "mode"

    mode = forms.ChoiceField(choices=BillingMode.Mode.choices, label="Bill this customer")
    effective_from = day_field(label="From")

    def clean_effective_from(self) -> date:
        day = self.cleaned_data["effective_from"]
        if day < timezone.localdate():
            raise forms.ValidationError("A billing mode changes from today on, not on a past day.")
        return day


class WalletRechargeForm(OnceFormMixin, forms.Form):
    """Money put into the wallet (sent once: see earlybird.idempotency)."""

    once_operation = "customers:wallet_recharge"
    prefix = "recharge"

    amount = AmountField(label="Amount (₹)", widget=_amount_input())
    method = forms.ChoiceField(choices=RECHARGE_METHODS, label="Paid by")
    paid_on = day_field(label="Date")
    reference = forms.CharField(
        max_length=100, required=False, label="Reference (UPI / bank ref., cheque no.)"
    )
    notes = forms.CharField(max_length=200, required=False)

    def clean_paid_on(self) -> date:
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > timezone.localdate():
            raise forms.ValidationError("A payment cannot be dated in the future.")
        return paid_on


class WalletSettingsForm(forms.Form):
    prefix = "wallet"

    credit_limit = AmountField(
        allow_zero=True,
        label="Credit limit (₹)",
        help_text="How far below zero deliveries go on before they pause (0: none).",
        widget=_amount_input(),
    )
    low_balance_days = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_LOW_BALANCE_DAYS,
        label="Low-balance warning (days)",
        help_text="Warn when the balance covers fewer days than this (empty: the default).",
    )
