from datetime import date, timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Trim
from django.forms import ModelChoiceField
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from billing.grid import STATUS_LABELS, GridFilters
from billing.models import Payment
from billing.services import parse_month
from billing.services.runs import check_month_has_ended
from customers.models import Area, Customer
from deliveries.models import DeliveryBoy
from earlybird.bounds import AmountField, DayField
from earlybird.confirm import confirm_field
from earlybird.idempotency import OnceFormMixin
from earlybird.phones import InvalidPhone, normalise_phone
from earlybird.quick_select import ChoiceLists, PlainChoices, QuickSelect, labelled_control
from earlybird.roles import ADMIN, DELIVERY_BOY, MARKETING, STAFF_ROLES, has_role
from orders.models import Product

User = get_user_model()

PICKER_MAX_LENGTH = 150  # a customer's whole name
PICKER_LISTED = 8  # customers named in the error when a name matches several


def customer_picker_field() -> forms.CharField:
    """The text box where staff type which customer: a code, a phone or a name."""
    return forms.CharField(
        max_length=PICKER_MAX_LENGTH,
        label="Customer (name, code or phone)",
        widget=forms.TextInput(
            attrs={"placeholder": "Lakshmi Devi, CU-20260101-0001 or 98480 22338"}
        ),
    )


def customer_by_code_phone_or_name(text: str) -> Customer:
    """The customer a staff member typed: by code, then phone, then name (the whole name,
    or a part of it that only one customer's name holds). A form error otherwise, which
    lists the customers a name matches when it matches several. At most four queries."""
    text = text.strip()
    found = Customer.objects.filter(code__iexact=text).first()
    if found is None:
        try:
            found = Customer.objects.filter(phone=normalise_phone(text)).first()
        except InvalidPhone:
            found = None
    if found is not None:
        return found
    by_name = Customer.objects.order_by("name", "pk")
    named = list(by_name.filter(name__iexact=text)[: PICKER_LISTED + 1])
    if not named and text:
        named = list(by_name.filter(name__icontains=text)[: PICKER_LISTED + 1])
    if len(named) == 1:
        return named[0]
    if not named:
        raise forms.ValidationError(f"No customer with the code, phone or name “{text}”.")
    listed = "; ".join(f"{c.name} ({c.code}, {c.phone})" for c in named[:PICKER_LISTED])
    if len(named) > PICKER_LISTED:
        count, listed = f"More than {PICKER_LISTED} customers", f"{listed}; …"
    else:
        count = f"{len(named)} customers"
    raise forms.ValidationError(
        f"{count} match “{text}”: {listed}. Type the code or phone of the one you mean."
    )


def amount_input() -> forms.NumberInput:
    return forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0.01"})


