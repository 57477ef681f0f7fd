import datetime as dt
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from deliveries.models import Delivery, DeliveryBoy
from deliveries.selectors import day_is_generated
from earlybird import bounds
from earlybird.confirm import confirm_field
from earlybird.forms import day_field, quantity_field
from orders.models import Order

# --- the days a page may be opened for ------------------------------------------------
# Within the project's bounds (earlybird.bounds), and no further ahead than a year.

DAYS_AHEAD = 366


def day_bounds(*, today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day a page may be opened for."""
    return bounds.FIRST_DAY, min(today + dt.timedelta(days=DAYS_AHEAD), bounds.LAST_DAY)


def check_day(day: dt.date, *, today: dt.date | None = None) -> dt.date:
    """`day` if a page may show it, else a ValidationError that says which days may."""
    first, last = day_bounds(today=today or timezone.localdate())
    if not first <= day <= last:
        raise ValidationError(
            f"Choose a date from {first:%d %b %Y} to {last:%d %b %Y}.", code="out_of_range"
        )
    return day


def day_label(day: dt.date) -> str:
    """A day as pages write it: "Mon 30 Nov" (the template filter date:"D j M")."""
    return f"{day:%a} {day.day} {day:%b}"


def generation_window(*, today: dt.date) -> tuple[dt.date, dt.date]:
    """The days staff may generate from a page: GENERATE_WINDOW_DAYS either side of today
    (the evening job and `manage.py generate_deliveries` are not limited by it)."""
    days = dt.timedelta(days=settings.GENERATE_WINDOW_DAYS)
    return today - days, today + days


def in_generation_window(day: dt.date, *, today: dt.date) -> bool:
    first, last = generation_window(today=today)
    return first <= day <= last


DATE_ERRORS = {"invalid": "Enter a date as YYYY-MM-DD."}


class ErrorTextMixin:
    def error_text(self) -> str:
        """Every error of the form on one line, for a message after a redirect."""
        return " ".join(str(e) for errors in self.errors.values() for e in errors)


class DayShiftForm(ErrorTextMixin, forms.Form):
    """The day and shift a page shows: no date means today; a bad one is a form error."""

    date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages=DATE_ERRORS,
    )
    shift = forms.ChoiceField(
        choices=Order.Shift.choices,
        required=False,
        error_messages={"invalid_choice": "Choose the morning or the evening shift."},
    )

    def clean_date(self) -> dt.date:
        day = self.cleaned_data.get("date")
        return check_day(day) if day else timezone.localdate()


class GenerateForm(ErrorTextMixin, forms.Form):
    """Generate one day's deliveries from a page (POST, admin or support): a day inside
    the window around today; a past day only if nothing was generated for it yet."""

    # (The window around today lies within earlybird.bounds; its message says which days.)
    date = forms.DateField(
        error_messages={**DATE_ERRORS, "required": "Choose the day to generate."}
    )

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_date(self) -> dt.date:
        day = self.cleaned_data["date"]
        first, last = generation_window(today=self.today)
        if not first <= day <= last:
            raise ValidationError(
                f"Deliveries can be generated here from {day_label(first)} to"
                f" {day_label(last)} only, not for {day_label(day)} {day.year}.",
                code="outside_window",
            )
        if day < self.today and day_is_generated(day=day):
            raise ValidationError(
                f"{day_label(day)} is past and already generated: correct single deliveries"
                " from the daily sheet instead.",
                code="past_and_generated",
            )
        return day


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


class StopConfirmForm(ErrorTextMixin, forms.Form):
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
            self.fields[f"qty_{delivery.pk}"] = quantity_field(
                max_value=delivery.ordered_qty,
                label=delivery.product.name,
                error_messages={
                    "max_value": f"{delivery.product.name}: at most "
                    f"{delivery.ordered_qty.normalize():f} was ordered.",
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


class LinkForm(forms.Form):
    """A shared link for a substitute: whose route, which shift, which days, until when."""

    delivery_boy = forms.ModelChoiceField(
        queryset=DeliveryBoy.objects.filter(is_active=True).order_by("name", "pk"),
        empty_label="Choose whose route",
    )
    shift = forms.ChoiceField(choices=Order.Shift.choices)
    valid_from = day_field()
    valid_until = day_field()
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

    def clean_expires_at(self) -> dt.datetime | None:
        expires_at = self.cleaned_data.get("expires_at")
        if expires_at is not None:
            bounds.check_day(expires_at.date())
        return expires_at

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


class RevokeLinkForm(forms.Form):
    confirm = confirm_field(
        "Yes, revoke this link: it stops working at once",
        refused="Not revoked: tick “Yes, revoke this link” to confirm.",
    )


class SubstituteNameForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        min_length=2,
        max_length=100,
        strip=True,
        error_messages={
            "required": _("Type your name."),
            "min_length": _("Type your name (at least 2 letters)."),
            "max_length": _("Keep your name under 100 letters."),
        },
    )


class CorrectionForm(forms.Form):
    """Staff set what was really handed over, on any day up to today."""

    delivered_qty = quantity_field(required=True, label="Delivered quantity")
    reason = forms.ChoiceField(
        choices=[("", "—"), *Delivery.Reason.choices],
        required=False,
        help_text="Needed when nothing was delivered.",
    )
    reason_note = forms.CharField(max_length=200, required=False, label="Note")
