from django.contrib import admin
from django.http import HttpRequest

from billing.models import Adjustment, Bill, BillingLine, BillingRun, Payment
from billing.services import (
    add_adjustment,
    correct_payment,
    delete_adjustment,
    delete_payment,
    record_payment,
    update_adjustment,
)
from customers.admin import VisibleCustomersMixin
from earlybird.admin import AUDIT_FIELDS, HistoryAdmin, ReadOnlyMixin, ServiceAdminMixin, adopt

# Runs, bills and their lines are written only by the billing service: the admin shows them.


@admin.register(BillingRun)
class BillingRunAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "period",
        "status",
        "started_by",
        "started_at",
        "finished_at",
        "bills_touched",
        "lines_created",
        "amount_billed",
    )
    list_select_related = ("started_by",)
    list_filter = ("status",)
    date_hierarchy = "period"


class BillingLineInline(ReadOnlyMixin, admin.TabularInline):
    model = BillingLine
    fields = ("delivery", "delivery_date", "product", "quantity", "unit_price", "amount")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).select_related("delivery__product")

    @admin.display(description="date")
    def delivery_date(self, line: BillingLine):
        return line.delivery.date

    @admin.display(description="product")
    def product(self, line: BillingLine):
        return line.delivery.product


class AdjustmentInline(ReadOnlyMixin, admin.TabularInline):
    model = Adjustment
    fields = ("date", "amount", "reason")
    readonly_fields = fields
    show_change_link = True


@admin.register(Bill)
class BillAdmin(VisibleCustomersMixin, ReadOnlyMixin, HistoryAdmin):
    list_display = (
        "__str__",
        "customer",
        "period",
        "status",
        "previous_balance",
        "charges",
        "adjustments_total",
        "total",
        "issued_at",
    )
    list_select_related = ("customer",)
    list_filter = ("status", "customer__area")
    search_fields = ("code", "customer__name", "customer__phone", "customer__code")
    date_hierarchy = "period"
    show_full_result_count = False
    inlines = (BillingLineInline, AdjustmentInline)


@admin.register(BillingLine)
class BillingLineAdmin(VisibleCustomersMixin, ReadOnlyMixin, admin.ModelAdmin):
    customer_path = "bill__customer"
    list_display = ("delivery", "bill", "customer", "quantity", "unit_price", "amount")
    list_select_related = ("delivery", "bill__customer")
    search_fields = ("bill__code__exact", "delivery__code__exact")
    show_full_result_count = False

    @admin.display(description="customer")
    def customer(self, line: BillingLine):
        return line.bill.customer


@admin.register(Payment)
class PaymentAdmin(VisibleCustomersMixin, ServiceAdminMixin, HistoryAdmin):
    """record_payment (its PA- code, accounts staff only), correct_payment and
    delete_payment: a payment an issued bill already counts stays as it is."""

    list_display = (
        "code",
        "customer",
        "amount",
        "method",
        "paid_on",
        "reference",
        "received_by",
    )
    list_select_related = ("customer", "received_by")
    list_filter = ("method", "customer__area")
    search_fields = ("code", "reference", "customer__name", "customer__phone", "customer__code")
    date_hierarchy = "paid_on"
    autocomplete_fields = ("customer",)
    raw_id_fields = ("received_by",)  # delivery boys collect cash too: any user

    def get_readonly_fields(self, request: HttpRequest, obj: Payment | None = None):
        # A wallet recharge is recorded on the customer's wallet page (the same service).
        fixed = ("code", "purpose", *AUDIT_FIELDS)
        return ("customer", *fixed) if obj else fixed

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        return {"received_by": request.user.pk, **super().get_changeform_initial_data(request)}

    def save_model(self, request: HttpRequest, obj: Payment, form, change: bool) -> None:
        fields = {
            "amount": obj.amount,
            "method": obj.method,
            "paid_on": obj.paid_on,
            "received_by": obj.received_by,
            "reference": obj.reference,
            "notes": obj.notes,
            "by": request.user,
        }
        if change:
            adopt(obj, correct_payment(payment=obj, **fields))
        else:
            adopt(obj, record_payment(customer=obj.customer, **fields))

    def delete_model(self, request: HttpRequest, obj: Payment) -> None:
        delete_payment(payment=obj, by=request.user)


@admin.register(Adjustment)
class AdjustmentAdmin(VisibleCustomersMixin, ServiceAdminMixin, HistoryAdmin):
    """A charge or credit for the next bill, through add_adjustment / update_adjustment /
    delete_adjustment (accounts staff only); once on a bill it is part of it and stays."""

    list_display = ("date", "customer", "amount", "reason", "bill", "created_by")
    list_select_related = ("customer", "bill", "created_by")
    list_filter = (("bill", admin.EmptyFieldListFilter), "customer__area")
    search_fields = ("reason", "customer__name", "customer__phone", "customer__code")
    date_hierarchy = "date"
    autocomplete_fields = ("customer",)
    fields = ("customer", "date", "amount", "reason", "bill", "created_by", *AUDIT_FIELDS)

    def get_readonly_fields(self, request: HttpRequest, obj: Adjustment | None = None):
        fixed = ("bill", "created_by", *AUDIT_FIELDS)
        return ("customer", *fixed) if obj else fixed

    def has_change_permission(self, request: HttpRequest, obj: Adjustment | None = None) -> bool:
        return super().has_change_permission(request, obj) and not (obj and obj.bill_id)

    def has_delete_permission(self, request: HttpRequest, obj: Adjustment | None = None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj and obj.bill_id)

    def save_model(self, request: HttpRequest, obj: Adjustment, form, change: bool) -> None:
        fields = {"amount": obj.amount, "reason": obj.reason, "day": obj.date, "by": request.user}
        if change:
            adopt(obj, update_adjustment(adjustment=obj, **fields))
        else:
            adopt(obj, add_adjustment(customer=obj.customer, **fields))

    def delete_model(self, request: HttpRequest, obj: Adjustment) -> None:
        delete_adjustment(adjustment=obj, by=request.user)
