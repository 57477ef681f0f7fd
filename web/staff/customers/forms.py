"""Forms of the staff customer pages (the new customer's form also takes a first
subscription). Forms check what a person typed and say what is wrong in plain words;
the services decide and write (see earlybird.forms.add_service_errors)."""

from datetime import timedelta
from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Value
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.safestring import SafeString, mark_safe

from customers.models import Area, Customer
from customers.services import CustomerDetails
from deliveries.models import DeliveryBoy
from earlybird.access import allows
from earlybird.bounds import AmountField
from earlybird.forms import day_field, quantity_field, weekdays_field
from earlybird.quick_select import ChoiceLists, PlainChoices, QuickSelect, labelled_control
from earlybird.roles import ACCOUNTS, ADMIN, MARKETING, SUPPORT, role_names
from orders.models import Order, Product
from orders.services import LineSpec

User = get_user_model()

# Listed dates are set day by day on the subscription's calendar, after it exists.
FIRST_PATTERNS = [c for c in Order.Pattern.choices if c[0] != Order.Pattern.LISTED_DATES]
GENERATED_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # nothing that reads like something else


def marketing_staff_users():
    return User.objects.filter(groups__name=MARKETING, is_active=True).order_by("username")


# The list's drop-downs as (sort number, sort text, value, label): by name (then id), and
# the marketers by username.
FILTER_CHOICES = ChoiceLists(
    area=Area.objects.values_list(Value(0), "name", "pk", "name"),
    boy=DeliveryBoy.objects.values_list(Value(0), "name", "pk", "name"),
    marketer=marketing_staff_users().values_list(Value(0), "username", "pk", "username"),
)


