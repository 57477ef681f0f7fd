from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from customers.admin import VisibleCustomersMixin
from customers.services import clean_phone
from deliveries.models import Delivery, DeliveryBoy, DeliveryLink, RouteStop
from deliveries.services import (
    Confirmer,
    assign_to_route,
    confirm_delivery,
    create_delivery_boy,
    move_stop,
    revoke_link,
)
from earlybird.admin import (
    AUDIT_FIELDS,
    HistoryAdmin,
    ReadOnlyMixin,
    adopt,
    announce_password,
    check_new_password,
    generate_password,
    new_password_field,
)
from orders import admin as orders_admin
from orders.models import Order

User = get_user_model()

LATEST_DELIVERIES = 60


# Delivery boys and routes ------------------------------------------------------------


class DeliveryBoyAddForm(forms.ModelForm):
    phone = forms.CharField(max_length=20, help_text="Mobile number; it is also the login.")
    password = new_password_field()

    class Meta:
        model = DeliveryBoy
        fields = ("name", "phone")

    def clean(self) -> dict:
        """The checks create_delivery_boy makes, as errors on the phone field."""
        cleaned = super().clean()
        if "phone" in cleaned:
            try:
                cleaned["phone"] = clean_phone(cleaned["phone"])
            except ValidationError as exc:
                self.add_error(None, exc)
            else:
                if User.objects.filter(username=cleaned["phone"]).exists():
                    self.add_error("phone", f"{cleaned['phone']} is already the login of a user.")
        check_new_password(self, username=cleaned.get("phone", ""), name=cleaned.get("name", ""))
        return cleaned


