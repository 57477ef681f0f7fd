"""Forms of the online-payment pages: a payment link (staff, customers) and the
settlement report to reconcile (staff)."""

from django import forms

from billing.forms import customer_by_code_phone_or_name, customer_picker_field
from billing.gateway.models import PaymentLink
from billing.models import Bill
from customers.models import Customer
from earlybird.bounds import AmountField

MAX_REPORT_BYTES = 10_000_000


def _amount_input() -> forms.NumberInput:
    return forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "1"})


class PaymentLinkForm(forms.Form):
    """Staff: a link for a customer's bill (by its code) or a wallet recharge; the customer
    by name, code or phone."""

    customer = customer_picker_field()
    purpose = forms.ChoiceField(choices=PaymentLink.Purpose.choices, label="For")
    bill = forms.CharField(
        max_length=20,
        required=False,
        label="Bill code (for a bill)",
        widget=forms.TextInput(attrs={"placeholder": "BI-202610-0012"}),
    )
    amount = AmountField(required=False, label="Amount (₹, for a recharge)", widget=_amount_input())

    def clean_customer(self) -> Customer:
        return customer_by_code_phone_or_name(self.cleaned_data["customer"])

    def clean(self):
        cleaned = super().clean()
        customer, purpose = cleaned.get("customer"), cleaned.get("purpose")
        code = (cleaned.get("bill") or "").strip()
        cleaned["bill"] = None
        if customer is None or purpose is None:
            return cleaned
        if purpose == PaymentLink.Purpose.BILL:
            if not code:
                self.add_error("bill", "Give the code of the bill to pay.")
                return cleaned
            bill = Bill.objects.filter(customer=customer, code__iexact=code).first()
            if bill is None:
                self.add_error("bill", f"{customer.name} has no bill “{code}”.")
            cleaned["bill"] = bill
        elif cleaned.get("amount") is None:
            self.add_error("amount", "Enter the amount to recharge.")
        return cleaned


class RechargeForm(forms.Form):
    """A customer: how much to put in the wallet."""

    amount = AmountField(label="Amount (₹)", widget=_amount_input())


class SettlementForm(forms.Form):
    report = forms.FileField(
        label="Settlement report (CSV)",
        help_text="Razorpay Dashboard > Reports > Settlement recon, downloaded as CSV.",
    )
    in_paise = forms.BooleanField(
        required=False, label="Amounts are in paise (the API's figures, not the dashboard's)"
    )

    def clean_report(self) -> str:
        report = self.cleaned_data["report"]
        if report.size > MAX_REPORT_BYTES:
            raise forms.ValidationError(f"The file is over {MAX_REPORT_BYTES // 1_000_000} MB.")
        try:
            return report.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                "This file is not UTF-8 text: export the report as CSV."
            ) from None
