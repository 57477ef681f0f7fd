"""Forms of the customer's own pages at /me/. They check what a person typed; the rules
(cut-off, overlaps, what is due) are checked by the views and the order services."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from earlybird.forms import day_field
from earlybird.forms import quantity_field as shared_quantity_field
from earlybird.units import quantity_text
from orders.models import Order, OrderLine, Product
from orders.services import LineSpec
from web.portal.words import day_text, price_text


def date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return day_field(
        label=label,
        required=required,
        help_text=help_text,
        error_messages={
            "required": gettext_lazy("Choose a date."),
            "invalid": gettext_lazy("Enter a date like 2026-03-15."),
        },
    )


def quantity_field(label: str, *, required: bool = True, allow_zero: bool = False):
    """Up to earlybird.bounds.MAX_QUANTITY: a slip of the finger (100 instead of 1.00)
    should not reach a delivery boy."""
    return shared_quantity_field(
        label=label,
        required=required,
        allow_zero=allow_zero,
        error_messages={"invalid": gettext_lazy("Enter a number, like 1 or 1.5.")},
    )


class _Form(forms.Form):
    """Several of these share one page: each class gets its own element ids."""

    id_prefix = "id"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class PauseForm(_Form):
    id_prefix = "pause"
    start_date = date_field(gettext_lazy("First day without delivery"))
    end_date = date_field(
        gettext_lazy("Last day without delivery"),
        required=False,
        help_text=gettext_lazy("Leave it empty to pause until you resume."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (optional)"), max_length=200, required=False
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The last day cannot be before the first day."))
        return cleaned


class ResumeForm(_Form):
    id_prefix = "resume"
    first_day_back = date_field(gettext_lazy("First day of delivery again"))


class SkipForm(_Form):
    id_prefix = "skip"
    day = date_field(gettext_lazy("Day to skip"))


class ExtraForm(_Form):
    """More of one product on one day, on top of the usual: the customer types the
    extra, the view asks for the usual plus it."""

    id_prefix = "extra"

    # Radio buttons, not a select: a choice's words (product, usual, price) wrap on a phone.
    line = forms.ModelChoiceField(
        queryset=OrderLine.objects.none(),
        empty_label=None,
        label=gettext_lazy("Product"),
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": gettext_lazy("Choose one of this subscription's products.")
        },
    )
    day = date_field(gettext_lazy("Day"))
    quantity = quantity_field(gettext_lazy("How many extra"))

    def __init__(self, *args, order: Order, prices: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        prices = prices or {}
        lines = OrderLine.objects.filter(order=order).select_related("product").order_by("pk")
        self.fields["line"].queryset = lines
        if not self.is_bound:
            self.initial.setdefault("line", next(iter(order.lines.all()), None))
        self.fields["line"].label_from_instance = lambda line: ", ".join(
            part
            for part in (
                _("%(product)s (usually %(quantity)s)")
                % {
                    "product": line.product.name,
                    "quantity": quantity_text(line.quantity, line.product.unit),
                },
                price_text(prices.get(line.product_id), line.product.unit),
            )
            if part
        )
        self.fields["quantity"].help_text = _("Added to what usually comes that day.")


class OneTimeOrderForm(forms.Form):
    """A one-time order: a date, a shift, and a quantity for each product wanted."""

    delivery_date = date_field(gettext_lazy("Delivery date"))
    shift = forms.ChoiceField(
        label=gettext_lazy("When"),
        choices=[
            (Order.Shift.MORNING, gettext_lazy("Morning")),
            (Order.Shift.EVENING, gettext_lazy("Evening")),
        ],
        initial=Order.Shift.MORNING,
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(label=gettext_lazy("Note (optional)"), max_length=200, required=False)

    def __init__(self, *args, products: list[Product], **kwargs):
        """`products` priced by web.portal.selectors.priced (each label shows its price)."""
        super().__init__(*args, **kwargs)
        self.products = list(products)
        for product in self.products:
            field = quantity_field(
                " · ".join(
                    part
                    for part in (product.name, price_text(_price(product), product.unit))
                    if part
                ),
                required=False,
                allow_zero=True,
            )
            field.help_text = _coming_price(product)
            self.fields[self._name(product)] = field

    @staticmethod
    def _name(product: Product) -> str:
        return f"qty_{product.pk}"

    def product_fields(self) -> list[forms.BoundField]:
        return [self[self._name(product)] for product in self.products]

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.lines():
            raise forms.ValidationError(_("Enter a quantity for at least one product."))
        return cleaned

    def lines(self) -> list[LineSpec]:
        return [
            LineSpec(product, self.cleaned_data[self._name(product)])
            for product in self.products
            if self.cleaned_data.get(self._name(product))
        ]


def _price(product: Product):
    return getattr(product, "your_price", None)


def _coming_price(product: Product) -> str:
    """A new price set for a later day, unless the customer has a price of their own."""
    next_price = getattr(product, "next_price", None)
    if next_price is None or _price(product) != getattr(product, "price", None):
        return ""
    return _("%(price)s from %(day)s.") % {
        "price": price_text(next_price, product.unit),
        "day": day_text(product.next_from),
    }