@admin.register(DeliveryBoy)
class DeliveryBoyAdmin(HistoryAdmin):
    list_display = ("name", "phone", "is_active", "stop_count", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "phone")
    add_fields = ("name", "phone", "password")
    # The phone is the login's username, and no service changes it yet.
    fields = ("name", "is_active", "phone", "user", *AUDIT_FIELDS)
    readonly_fields = ("phone", "user", *AUDIT_FIELDS)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(stop_count=Count("stops"))

    @admin.display(description="stops", ordering="stop_count")
    def stop_count(self, boy: DeliveryBoy) -> int:
        return boy.stop_count

    def get_fields(self, request: HttpRequest, obj: DeliveryBoy | None = None):
        return self.fields if obj else self.add_fields

    def get_readonly_fields(self, request: HttpRequest, obj: DeliveryBoy | None = None):
        return self.readonly_fields if obj else ()

    def get_form(self, request: HttpRequest, obj: DeliveryBoy | None = None, **kwargs):
        if obj is None:
            kwargs["form"] = DeliveryBoyAddForm
        return super().get_form(request, obj, **kwargs)

    def has_delete_permission(self, request: HttpRequest, obj: DeliveryBoy | None = None) -> bool:
        # Deleting would orphan the login; make him inactive instead.
        return False

    def save_model(self, request: HttpRequest, obj: DeliveryBoy, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        password = form.cleaned_data.get("password") or generate_password()
        adopt(obj, create_delivery_boy(name=obj.name, phone=obj.phone, password=password))
        if not form.cleaned_data.get("password"):
            announce_password(request, who=obj.name, username=obj.phone, password=password)


class RouteStopForm(forms.ModelForm):
    # Not the model's position: a taken place is fine, assign_to_route makes room.
    place = forms.IntegerField(
        label="Position",
        min_value=1,
        required=False,
        help_text="Blank: the end of the route. Later stops move down to make room.",
    )

    class Meta:
        model = RouteStop
        fields = ("delivery_boy", "customer")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["place"].initial = self.instance.position
            self.fields["place"].required = True


@admin.register(RouteStop)
class RouteStopAdmin(VisibleCustomersMixin, admin.ModelAdmin):
    """Stops are placed with assign_to_route (new or onto another route) or move_stop."""

    form = RouteStopForm
    list_display = ("delivery_boy", "position", "customer", "customer_area")
    list_display_links = ("position",)
    list_select_related = ("delivery_boy", "customer__area")
    list_filter = ("delivery_boy", "customer__area")
    search_fields = ("customer__name", "customer__phone", "customer__code")
    fields = ("delivery_boy", "customer", "place", *AUDIT_FIELDS)
    autocomplete_fields = ("customer",)

    def get_readonly_fields(self, request: HttpRequest, obj: RouteStop | None = None):
        # To move a customer, edit the customer's stop.
        return (*AUDIT_FIELDS, "customer") if obj else AUDIT_FIELDS

    @admin.display(description="area", ordering="customer__area__name")
    def customer_area(self, stop: RouteStop):
        return stop.customer.area

    def save_model(self, request: HttpRequest, obj: RouteStop, form, change: bool) -> None:
        place = form.cleaned_data.get("place")
        if change and "delivery_boy" not in form.changed_data:
            if place != obj.position:
                move_stop(stop=obj, position=place)
            return
        adopt(
            obj,
            assign_to_route(customer=obj.customer, delivery_boy=obj.delivery_boy, position=place),
        )


@admin.register(DeliveryLink)
class DeliveryLinkAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Links are made where the token can be shown once; here they are listed and revoked."""

    list_display = (
        "delivery_boy",
        "shift",
        "label",
        "valid_from",
        "valid_until",
        "expires_at",
        "revoked_at",
        "created_by",
    )
    list_select_related = ("delivery_boy", "created_by")
    list_filter = ("shift", "delivery_boy", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("label", "delivery_boy__name", "delivery_boy__phone")
    date_hierarchy = "valid_from"
    actions = ("revoke",)

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("deliveries.change_deliverylink")

    @admin.action(description="Revoke the selected links", permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet) -> None:
        links = list(queryset.filter(revoked_at__isnull=True))
        for link in links:
            revoke_link(link=link, by=request.user)
        count = len(links)
        self.message_user(request, f"Revoked {count} link(s).", messages.SUCCESS)


# Deliveries --------------------------------------------------------------------------


@admin.register(Delivery)
class DeliveryAdmin(VisibleCustomersMixin, ReadOnlyMixin, HistoryAdmin):
    """Millions of rows, written only by generation and confirmation: shown, not edited.

    Search is by exact code or phone, so it uses indexes instead of scanning the table.
    """

    list_display = (
        "code",
        "date",
        "shift",
        "customer",
        "product",
        "ordered_qty",
        "delivered_qty",
        "status",
        "delivery_boy",
        "confirmed_via",
    )
    list_select_related = ("customer", "product", "delivery_boy")
    list_filter = ("status", "shift", "delivery_boy", "confirmed_via", "customer__area")
    search_fields = (
        "code__exact",
        "customer__phone__exact",
        "customer__code__exact",
        "order__code__exact",
    )
    date_hierarchy = "date"
    ordering = ("-date", "shift")
    show_full_result_count = False
    raw_id_fields = (
        "order",
        "order_line",
        "product",
        "customer",
        "delivery_boy",
        "confirmed_by",
        "delivery_link",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "code",
                    "status",
                    ("date", "shift"),
                    "customer",
                    ("order", "order_line"),
                    "product",
                    "delivery_boy",
                )
            },
        ),
        (
            "Quantities",
            {"fields": ("ordered_qty", "delivered_qty", "unit_price", "reason", "reason_note")},
        ),
        (
            "Confirmation",
            {
                "fields": (
                    "confirmed_via",
                    "confirmed_by",
                    "confirmed_by_name",
                    "confirmed_at",
                    "confirmed_ip",
                    "confirmed_user_agent",
                    "delivery_link",
                )
            },
        ),
        ("Record", {"fields": AUDIT_FIELDS}),
    )
    actions = ("mark_delivered",)

    def has_mark_delivered_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("deliveries.change_delivery")

    @admin.action(
        description="Confirm the selected as delivered in full", permissions=["mark_delivered"]
    )
    def mark_delivered(self, request: HttpRequest, queryset: QuerySet) -> None:
        """The same confirmation service as every other path; refusals are listed."""
        by = Confirmer.from_request(request, via=Delivery.Via.STAFF)
        done, refused = 0, []
        for delivery in queryset.order_by("pk")[:500]:
            try:
                confirm_delivery(delivery=delivery, delivered_qty=delivery.ordered_qty, by=by)
                done += 1
            except ValidationError as exc:
                refused.append(" ".join(exc.messages))
        self.message_user(request, f"Confirmed {done} delivery(ies).", messages.SUCCESS)
        for reason in refused[:20]:
            self.message_user(request, reason, messages.WARNING)


class LatestDeliveriesFormSet(BaseInlineFormSet):
    """Only the latest deliveries: a long subscription has thousands."""

    def get_queryset(self):
        if not hasattr(self, "_latest"):
            self._latest = list(super().get_queryset()[:LATEST_DELIVERIES])
        return self._latest


class DeliveryInline(ReadOnlyMixin, admin.TabularInline):
    model = Delivery
    formset = LatestDeliveriesFormSet
    verbose_name_plural = f"latest deliveries (up to {LATEST_DELIVERIES})"
    fields = (
        "code",
        "date",
        "shift",
        "product",
        "ordered_qty",
        "delivered_qty",
        "status",
        "delivery_boy",
        "confirmed_at",
    )
    readonly_fields = fields
    ordering = ("-date", "-pk")
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("product", "delivery_boy")


class OrderAdmin(orders_admin.OrderAdmin):
    """The orders admin, plus the order's deliveries (deliveries sit above orders)."""

    def get_inlines(self, request: HttpRequest, obj: Order | None):
        inlines = super().get_inlines(request, obj)
        return [*inlines, DeliveryInline] if obj else inlines

    def get_readonly_fields(self, request: HttpRequest, obj: Order | None = None):
        return (*super().get_readonly_fields(request, obj), "all_deliveries")

    def get_fieldsets(self, request: HttpRequest, obj: Order | None = None):
        fieldsets = super().get_fieldsets(request, obj)
        return (*fieldsets, ("Deliveries", {"fields": ("all_deliveries",)})) if obj else fieldsets

    @admin.display(description="all deliveries")
    def all_deliveries(self, order: Order) -> str:
        url = reverse("admin:deliveries_delivery_changelist")
        return format_html(
            '<a href="{}?order__id__exact={}">All deliveries of {}</a>', url, order.pk, order
        )


admin.site.unregister(Order)
admin.site.register(Order, OrderAdmin)
