"""An order's lines, pauses and day overrides, inline on the order or on their own pages,
through the order services (each refreshes the deliveries already generated)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from customers.admin import VisibleCustomersMixin
from earlybird.admin import AUDIT_FIELDS, HistoryAdmin, ServiceAdminMixin, adopt
from orders.models import DayOverride, Order, OrderLine, OrderPause, Product
from orders.services import (
    add_order_line,
    pause_order,
    remove_order_line,
    remove_pause,
    set_day_override,
    set_line_quantity,
    update_pause,
)


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


class ScheduleWritesMixin:
    """Lines, pauses and day overrides, inline or on their own pages, through the order
    services (each refreshes the deliveries already generated)."""

    def save_lines(self, formset, order: Order) -> None:
        formset.save(commit=False)
        for line in formset.deleted_objects:
            remove_order_line(line=line)
        for line, _ in formset.changed_objects:
            adopt(line, set_line_quantity(line=line, quantity=line.quantity))
        for line in formset.new_objects:
            added = add_order_line(order=order, product=line.product, quantity=line.quantity)
            adopt(line, added)

    def save_override(self, override: DayOverride) -> None:
        """set_day_override for the day; an override moved to another day leaves its old
        day to the pattern."""
        if override.pk:
            old_day = DayOverride.objects.values_list("date", flat=True).get(pk=override.pk)
            if old_day != override.date:
                set_day_override(line=override.line, day=old_day, quantity=None)
        saved = set_day_override(line=override.line, day=override.date, quantity=override.quantity)
        adopt(override, saved)

    def delete_override(self, override: DayOverride) -> None:
        set_day_override(line=override.line, day=override.date, quantity=None)

    def save_overrides(self, formset) -> None:
        formset.save(commit=False)
        for override in formset.deleted_objects:
            self.delete_override(override)
        for override, _ in formset.changed_objects:
            self.save_override(override)
        for override in formset.new_objects:
            self.save_override(override)

    def save_pauses(self, formset, order: Order) -> None:
        formset.save(commit=False)
        for pause in formset.deleted_objects:
            remove_pause(pause=pause)
        for pause, _ in formset.changed_objects:
            adopt(pause, self.update_pause(pause))
        for pause in formset.new_objects:
            adopt(pause, self.add_pause(pause, order))

    def add_pause(self, pause: OrderPause, order: Order) -> OrderPause:
        return pause_order(
            order=order, start_date=pause.start_date, end_date=pause.end_date, reason=pause.reason
        )

    def update_pause(self, pause: OrderPause) -> OrderPause:
        return update_pause(
            pause=pause, start_date=pause.start_date, end_date=pause.end_date, reason=pause.reason
        )

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        try:
            if formset.model is OrderLine:
                self.save_lines(formset, formset.instance)
            elif formset.model is OrderPause:
                self.save_pauses(formset, formset.instance)
            elif formset.model is DayOverride:
                self.save_overrides(formset)
            else:
                super().save_formset(request, form, formset, change)
        except ValidationError as exc:
            # A row's reason, on top of the page: its field names are not the page's fields.
            name = formset.model._meta.verbose_name
            raise ValidationError([f"{name.capitalize()}: {m}" for m in exc.messages]) from exc


class DayOverrideInline(admin.TabularInline):
    model = DayOverride
    fields = ("date", "quantity")
    extra = 0


class LineFixedMixin:
    """A line keeps its order and product: deliveries point at (line, order, product)."""

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> tuple[str, ...]:
        return (*AUDIT_FIELDS, "order", "product") if obj else AUDIT_FIELDS


@admin.register(OrderLine)
class OrderLineAdmin(
    VisibleCustomersMixin, LineFixedMixin, ScheduleWritesMixin, ServiceAdminMixin, HistoryAdmin
):
    """add_order_line / set_line_quantity / remove_order_line; overrides inline through
    set_day_override."""

    customer_path = "order__customer"
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

    def save_model(self, request: HttpRequest, obj: OrderLine, form, change: bool) -> None:
        if change:
            adopt(obj, set_line_quantity(line=obj, quantity=obj.quantity))
        else:
            adopt(obj, add_order_line(order=obj.order, product=obj.product, quantity=obj.quantity))

    def delete_model(self, request: HttpRequest, obj: OrderLine) -> None:
        remove_order_line(line=obj)


@admin.register(OrderPause)
class OrderPauseAdmin(VisibleCustomersMixin, ScheduleWritesMixin, ServiceAdminMixin, HistoryAdmin):
    """pause_order / update_pause / remove_pause (a pause not yet begun)."""

    customer_path = "order__customer"
    list_display = ("order", "order_customer", "start_date", "end_date", "reason")
    list_select_related = ("order__customer",)
    search_fields = ("order__code", "order__customer__name", "order__customer__phone")
    date_hierarchy = "start_date"
    autocomplete_fields = ("order",)

    def get_readonly_fields(self, request: HttpRequest, obj: OrderPause | None = None):
        return (*AUDIT_FIELDS, "order") if obj else AUDIT_FIELDS

    @admin.display(description="customer", ordering="order__customer__name")
    def order_customer(self, pause: OrderPause):
        return pause.order.customer

    def save_model(self, request: HttpRequest, obj: OrderPause, form, change: bool) -> None:
        adopt(obj, self.update_pause(obj) if change else self.add_pause(obj, obj.order))

    def delete_model(self, request: HttpRequest, obj: OrderPause) -> None:
        remove_pause(pause=obj)


@admin.register(DayOverride)
class DayOverrideAdmin(VisibleCustomersMixin, ScheduleWritesMixin, ServiceAdminMixin, HistoryAdmin):
    """set_day_override, for adding, changing and deleting (back to the pattern)."""

    customer_path = "line__order__customer"
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

    def get_readonly_fields(self, request: HttpRequest, obj: DayOverride | None = None):
        return (*AUDIT_FIELDS, "line") if obj else AUDIT_FIELDS

    @admin.display(description="product", ordering="line__product__name")
    def line_product(self, override: DayOverride):
        return override.line.product

    @admin.display(description="order", ordering="line__order__code")
    def line_order(self, override: DayOverride):
        return override.line.order

    @admin.display(description="customer", ordering="line__order__customer__name")
    def line_customer(self, override: DayOverride):
        return override.line.order.customer

    def save_model(self, request: HttpRequest, obj: DayOverride, form, change: bool) -> None:
        self.save_override(obj)

    def delete_model(self, request: HttpRequest, obj: DayOverride) -> None:
        self.delete_override(obj)
