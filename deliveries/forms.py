import datetime as dt
from decimal import Decimal

from django import forms
from django.utils import timezone

from customers.models import Customer
from deliveries.models import Delivery, DeliveryBoy
from orders.models import Order


class DayShiftForm(forms.Form):
    date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    shift = forms.ChoiceField(choices=Order.Shift.choices, required=False)

    def day(self) -> date:
        return (self.is_valid() and self.cleaned_data.get("date")) or timezone.localdate()

    def chosen_shift(self) -> str:
        return (self.is_valid() and self.cleaned_data.get("shift")) or Order.Shift.MORNING


class MoveStopForm(forms.Form):
    position = forms.IntegerField(
        min_value=1,
        error_messages={
            "min_value": "Positions start at 1.",
            "required": "Give the new position.",
        },
    )


class AssignCustomerForm(forms.Form):
    customer = forms.ModelChoiceField(
        queryset=Customer.objects.filter(route_stop__isnull=True).exclude(
            status=Customer.Status.STOPPED
        ),
        empty_label="Choose a customer not on any route",
        error_messages={"invalid_choice": "That customer is already on a route or stopped."},
    )
    position = forms.IntegerField(
        min_value=1, required=False, help_text="Leave empty to add at the end."
    )


class StopConfirmForm(forms.Form):
    """One tap per stop: delivered (all), partial (a quantity per product), not delivered."""

    ACTIONS = {
        "delivered": "delivered",
        "partial": "partly delivered",
        "not_delivered": "not delivered",
    }

    action = forms.ChoiceField(choices=list(ACTIONS.items()))
    reason = forms.ChoiceField(choices=[("", "—"), *Delivery.Reason.choices], required=False)

    def __init__(self, *args, deliveries: list[Delivery], **kwargs):
        super().__init__(*args, **kwargs)
        self.deliveries = deliveries
        for delivery in deliveries:
            self.fields[f"qty_{delivery.pk}"] = forms.DecimalField(
                required=False,
                min_value=0,
                max_value=delivery.ordered_qty,
                decimal_places=3,
                label=delivery.product.name,
                error_messages={
                    "max_value": f"{delivery.product.name}: at most "
                    f"{delivery.ordered_qty.normalize():f} was ordered.",
                    "min_value": f"{delivery.product.name}: a quantity cannot be negative.",
                    "invalid": f"{delivery.product.name}: enter a number.",
                },
            )

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "not_delivered" and not data.get("reason"):
            self.add_error("reason", "Choose why it was not delivered.")
        if action == "partial":
            given = [data.get(f"qty_{d.pk}") for d in self.deliveries]
            if any(q is None for q in given):
                self.add_error(None, "Enter the quantity handed over for each product.")
            elif all(q == d.ordered_qty for q, d in zip(given, self.deliveries, strict=True)):
                self.add_error(None, "Those are the full quantities: tap Delivered instead.")
        return data

    def quantities(self) -> dict[Delivery, Decimal]:
        action = self.cleaned_data["action"]
        if action == "delivered":
            return {d: d.ordered_qty for d in self.deliveries}
        if action == "not_delivered":
            return {d: Decimal(0) for d in self.deliveries}
        return {d: self.cleaned_data[f"qty_{d.pk}"] for d in self.deliveries}

    def summary(self) -> str:
        return self.ACTIONS[self.cleaned_data["action"]]

    def error_text(self) -> str:
        return " ".join(str(e) for errors in self.errors.values() for e in errors)


class LinkForm(forms.Form):
    """A shared link for a substitute: whose route, which shift, which days, until when."""

    delivery_boy = forms.ModelChoiceField(
        queryset=DeliveryBoy.objects.filter(is_active=True).order_by("name", "pk"),
        empty_label="Choose whose route",
    )
    shift = forms.ChoiceField(choices=Order.Shift.choices)
    valid_from = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    expires_at = forms.DateTimeField(
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Leave empty for the end of the last day.",
    )
    label = forms.CharField(
        max_length=100, required=False, help_text="Optional, e.g. the substitute's name."
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        today = timezone.localdate()
        kwargs["initial"].setdefault("valid_from", today)
        kwargs["initial"].setdefault("valid_until", today)
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        valid_from, valid_until = data.get("valid_from"), data.get("valid_until")
        if valid_from and valid_until:
            if valid_until < valid_from:
                self.add_error("valid_until", "The last day cannot be before the first.")
            elif valid_until < timezone.localdate():
                self.add_error("valid_until", "The last day is already past.")
            elif not data.get("expires_at"):
                # The end of the last day, local time.
                data["expires_at"] = timezone.make_aware(
                    dt.datetime.combine(valid_until, dt.time.max)
                )
        expires_at = data.get("expires_at")
        if expires_at and expires_at <= timezone.now():
            self.add_error("expires_at", "The expiry must be in the future.")
        return data


class SubstituteNameForm(forms.Form):
    name = forms.CharField(
        label="Your name",
        min_length=2,
        max_length=100,
        strip=True,
        error_messages={
            "required": "Type your name.",
            "min_length": "Type your name (at least 2 letters).",
            "max_length": "Keep your name under 100 letters.",
        },
    )


class CorrectionForm(forms.Form):
    """Staff set what was really handed over, on any day up to today."""

    delivered_qty = forms.DecimalField(min_value=0, decimal_places=3, label="Delivered quantity")
    reason = forms.ChoiceField(
        choices=[("", "—"), *Delivery.Reason.choices],
        required=False,
        help_text="Needed when nothing was delivered.",
    )
    reason_note = forms.CharField(max_length=200, required=False, label="Note")