class CashForm(OnceFormMixin, forms.Form):
    """Cash a delivery boy received (sent once: see earlybird.idempotency)."""

    once_operation = "boy:cash"

    amount = AmountField(
        cash_by_delivery_boy=True, label="Cash received (₹)", widget=amount_input()
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


class RunForm(OnceFormMixin, forms.Form):
    """The month to bill: one that has ended (the last one, unless said otherwise). An
    admin may bill the current month before it ends, by ticking the box for it; the
    service (billing.services.runs.check_month_has_ended) refuses anything else."""

    once_operation = "billing:run_start"

    month = MonthField(label="Month to bill")
    before_month_end = forms.BooleanField(
        required=False,
        label="Bill this month before it ends",
        help_text="Only for a customer who leaves mid-month, or a dairy closing its books early.",
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("month", f"{last_month():%Y-%m}")
        super().__init__(*args, user=user, **kwargs)
        latest = last_month()
        if has_role(user, ADMIN):
            latest = this_month()
        else:
            del self.fields["before_month_end"]
        self.fields["month"].widget.attrs["max"] = f"{latest:%Y-%m}"

    def clean(self):
        data = super().clean()
        month = data.get("month")
        early = data.get("before_month_end") and month is not None and month <= this_month()
        if month is not None and not early:
            # Only a month that has ended, said here before anything is queued; the
            # service checks again for every other caller.
            try:
                check_month_has_ended(month, before_month_end=False)
            except ValidationError as exc:
                self.add_error("month", exc.message_dict["period"])
        return data

    def run_arguments(self) -> dict:
        """Keyword arguments for billing.services.run_billing."""
        return {
            "period": self.cleaned_data["month"],
            "before_month_end": self.cleaned_data.get("before_month_end", False),
        }


class VoidForm(forms.Form):
    reason = forms.CharField(
        max_length=200,
        label="Why is this bill void?",
        error_messages={"required": "Not voided: say why the bill is void."},
    )
    confirm = confirm_field(
        "Yes, void this bill: it leaves the customer's account for good",
        refused="Not voided: tick “Yes, void this bill” to confirm.",
    )


def this_month() -> date:
    """The first day of today's month: what a page where a month is chosen opens on."""
    return timezone.localdate().replace(day=1)


def last_month() -> date:
    return (this_month() - timedelta(days=1)).replace(day=1)


def marketing_users():
    return User.objects.filter(groups__name=MARKETING).order_by("username")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.get_username()


def _full_name_or_username():
    """UserChoiceField's label in SQL: the full name, else the username."""
    full_name = Trim(Concat("first_name", Value(" "), "last_name"))
    return Coalesce(NullIf(full_name, Value("")), "username")


# The grid's drop-downs as (sort number, sort text, value, label), one query for all.
GRID_CHOICES = ChoiceLists(
    product=Product.objects.values_list("sort_order", "name", "pk", "name"),
    area=Area.objects.values_list(Value(0), "name", "pk", "name"),
    delivery_boy=DeliveryBoy.objects.values_list(Value(0), "name", "pk", "name"),
    marketing_staff=marketing_users().values_list(
        Value(0), "username", "pk", _full_name_or_username()
    ),
)
EMPTY = "---------"


def _id_choice(label: str, empty: str = EMPTY) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        choices=PlainChoices([("", empty)]),
        coerce=int,
        empty_value=None,
        required=False,
        label=label,
        widget=QuickSelect,
        # A ModelChoiceField's words: the id typed is not repeated back.
        error_messages={
            "invalid_choice": ModelChoiceField.default_error_messages["invalid_choice"]
        },
    )


class GridFilterForm(forms.Form):
    """The monthly grid's filters (a GET form): month (today's unless chosen), product,
    area, route, marketer, paid or not. The drop-downs' choices are read in one query
    (ChoiceLists) as plain (id, label) rows, given as they are (PlainChoices); the
    controls are drawn in Python (controls_html): no model instances, no template per
    widget or option (issue 18)."""

    month = MonthField(required=False, label="Month")
    product = _id_choice("Product", "All products")
    area = _id_choice("Area")
    delivery_boy = _id_choice("Delivery boy")
    marketing_staff = _id_choice("Marketing staff")
    payment_status = forms.ChoiceField(
        choices=PlainChoices([("", "All"), *STATUS_LABELS.items()]),
        required=False,
        label="Payment",
        widget=QuickSelect,
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        names = ("product", "area", "delivery_boy", "marketing_staff")
        lists = GRID_CHOICES.read(*names, user=user)
        for name, choices in lists.items():
            field = self.fields[name]
            field.choices = PlainChoices([field.choices.pairs[0], *choices])
        self.product_names = dict(lists["product"])

    def controls_html(self) -> SafeString:
        """Each filter as a <div> of its label and control (labelled_control), laid out
        as the template's loop over the fields laid them out."""
        return mark_safe(  # noqa: S308 - every value is escaped  # nosec B308 B703
            "".join(f"\n  {labelled_control(self, name)}\n  " for name in self.fields)
        )

    @property
    def product_name(self) -> str:
        """The chosen product's name ("" for all)."""
        return self.product_names.get(getattr(self, "cleaned_data", {}).get("product"), "")

    def filters(self) -> GridFilters:
        data = self.cleaned_data
        return GridFilters(
            period=data.get("month") or this_month(),
            product_id=data.get("product"),
            area_id=data.get("area"),
            delivery_boy_id=data.get("delivery_boy"),
            marketing_staff_id=data.get("marketing_staff"),
            payment_status=data.get("payment_status") or "",
        )


def received_by_choices():
    """Who may receive money: staff and delivery boys (cash on the route)."""
    return (
        User.objects.filter(
            Q(groups__name__in=(*STAFF_ROLES, DELIVERY_BOY)) | Q(is_superuser=True),
            is_active=True,
        )
        .distinct()
        .order_by("username")
    )


class PaymentForm(OnceFormMixin, forms.Form):
    """A payment received, written by billing.services.record_payment (sent once: see
    earlybird.idempotency)."""

    once_operation = "billing:payments"

    customer = customer_picker_field()
    amount = AmountField(label="Amount (₹)", widget=amount_input())
    method = forms.ChoiceField(choices=Payment.Method.choices, label="Paid by")
    paid_on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(
        max_length=100, required=False, label="Reference (UPI / bank ref., cheque no.)"
    )
    received_by = UserChoiceField(received_by_choices(), label="Received by")
    notes = forms.CharField(max_length=200, required=False)

    def clean_customer(self) -> Customer:
        return customer_by_code_phone_or_name(self.cleaned_data["customer"])

    def clean_paid_on(self) -> date:
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > timezone.localdate():
            raise forms.ValidationError("A payment cannot be dated in the future.")
        return paid_on


class PaymentFilterForm(forms.Form):
    """Filters of the payments list (a GET form)."""

    q = forms.CharField(required=False, max_length=100, label="Customer")
    method = forms.ChoiceField(
        choices=[("", "All"), *Payment.Method.choices], required=False, label="Method"
    )
    date_from = DayField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = DayField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))
    received_by = forms.ModelChoiceField(received_by_choices(), required=False, label="Received by")


class ReconcileForm(forms.Form):
    month = MonthField(required=False, label="Month (blank: everything)")
