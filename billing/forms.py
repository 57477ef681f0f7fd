from decimal import Decimal

from django import forms


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
