from decimal import Decimal

from django import forms

from billing.services import parse_month


class CashForm(forms.Form):
    amount = forms.DecimalField(
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        label="Cash received (₹)",
        error_messages={"min_value": "The amount must be more than ₹0."},
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    notes = forms.CharField(required=False, max_length=200)


class MonthField(forms.CharField):
    """YYYY-MM (what <input type="month"> sends) -> the first day of that month."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        return parse_month(value)


class RunForm(forms.Form):
    month = MonthField(label="Month to bill")


class VoidForm(forms.Form):
    reason = forms.CharField(max_length=200, label="Why is this bill void?")
