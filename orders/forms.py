"""Forms of the staff order pages: subscriptions and their schedule edits, one-time
orders, products and prices. Errors in plain words; the services decide and write."""

from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.utils import timezone

from earlybird.bounds import AmountField
from earlybird.confirm import confirm_field
from earlybird.forms import day_field, quantity_field, weekdays_field
from orders.models import Order, OrderLine, Product


def tomorrow() -> date:
    return timezone.localdate() + timedelta(days=1)


def date_field(label: str, *, required: bool = True, **kwargs) -> forms.DateField:
    return day_field(
        label=label,
        required=required,
        error_messages={"required": f"Give the {label.lower()}.", "invalid": "Enter a date."},
        **kwargs,
    )


def money_field(label: str = "Price (₹)", **kwargs) -> forms.DecimalField:
    """A price: 0 up to the money cap (earlybird.bounds.check_amount)."""
    return AmountField(
        label=label,
        allow_zero=True,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
        error_messages={
            "required": "Give the price.",
            "invalid": "Enter an amount in rupees, like 62 or 62.50.",
            "max_decimal_places": "Use at most 2 decimals (paise).",
            "max_digits": "That amount is too large.",
            "max_whole_digits": "That amount is too large.",
        },
        **kwargs,
    )


class ProductQuantitiesMixin:
    """One quantity field per product (`qty_<product id>`), for orders of several products."""

    def add_quantity_fields(self, products: list[Product], *, required=(), initial=None):
        initial = initial or {}
        self.products = products
        for product in products:
            self.fields[f"qty_{product.pk}"] = quantity_field(
                label=f"{product.name} ({product.get_unit_display()})",
                required=product.pk in required,
                initial=initial.get(product.pk),
            )

    def quantity_rows(self):
        return [(product, self[f"qty_{product.pk}"]) for product in self.products]

    def quantities(self) -> dict[Product, Decimal]:
        return {
            product: self.cleaned_data[f"qty_{product.pk}"]
            for product in self.products
            if self.cleaned_data.get(f"qty_{product.pk}")
        }

    def check_some_quantity(self, what: str) -> None:
        if not self.errors and not self.quantities():
            self.add_error(None, f"Give a quantity for at least one product to {what}.")


