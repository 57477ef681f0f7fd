from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html_join

from earlybird.admin import AUDIT_FIELDS, HistoryAdmin, adopt
from earlybird.codes import next_code
from orders.models import (
    CustomerPrice,
    DayOverride,
    Order,
    OrderLine,
    OrderPause,
    Product,
    ProductPrice,
)
from orders.services import set_price

WEEKDAYS = [(0, "Mon"), (1, "Tue"), (2, "Wed"), (3, "Thu"), (4, "Fri"), (5, "Sat"), (6, "Sun")]
CODE_PREFIXES = {Order.Kind.SUBSCRIPTION: "SU", Order.Kind.ONE_TIME: "OR"}


# Products and prices ------------------------------------------------------------------


class ProductPriceInline(admin.TabularInline):
    """Prices change only through set_price (the Product prices page); listed here."""

    model = ProductPrice
    fields = ("effective_from", "price")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("name", "unit", "price_today", "is_active", "sort_order")
    list_filter = ("is_active", "unit")
    search_fields = ("name",)
    readonly_fields = AUDIT_FIELDS
    inlines = (ProductPriceInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        today = ProductPrice.objects.filter(
            product=OuterRef("pk"), effective_from__lte=timezone.localdate()
        ).order_by("-effective_from")
        price_today = Subquery(today.values("price")[:1])
        return super().get_queryset(request).annotate(price_today=price_today)

    @admin.display(description="price today", ordering="price_today")
    def price_today(self, product: Product):
        return product.price_today


class PriceAdmin(HistoryAdmin):
    """Saving goes through orders.services.set_price. What a price is for (product, date,
    customer) is fixed once saved: a new date is a new price."""

    fixed_fields: tuple[str, ...] = ("product", "effective_from")

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> tuple[str, ...]:
        return (*AUDIT_FIELDS, *self.fixed_fields) if obj else AUDIT_FIELDS

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        customer = getattr(obj, "customer", None)
        row = set_price(
            product=obj.product,
            price=obj.price,
            effective_from=obj.effective_from,
            customer=customer,
        )
        adopt(obj, row)


@admin.register(ProductPrice)
class ProductPriceAdmin(PriceAdmin):
    list_display = ("product", "price", "effective_from", "updated_at")
    list_select_related = ("product",)
    list_filter = ("product",)
    search_fields = ("product__name",)
    date_hierarchy = "effective_from"


@admin.register(CustomerPrice)
class CustomerPriceAdmin(PriceAdmin):
    fixed_fields = ("customer", "product", "effective_from")
    list_display = ("customer", "product", "price", "effective_from", "updated_at")
    list_select_related = ("customer", "product")
    list_filter = ("product",)
    search_fields = ("customer__name", "customer__phone", "customer__code", "product__name")
    autocomplete_fields = ("customer",)
    date_hierarchy = "effective_from"


# Orders -------------------------------------------------------------------------------


class OrderLineForm(forms.ModelForm):
    class Meta:
        model = OrderLine
        fields = ("product", "quantity")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and "product" in self.fields:
            # Deliveries point at (line, product): a line keeps its product.
            self.fields["product"].disabled = True

    def clean_product(self) -> Product:
        product = self.cleaned_data["product"]
        if not self.instance.pk and not product.is_active:
            raise forms.ValidationError(f"{product} is no longer sold.")
        return product


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    form = OrderLineForm
    fields = ("product", "quantity")
    extra = 0
    min_num = 1  # an order has at least one product
    show_change_link = True  # the line's page lists its day overrides

    def get_formset(self, request: HttpRequest, obj: Order | None = None, **kwargs):
        return super().get_formset(request, obj, validate_min=True, **kwargs)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("product")


class OrderPauseInline(admin.TabularInline):
    model = OrderPause
    fields = ("start_date", "end_date", "reason")
    extra = 0


class OrderForm(forms.ModelForm):
    weekdays = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="For the chosen-weekdays pattern.",
    )

    class Meta:
        model = Order
        fields = (
            "customer",
            "kind",
            "status",
            "shift",
            "notes",
            "start_date",
            "end_date",
            "pattern",
            "weekdays",
        )

    def clean(self) -> dict:
        """The shape the order services give an order, so the constraints read as help."""
        cleaned = super().clean()
        kind = cleaned.get("kind", self.instance.kind)
        status = cleaned.get("status")
        if kind == Order.Kind.ONE_TIME:
            # One delivery date: the start date.
            cleaned["pattern"] = Order.Pattern.DAILY
            cleaned["end_date"] = cleaned.get("start_date")
            cleaned["weekdays"] = []
            allowed = Order.ONE_TIME_STATUSES
        else:
            if cleaned.get("pattern") == Order.Pattern.WEEKDAYS:
                if not cleaned.get("weekdays"):
                    self.add_error("weekdays", "Choose at least one weekday.")
            else:
                cleaned["weekdays"] = []
            cleaned["weekdays"] = sorted(set(cleaned.get("weekdays") or []))
            allowed = Order.SUBSCRIPTION_STATUSES
        if kind and status and status not in allowed:
            names = ", ".join(str(Order.Status(s).label) for s in allowed)
            self.add_error("status", f"An order of this kind is one of: {names}.")
        return cleaned


