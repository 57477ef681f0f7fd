"""Form helpers every app's pages share: the date, quantity and weekday inputs, and
showing a service's ValidationError on a form. Forms check what a person typed and say
what is wrong in plain words; the services decide and write. The limits on days and
quantities are earlybird.bounds'."""

from django import forms
from django.core.exceptions import ValidationError

from earlybird.bounds import MAX_QUANTITY, DayField, QuantityField

WEEKDAY_CHOICES = [
    (0, "Mon"),
    (1, "Tue"),
    (2, "Wed"),
    (3, "Thu"),
    (4, "Fri"),
    (5, "Sat"),
    (6, "Sun"),
]


def add_service_errors(form: forms.Form, exc: ValidationError, aliases=None) -> None:
    """Show a service's ValidationError on the form: each message on the field it names
    (or that field's alias on this form), anything else above the form."""
    aliases = aliases or {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for key, errors in exc.error_dict.items():
        name = aliases.get(key, key)
        form.add_error(name if name in form.fields else None, errors)


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def day_field(*, error_messages=None, **kwargs) -> DayField:
    """A date typed on a page, within the bounds (earlybird.bounds.DayField)."""
    kwargs.setdefault("widget", date_input())
    return DayField(
        error_messages={"invalid": "Enter a date as YYYY-MM-DD.", **(error_messages or {})},
        **kwargs,
    )


def quantity_field(*, allow_zero=True, error_messages=None, **kwargs) -> QuantityField:
    """A quantity typed on a page: 0 (or more than 0) up to bounds.MAX_QUANTITY."""
    kwargs.setdefault("required", False)
    kwargs.setdefault(
        "widget",
        forms.NumberInput(
            attrs={"step": "any", "min": "0", "max": f"{MAX_QUANTITY:f}", "inputmode": "decimal"}
        ),
    )
    return QuantityField(
        allow_zero=allow_zero,
        error_messages={
            "invalid": "Enter a number, like 1 or 0.5.",
            "required": "Give a quantity.",
            **(error_messages or {}),
        },
        **kwargs,
    )


def weekdays_field(**kwargs) -> forms.TypedMultipleChoiceField:
    return forms.TypedMultipleChoiceField(
        choices=WEEKDAY_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose days of the week from the list."},
        **kwargs,
    )
