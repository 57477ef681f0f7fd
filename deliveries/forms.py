from django import forms
from django.utils import timezone

from customers.models import Customer
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
