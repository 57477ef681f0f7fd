"""Orders: made with their lines, changed through update_order, never deleted."""

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join

from customers.admin import VisibleCustomersMixin
from earlybird.admin import AUDIT_FIELDS, HistoryAdmin, ServiceAdminMixin, adopt
from orders.admin.schedule import OrderLineForm, ScheduleWritesMixin
from orders.models import DayOverride, Order, OrderLine, OrderPause
from orders.services import LineSpec, create_one_time_order, create_subscription, update_order

WEEKDAYS = [(0, "Mon"), (1, "Tue"), (2, "Wed"), (3, "Thu"), (4, "Fri"), (5, "Sat"), (6, "Sun")]


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
            if not self.instance.pk:
                allowed = (Order.Status.PLACED,)  # a new one-time order is placed
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
class OrderAdmin(VisibleCustomersMixin, ScheduleWritesMixin, ServiceAdminMixin, HistoryAdmin):
    """A new order is made with its lines by create_subscription / create_one_time_order;
    a change goes through update_order, its lines through add_order_line /
    set_line_quantity / remove_order_line, its pauses through pause_order / update_pause /
    remove_pause: each refreshes the days already generated. An order is never deleted:
    stop or cancel it."""

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

    def has_delete_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False

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
        if not change:
            return  # made with its lines, in save_related
        data = form.cleaned_data
        order = update_order(
            order=obj,
            status=data["status"],
            shift=data["shift"],
            start_date=data["start_date"],
            end_date=data.get("end_date"),
            pattern=data["pattern"],
            weekdays=data.get("weekdays"),
            notes=data.get("notes", ""),
        )
        adopt(obj, order)

    def create_order(self, request: HttpRequest, obj: Order, form, lines) -> Order:
        lines.save(commit=False)
        specs = [LineSpec(line.product, line.quantity) for line in lines.new_objects]
        data = form.cleaned_data
        if obj.kind == Order.Kind.ONE_TIME:
            return create_one_time_order(
                customer=obj.customer,
                delivery_date=data["start_date"],
                lines=specs,
                shift=data["shift"],
                notes=data.get("notes", ""),
                created_by=request.user,
            )
        return create_subscription(
            customer=obj.customer,
            lines=specs,
            start_date=data["start_date"],
            pattern=data["pattern"],
            weekdays=data.get("weekdays"),
            shift=data["shift"],
            end_date=data.get("end_date"),
            status=data["status"],
            notes=data.get("notes", ""),
            created_by=request.user,
        )

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        if not change:
            lines = next(formset for formset in formsets if formset.model is OrderLine)
            adopt(form.instance, self.create_order(request, form.instance, form, lines))
            formsets = [formset for formset in formsets if formset is not lines]
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
