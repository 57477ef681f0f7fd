"""Forms of the customer's own pages at /me/. They check what a person typed; the rules
(cut-off, overlaps, what is due) are checked by the views and the order services."""

from django import forms

from earlybird.forms import day_field
from earlybird.forms import quantity_field as shared_quantity_field
from orders.models import Order, OrderLine, Product
from orders.services import LineSpec


def date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return day_field(
        label=label,
        required=required,
        help_text=help_text,
        error_messages={"required": "Choose a date.", "invalid": "Enter a date like 2026-03-15."},
    )


def quantity_field(label: str, *, required: bool = True, allow_zero: bool = False):
    """Up to earlybird.bounds.MAX_QUANTITY: a slip of the finger (100 instead of 1.00)
    should not reach a delivery boy."""
    return shared_quantity_field(
        label=label,
        required=required,
        allow_zero=allow_zero,
        error_messages={"invalid": "Enter a number, like 1 or 1.5."},
    )


class _Form(forms.Form):
    """Several of these share one page: each class gets its own element ids."""

    id_prefix = "id"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class PauseForm(_Form):
    id_prefix = "pause"
    start_date = date_field("First day without delivery")
    end_date = date_field(
        "Last day without delivery",
        required=False,
        help_text="Leave it empty to pause until you resume.",
    )
    reason = forms.CharField(label="Reason (optional)", max_length=200, required=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The last day cannot be before the first day.")
        return cleaned


class ResumeForm(_Form):
    id_prefix = "resume"
    first_day_back = date_field("First day of delivery again")


class SkipForm(_Form):
    id_prefix = "skip"
    day = date_field("Day to skip")


class ExtraForm(_Form):
    """More of one product on one day: the new quantity for that day."""

    id_prefix = "extra"

    line = forms.ModelChoiceField(
        queryset=OrderLine.objects.none(),
        empty_label=None,
        label="Product",
        error_messages={"invalid_choice": "Choose one of this subscription's products."},
    )
    day = date_field("Day")
    quantity = quantity_field("Quantity on that day")

    def __init__(self, *args, order: Order, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = OrderLine.objects.filter(order=order).select_related(
            "product"
        )
        self.fields["line"].label_from_instance = lambda line: (
            f"{line.product.name} (usually {line.quantity.normalize():f})"
        )


class OneTimeOrderForm(forms.Form):
    """A one-time order: a date, a shift, and a quantity for each product wanted."""

    delivery_date = date_field("Delivery date")
    shift = forms.ChoiceField(
        choices=Order.Shift.choices, initial=Order.Shift.MORNING, widget=forms.RadioSelect
    )
    notes = forms.CharField(label="Note (optional)", max_length=200, required=False)

    def __init__(self, *args, products: list[Product], **kwargs):
        super().__init__(*args, **kwargs)
        self.products = list(products)
        for product in self.products:
            self.fields[self._name(product)] = quantity_field(
                f"{product.name} ({product.get_unit_display()})",
                required=False,
                allow_zero=True,
            )

    @staticmethod
    def _name(product: Product) -> str:
        return f"qty_{product.pk}"

    def product_fields(self) -> list[forms.BoundField]:
        return [self[self._name(product)] for product in self.products]

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.lines():
            raise forms.ValidationError("Enter a quantity for at least one product.")
        return cleaned

    def lines(self) -> list[LineSpec]:
        return [
            LineSpec(product, self.cleaned_data[self._name(product)])
            for product in self.products
            if self.cleaned_data.get(self._name(product))
        ]