class SubscriptionForm(ProductQuantitiesMixin, forms.Form):
    """Create a subscription, or change its pattern, shift, end and quantities."""

    pattern = forms.ChoiceField(
        choices=Order.Pattern.choices, initial=Order.Pattern.DAILY, label="Which days"
    )
    weekdays = weekdays_field(label="Weekdays (for chosen weekdays)")
    shift = forms.ChoiceField(choices=Order.Shift.choices, initial=Order.Shift.MORNING)
    start_date = date_field("First day")
    end_date = date_field(
        "Last day", required=False, help_text="Leave empty to go on until stopped."
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    SERVICE_FIELDS = {"lines": None}

    def __init__(self, *args, products: list[Product], order: Order | None = None, **kwargs):
        self.order = order
        existing = {}
        if order is not None:
            existing = {line.product_id: line.quantity for line in order.lines.all()}
            initial = kwargs.setdefault("initial", {})
            for name in ("pattern", "weekdays", "shift", "end_date"):
                initial.setdefault(name, getattr(order, name))
        else:
            kwargs.setdefault("initial", {}).setdefault("start_date", tomorrow())
        super().__init__(*args, **kwargs)
        if order is not None:
            # The first day and notes stay; a line once added keeps a quantity above 0.
            del self.fields["start_date"], self.fields["notes"]
            listed = {line.product_id: line.product for line in order.lines.all()}
            products = list(products) + [p for pk, p in listed.items() if p not in products]
        self.add_quantity_fields(products, required=set(existing), initial=existing)
        self.kept = set(existing)
        for pk in self.kept:
            field = self.fields[f"qty_{pk}"]
            field.error_messages["required"] = (
                f"{field.label} is on this subscription: keep a quantity above 0 "
                "(to end it, stop the subscription)."
            )

    def clean(self):
        data = super().clean()
        for pk in self.kept:
            name = f"qty_{pk}"
            if data.get(name) is not None and data[name] <= 0:
                self.add_error(name, self.fields[name].error_messages["required"])
        if data.get("pattern") == Order.Pattern.WEEKDAYS and not data.get("weekdays"):
            self.add_error("weekdays", "Tick at least one weekday.")
        start = data.get("start_date") or (self.order.start_date if self.order else None)
        end = data.get("end_date")
        if self.order is None and data.get("start_date") and start < timezone.localdate():
            self.add_error("start_date", "The first day cannot be in the past.")
        if start and end and end < start:
            self.add_error("end_date", "The last day cannot be before the first.")
        self.check_some_quantity("subscribe to")
        return data


class PauseForm(forms.Form):
    start_date = date_field("First day off")
    end_date = date_field(
        "Last day off", required=False, help_text="Leave empty to pause until resumed."
    )
    reason = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("start_date", tomorrow())
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The pause cannot end before it starts.")
        return data


class ResumeForm(forms.Form):
    first_day_back = date_field("First day back")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("first_day_back", tomorrow())
        super().__init__(*args, **kwargs)


class StopForm(forms.Form):
    last_day = date_field("Last day delivered")
    confirm = confirm_field(
        "Yes, stop this subscription: nothing is delivered after the last day",
        refused="Not stopped: tick “Yes, stop this subscription” to confirm.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("last_day", timezone.localdate())
        super().__init__(*args, **kwargs)


class DayForm(forms.Form):
    """One day of a subscription: set each product's quantity, skip the day, or go back
    to the pattern."""

    ACTIONS = [
        ("set", "Set these quantities"),
        ("skip", "Skip the day"),
        ("clear", "Back to the usual"),
    ]

    date = date_field("Day")
    action = forms.ChoiceField(choices=ACTIONS, initial="set")

    def __init__(self, *args, order: Order, **kwargs):
        super().__init__(*args, **kwargs)
        self.order = order
        self.lines: list[OrderLine] = list(order.lines.all())
        for line in self.lines:
            self.fields[f"line_{line.pk}"] = quantity_field(
                label=f"{line.product.name} ({line.product.get_unit_display()})",
                help_text=f"Usually {line.quantity.normalize():f}; 0 = none that day.",
            )

    def line_rows(self):
        return [(line, self[f"line_{line.pk}"]) for line in self.lines]

    def clean(self):
        data = super().clean()
        day = data.get("date")
        if day is not None:
            if day < timezone.localdate():
                self.add_error("date", "That day is past; correct its delivery instead.")
            elif day < self.order.start_date or (self.order.end_date and day > self.order.end_date):
                self.add_error("date", f"{day:%d %b %Y} is outside this subscription's dates.")
        if data.get("action") == "set" and not any(
            data.get(f"line_{line.pk}") is not None for line in self.lines
        ):
            self.add_error(None, "Give a quantity for at least one product, or skip the day.")
        return data

    def quantities(self) -> dict[OrderLine, Decimal | None]:
        action = self.cleaned_data["action"]
        if action == "skip":
            return {line: Decimal(0) for line in self.lines}
        if action == "clear":
            return {line: None for line in self.lines}
        return {
            line: self.cleaned_data[f"line_{line.pk}"]
            for line in self.lines
            if self.cleaned_data.get(f"line_{line.pk}") is not None
        }


class OneTimeOrderForm(ProductQuantitiesMixin, forms.Form):
    delivery_date = date_field("Delivery day")
    shift = forms.ChoiceField(choices=Order.Shift.choices, initial=Order.Shift.MORNING)
    notes = forms.CharField(required=False, max_length=500)

    SERVICE_FIELDS = {"lines": None, "customer": None}

    def __init__(self, *args, products: list[Product], **kwargs):
        kwargs.setdefault("initial", {}).setdefault("delivery_date", tomorrow())
        super().__init__(*args, **kwargs)
        self.add_quantity_fields(products)

    def clean(self):
        data = super().clean()
        day = data.get("delivery_date")
        if day is not None and day < timezone.localdate():
            self.add_error("delivery_date", "The delivery day cannot be in the past.")
        self.check_some_quantity("order")
        return data


class OneTimeFilterForm(forms.Form):
    date_from = day_field(required=False, label="From")
    date_to = day_field(required=False, label="To")
    status = forms.ChoiceField(
        required=False,
        choices=[("", "Any status"), *[(s.value, s.label) for s in Order.ONE_TIME_STATUSES]],
    )

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "date_from": data.get("date_from") or timezone.localdate(),
            "date_to": data.get("date_to"),
            "status": data.get("status") or "",
        }


class ProductForm(forms.Form):
    name = forms.CharField(max_length=120, error_messages={"required": "Give the product a name."})
    unit = forms.ChoiceField(choices=Product.Unit.choices, initial=Product.Unit.LITRE)
    sort_order = forms.IntegerField(
        min_value=0,
        max_value=32767,
        initial=0,
        required=False,
        help_text="Lower comes first on lists.",
        error_messages={"invalid": "Enter a whole number.", "min_value": "Use 0 or more."},
    )
    is_active = forms.BooleanField(required=False, initial=True, label="Still sold")
    returnable = forms.BooleanField(
        required=False,
        label="Returnable bottle or crate",
        help_text="Each unit comes in a container the customer gives back; the delivery "
        "boy counts them.",
    )
    container = forms.CharField(
        max_length=40,
        required=False,
        help_text="What it comes in, e.g. glass bottle, crate.",
    )
    deposit = money_field(
        "Deposit per container (₹)",
        required=False,
        help_text="Only for returnable products; 0 for none.",
    )

    def __init__(self, *args, product: Product | None = None, **kwargs):
        if product is not None:
            initial = kwargs.setdefault("initial", {})
            for name in ("name", "unit", "sort_order", "is_active", *CONTAINER_FIELDS):
                initial.setdefault(name, getattr(product, name))
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("deposit") and not data.get("returnable"):
            self.add_error("deposit", "A deposit is only for a returnable product: tick it.")
        return data

    def containers(self) -> dict:
        """The returnable-container arguments of create_product / update_product."""
        data = self.cleaned_data
        return {
            "returnable": bool(data.get("returnable")),
            "container": (data.get("container") or "").strip(),
            "deposit": data.get("deposit") or Decimal(0),
        }


CONTAINER_FIELDS = ("returnable", "container", "deposit")


class NewProductForm(ProductForm):
    price = money_field()
    effective_from = date_field("Price from", initial=timezone.localdate)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["is_active"]


class PriceForm(forms.Form):
    price = money_field()
    effective_from = date_field("From", help_text="The price holds from this day on.")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("effective_from", tomorrow())
        super().__init__(*args, **kwargs)


class CustomerPriceForm(PriceForm):
    product = forms.ModelChoiceField(
        queryset=Product.objects.order_by("sort_order", "name"),
        empty_label="Choose a product",
        error_messages={"required": "Choose the product.", "invalid_choice": "Choose a product."},
    )
    field_order = ["product", "price", "effective_from"]
