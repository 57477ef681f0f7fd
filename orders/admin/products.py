"""Products (made with their first price) and prices, through orders.services."""

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from customers.admin import VisibleCustomersMixin
from earlybird.admin import AUDIT_FIELDS, HistoryAdmin, ServiceAdminMixin, adopt
from earlybird.bounds import AmountField, DayField
from orders.models import CustomerPrice, Product, ProductPrice
from orders.selectors import with_prices
from orders.services import create_product, remove_price, set_price, update_product


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


class ProductAddForm(forms.ModelForm):
    """A product is created with its first price (create_product)."""

    price = AmountField(allow_zero=True, help_text="₹ per unit.")
    effective_from = DayField(initial=timezone.localdate, help_text="Price from this day.")

    class Meta:
        model = Product
        fields = ("name", "unit", "sort_order")


@admin.register(Product)
class ProductAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """Saves through create_product / update_product. A product is never deleted: its
    prices and orders point at it; one no longer sold is made inactive."""

    list_display = ("name", "unit", "price_today", "is_active", "sort_order")
    list_filter = ("is_active", "unit")
    search_fields = ("name",)
    fields = ("name", "unit", "is_active", "sort_order", *AUDIT_FIELDS)
    add_fields = ("name", "unit", "sort_order", "price", "effective_from")
    readonly_fields = AUDIT_FIELDS
    inlines = (ProductPriceInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return with_prices(super().get_queryset(request), on=timezone.localdate())

    @admin.display(description="price today", ordering="price")
    def price_today(self, product: Product):
        return product.price

    def get_fields(self, request: HttpRequest, obj: Product | None = None):
        return self.fields if obj else self.add_fields

    def get_form(self, request: HttpRequest, obj: Product | None = None, **kwargs):
        if obj is None:
            kwargs["form"] = ProductAddForm
        return super().get_form(request, obj, **kwargs)

    def has_delete_permission(self, request: HttpRequest, obj: Product | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Product, form, change: bool) -> None:
        if change:
            update_product(
                product=obj,
                name=obj.name,
                unit=obj.unit,
                is_active=obj.is_active,
                sort_order=obj.sort_order,
            )
            return
        data = form.cleaned_data
        product = create_product(
            name=obj.name,
            unit=obj.unit,
            sort_order=obj.sort_order,
            price=data["price"],
            effective_from=data["effective_from"],
            by=request.user,
        )
        adopt(obj, product)


class PriceAdmin(ServiceAdminMixin, HistoryAdmin):
    """Saving goes through orders.services.set_price, deleting through remove_price (only
    a price still to come). What a price is for (product, date, customer) is fixed once
    saved: a new date is a new price."""

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
            by=request.user,
        )
        adopt(obj, row)

    def delete_model(self, request: HttpRequest, obj) -> None:
        remove_price(price=obj)


@admin.register(ProductPrice)
class ProductPriceAdmin(PriceAdmin):
    list_display = ("product", "price", "effective_from", "updated_at")
    list_select_related = ("product",)
    list_filter = ("product",)
    search_fields = ("product__name",)
    date_hierarchy = "effective_from"


@admin.register(CustomerPrice)
class CustomerPriceAdmin(VisibleCustomersMixin, PriceAdmin):
    fixed_fields = ("customer", "product", "effective_from")
    list_display = ("customer", "product", "price", "effective_from", "updated_at")
    list_select_related = ("customer", "product")
    list_filter = ("product",)
    search_fields = ("customer__name", "customer__phone", "customer__code", "product__name")
    autocomplete_fields = ("customer",)
    date_hierarchy = "effective_from"