@admin.register(Order)
class OrderAdmin(HistoryAdmin):
    form = OrderForm
    list_display = (
        "code",
        "customer",
        "kind",
        "status",
        "pattern",
        "shift",
        "start_date",
        "end_date",
    )
    list_select_related = ("customer",)
    list_filter = ("kind", "status", "shift", "pattern", "customer__area")
    search_fields = ("code", "customer__name", "customer__phone", "customer__code")
    date_hierarchy = "start_date"
    autocomplete_fields = ("customer",)
    inlines = [OrderLineInline, OrderPauseInline]
    fieldsets = (
        (None, {"fields": ("customer", "kind", "status", "shift", "notes")}),
        (
            "Schedule",
            {
                "fields": ("start_date", "end_date", "pattern", "weekdays"),
                "description": "A one-time order is delivered on its start date only.",
            },
        ),
        ("Record", {"fields": ("code", "created_by", *AUDIT_FIELDS, "day_overrides")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Order | None = None):
        fixed = ("code", "created_by", *AUDIT_FIELDS, "day_overrides")
        # The kind decided the code; deliveries point at (order, customer).
        return (*fixed, "kind", "customer") if obj else fixed

    @admin.display(description="day overrides")
    def day_overrides(self, order: Order) -> str:
        if not order.pk:
            return "-"
        overrides = DayOverride.objects.filter(line__order=order).select_related("line__product")
        return (
            format_html_join(
                ", ",
                "{}: {} × {}",
                ((o.date, o.line.product, o.quantity) for o in overrides.order_by("date")),
            )
            or "-"
        )

    def save_model(self, request: HttpRequest, obj: Order, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        obj.created_by = request.user
        with transaction.atomic():
            obj.code = next_code(CODE_PREFIXES[obj.kind], on=timezone.localdate())
            super().save_model(request, obj, form, change)


class DayOverrideInline(admin.TabularInline):
    model = DayOverride
    fields = ("date", "quantity")
    extra = 0


class LineFixedMixin:
    """A line keeps its order and product: deliveries point at (line, order, product)."""

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> tuple[str, ...]:
        return (*AUDIT_FIELDS, "order", "product") if obj else AUDIT_FIELDS


@admin.register(OrderLine)
class OrderLineAdmin(LineFixedMixin, HistoryAdmin):
    form = OrderLineForm
    list_display = ("__str__", "order", "order_customer")
    list_select_related = ("order__customer", "product")
    list_filter = ("product",)
    search_fields = ("order__code", "order__customer__name", "order__customer__phone")
    autocomplete_fields = ("order",)
    inlines = [DayOverrideInline]

    @admin.display(description="customer", ordering="order__customer__name")
    def order_customer(self, line: OrderLine):
        return line.order.customer


@admin.register(OrderPause)
class OrderPauseAdmin(HistoryAdmin):
    list_display = ("order", "order_customer", "start_date", "end_date", "reason")
    list_select_related = ("order__customer",)
    search_fields = ("order__code", "order__customer__name", "order__customer__phone")
    date_hierarchy = "start_date"
    autocomplete_fields = ("order",)
    readonly_fields = AUDIT_FIELDS

    @admin.display(description="customer", ordering="order__customer__name")
    def order_customer(self, pause: OrderPause):
        return pause.order.customer


@admin.register(DayOverride)
class DayOverrideAdmin(HistoryAdmin):
    list_display = ("date", "quantity", "line_product", "line_order", "line_customer")
    list_select_related = ("line__order__customer", "line__product")
    list_filter = ("line__product",)
    search_fields = (
        "line__order__code",
        "line__order__customer__name",
        "line__order__customer__phone",
    )
    date_hierarchy = "date"
    raw_id_fields = ("line",)  # the lookup lists lines with their order and customer
    readonly_fields = AUDIT_FIELDS

    @admin.display(description="product", ordering="line__product__name")
    def line_product(self, override: DayOverride):
        return override.line.product

    @admin.display(description="order", ordering="line__order__code")
    def line_order(self, override: DayOverride):
        return override.line.order

    @admin.display(description="customer", ordering="line__order__customer__name")
    def line_customer(self, override: DayOverride):
        return override.line.order.customer