class CustomerFilterForm(forms.Form):
    """The list's filters. The drop-downs are plain choices, every list read in one query
    (ChoiceLists); the controls are drawn in Python (controls_html, QuickSelect): no model
    instances, no template per widget or option (issue 18)."""

    q = forms.CharField(required=False, label="Name, phone or code", max_length=100)
    status = forms.ChoiceField(
        choices=PlainChoices([("", "Any status"), *Customer.Status.choices]),
        required=False,
        widget=QuickSelect,
    )
    area = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, widget=QuickSelect)
    delivery_boy = forms.ChoiceField(required=False, label="Route", widget=QuickSelect)
    marketing_staff = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Marketing", widget=QuickSelect
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        marketers = bool(role_names(user) & {ADMIN, SUPPORT, ACCOUNTS})
        names = ("area", "boy", *(("marketer",) if marketers else ()))
        lists = FILTER_CHOICES.read(*names, user=user)
        self.fields["area"].choices = PlainChoices([("", "Any area"), *lists["area"]])
        self.fields["delivery_boy"].choices = PlainChoices(
            [("", "Any route"), ("none", "On no route"), *lists["boy"]]
        )
        if marketers:
            self.fields["marketing_staff"].choices = PlainChoices(
                [("", "Anyone"), *lists["marketer"]]
            )
        else:
            del self.fields["marketing_staff"]  # marketing staff see only their own anyway

    def controls_html(self) -> SafeString:
        """Each filter as a <div> of its label and control, drawn in Python
        (labelled_control), not by a template per widget (issue 18)."""
        out = [
            labelled_control(self, name) if name in self.fields else ""
            for name in ("q", "status", "area", "delivery_boy", "marketing_staff")
        ]
        return mark_safe("\n  ".join(out))  # noqa: S308 - every value is escaped  # nosec B308 B703

    def filters(self) -> dict:
        """The valid filters as selector arguments (an invalid one is ignored)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        boy = data.get("delivery_boy") or None
        return {
            "search": data.get("q") or "",
            "status": data.get("status") or "",
            "area": data.get("area"),
            "delivery_boy": boy if boy in (None, "none") else int(boy),
            "marketing_staff": data.get("marketing_staff"),
        }


class CustomerForm(forms.Form):
    """A customer's details. Marketing staff are the marketer of what they create; only an
    admin sets an opening balance (it is money)."""

    name = forms.CharField(max_length=150, error_messages={"required": "Give the customer's name."})
    phone = forms.CharField(
        max_length=20,
        label="Mobile number",
        help_text="Ten digits; +91 or a leading 0 is fine. It is also the customer's login.",
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        error_messages={"required": "Give a mobile number: it is also the customer's login."},
    )
    email = forms.EmailField(
        required=False, error_messages={"invalid": "That is not an email address."}
    )
    status = forms.ChoiceField(choices=Customer.Status.choices, initial=Customer.Status.TRIAL)
    area = forms.ModelChoiceField(
        queryset=Area.objects.none(), required=False, empty_label="No area yet"
    )
    address = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    landmark = forms.CharField(max_length=200, required=False)
    delivery_instructions = forms.CharField(
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 300}),
        help_text="Shown to the delivery boy at this stop, e.g. “leave the packets in the bag "
        "on the gate”. The customer can change it too.",
        error_messages={"max_length": "Keep the instructions to %(limit_value)d characters."},
    )
    map_link = forms.URLField(
        max_length=500,
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Paste the whole map link, starting with https://"},
    )
    latitude = forms.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        required=False,
        error_messages={"invalid": "Enter a latitude like 17.385044."},
    )
    longitude = forms.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        required=False,
        error_messages={"invalid": "Enter a longitude like 78.486671."},
    )
    marketing_staff = forms.ModelChoiceField(
        queryset=marketing_staff_users(), required=False, empty_label="Nobody"
    )
    opening_balance = AmountField(
        allow_negative=True,
        required=False,
        label="Opening balance (₹)",
        help_text="Owed at the start (positive) or credit (negative).",
        error_messages={"invalid": "Enter an amount in rupees, like 250 or -100.50."},
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, customer: Customer | None = None, **kwargs):
        self.user, self.customer = user, customer
        if customer is not None:
            initial = kwargs.setdefault("initial", {})
            for name in self.base_fields:
                if hasattr(customer, name) and name not in ("area", "marketing_staff"):
                    initial.setdefault(name, getattr(customer, name))
            initial.setdefault("area", customer.area_id)
            initial.setdefault("marketing_staff", customer.marketing_staff_id)
            initial.setdefault("email", customer.user.email)
        super().__init__(*args, **kwargs)
        roles = role_names(user)
        areas = Q(is_active=True)
        if customer is not None and customer.area_id:
            areas |= Q(pk=customer.area_id)  # keep an area that was closed since
        self.fields["area"].queryset = Area.objects.filter(areas).order_by("name")
        if not roles & {ADMIN, SUPPORT}:
            del self.fields["marketing_staff"]
        if ADMIN not in roles:
            del self.fields["opening_balance"]

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None) and not (
            self.has_error("latitude") or self.has_error("longitude")
        ):
            self.add_error("longitude", "Give both latitude and longitude, or neither.")
        return data

    def marketer(self):
        if "marketing_staff" in self.fields:
            return self.cleaned_data.get("marketing_staff")
        if self.customer is not None:
            return self.customer.marketing_staff
        return self.user if MARKETING in role_names(self.user) else None

    def details(self) -> CustomerDetails:
        data = self.cleaned_data
        opening = (
            data.get("opening_balance")
            if "opening_balance" in self.fields
            else (self.customer.opening_balance if self.customer else None)
        )
        return CustomerDetails(
            name=data["name"],
            phone=data["phone"],
            status=data["status"],
            area=data.get("area"),
            address=data.get("address", ""),
            landmark=data.get("landmark", ""),
            map_link=data.get("map_link", ""),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            marketing_staff=self.marketer(),
            opening_balance=opening or Decimal("0"),
            notes=data.get("notes", ""),
            email=data.get("email", ""),
            delivery_instructions=data.get("delivery_instructions", ""),
        )


class RouteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, boy) -> str:
        stops = boy.stop_count
        return f"{boy.name} · {stops} stop{'' if stops == 1 else 's'}"


MAX_STOP = 9999


class CustomerCreateForm(CustomerForm):
    """A new customer: its login; if a product is chosen, its first subscription; and, for
    the staff who arrange routes, its place on a delivery boy's route."""

    password = forms.CharField(
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Or leave empty and let us make one up.",
    )
    generate_password = forms.BooleanField(
        required=False,
        initial=True,
        label="Make up a password and show it to me once",
        help_text="With neither, you get a set-password link to send the customer.",
    )
    sub_product = forms.ModelChoiceField(
        queryset=Product.objects.filter(is_active=True).order_by("sort_order", "name"),
        required=False,
        label="Product",
        empty_label="No subscription now",
        error_messages={"invalid_choice": "That product is no longer sold."},
    )
    sub_quantity = quantity_field(label="Quantity each day")
    sub_pattern = forms.ChoiceField(
        choices=FIRST_PATTERNS, initial=Order.Pattern.DAILY, label="Which days"
    )
    sub_weekdays = weekdays_field(label="Weekdays (for chosen weekdays)")
    sub_shift = forms.ChoiceField(
        choices=Order.Shift.choices, initial=Order.Shift.MORNING, label="Shift"
    )
    sub_start_date = day_field(
        required=False, label="First day", error_messages={"invalid": "Enter a date."}
    )
    route = RouteChoiceField(
        queryset=DeliveryBoy.objects.none(),
        required=False,
        label="Delivery boy's route",
        empty_label="Not on a route yet",
        error_messages={"invalid_choice": "That route is not running any more: choose another."},
    )
    route_position = forms.IntegerField(
        min_value=1,
        max_value=MAX_STOP,
        required=False,
        label="Stop number",
        help_text="1 is his first stop; the stops from there on move down one. "
        "Empty, or past his last stop: at the end of his round.",
        error_messages={
            "min_value": "Stop numbers start at 1.",
            "max_value": f"A stop number is at most {MAX_STOP}.",
            "invalid": "Enter a stop number, like 5.",
        },
    )

    # Where a service's message about the subscription belongs on this form.
    SERVICE_FIELDS = {
        "lines": "sub_quantity",
        "weekdays": "sub_weekdays",
        "start_date": "sub_start_date",
        "pattern": "sub_pattern",
        "shift": "sub_shift",
        "username": "phone",
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault(
            "sub_start_date", timezone.localdate() + timedelta(days=1)
        )
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (Customer.Status.TRIAL, "Trial"),
            (Customer.Status.ACTIVE, "Active"),
        ]
        self.generated_password = ""
        if allows(self.user, "deliveries:route_assign", "POST"):
            self.fields["route"].queryset = (
                DeliveryBoy.objects.filter(is_active=True)
                .annotate(stop_count=Count("stops"))
                .order_by("name", "pk")
            )
        else:
            del self.fields["route"], self.fields["route_position"]

    def clean(self):
        data = super().clean()
        password = data.get("password")
        if password:
            try:
                password_validation.validate_password(
                    password, User(username=data.get("phone", ""), first_name=data.get("name", ""))
                )
            except ValidationError as exc:
                self.add_error("password", exc)
        elif data.get("generate_password"):
            self.generated_password = get_random_string(10, GENERATED_ALPHABET)
        if data.get("route_position") and not data.get("route") and not self.has_error("route"):
            self.add_error("route", "Choose whose route this stop number is on.")
        product, quantity = data.get("sub_product"), data.get("sub_quantity")
        if product is None:
            if quantity:
                self.add_error("sub_product", "Choose the product to subscribe to.")
            return data
        if not quantity:
            self.add_error("sub_quantity", f"How much {product.name} each day? Above 0.")
        start = data.get("sub_start_date")
        if start is None and not self.has_error("sub_start_date"):
            self.add_error("sub_start_date", "Give the first day of the subscription.")
        elif start is not None and start < timezone.localdate():
            self.add_error("sub_start_date", "The first day cannot be in the past.")
        if data.get("sub_pattern") == Order.Pattern.WEEKDAYS and not data.get("sub_weekdays"):
            self.add_error("sub_weekdays", "Tick at least one weekday.")
        return data

    def route_place(self) -> dict:
        """Arguments for deliveries.services.routes.create_customer_on_route."""
        return {
            "delivery_boy": self.cleaned_data.get("route"),
            "position": self.cleaned_data.get("route_position"),
        }

    def chosen_password(self) -> str | None:
        return self.cleaned_data.get("password") or self.generated_password or None

    def subscription(self) -> dict:
        """Arguments for the first subscription (no lines if none was asked for)."""
        data = self.cleaned_data
        if data.get("sub_product") is None:
            return {"lines": []}
        return {
            "lines": [LineSpec(data["sub_product"], data["sub_quantity"])],
            "start_date": data["sub_start_date"],
            "pattern": data["sub_pattern"],
            "weekdays": data.get("sub_weekdays") or [],
            "shift": data["sub_shift"],
        }
