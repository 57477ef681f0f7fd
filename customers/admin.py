from dataclasses import fields

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from customers.models import Area, Customer
from customers.selectors import of_visible_customers
from customers.services import (
    CustomerDetails,
    check_phone_free,
    clean_phone,
    create_customer,
    update_customer,
)
from earlybird.admin import (
    AUDIT_FIELDS,
    HistoryAdmin,
    ServiceAdminMixin,
    adopt,
    announce_password,
    check_new_password,
    generate_password,
    new_password_field,
    staff_users,
)
from earlybird.roles import ADMIN, MARKETING, SUPPORT, role_names


def visible_rows(queryset: QuerySet, user, customer_path: str) -> QuerySet:
    """The rows of the customers this user may see, as the pages show them
    (customers.selectors): a marketer's own customers; all for admin, support, accounts."""
    if user.is_superuser:
        return queryset
    return of_visible_customers(queryset, user, customer_path)


class VisibleCustomersMixin:
    """An admin of customers' rows, scoped like the pages for a staff user who is not a
    superuser: its list, its pages, and the customers (orders, lines) its forms offer.

    `customer_path` leads from the row to its customer ("pk" for the customer itself)."""

    customer_path = "customer"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return visible_rows(super().get_queryset(request), request.user, self.customer_path)

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        related = self.admin_site._registry.get(db_field.related_model)
        if isinstance(related, VisibleCustomersMixin) and "queryset" not in kwargs:
            rows = db_field.related_model._default_manager.all()
            kwargs["queryset"] = visible_rows(rows, request.user, related.customer_path)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("name", "city", "pincode", "is_active")
    list_filter = ("is_active", "city")
    search_fields = ("name", "city", "pincode")
    readonly_fields = AUDIT_FIELDS


class CustomerChangeForm(forms.ModelForm):
    # Wider than the stored ten digits: staff may type "+91 98480-22338".
    phone = forms.CharField(max_length=20, help_text="Mobile number; it is also the login.")
    email = forms.EmailField(required=False, help_text="The login's e-mail (optional).")

    class Meta:
        model = Customer
        fields = (
            "name",
            "phone",
            "status",
            "marketing_staff",
            "area",
            "address",
            "landmark",
            "map_link",
            "latitude",
            "longitude",
            "delivery_instructions",
            "opening_balance",
            "notes",
        )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["email"].initial = self.instance.user.email

    def clean(self) -> dict:
        """Normalise the phone and check it is free, with the services' own rules."""
        cleaned = super().clean()
        if "phone" in cleaned:
            existing = self.instance if self.instance.pk else None
            try:
                cleaned["phone"] = clean_phone(cleaned["phone"])
                check_phone_free(cleaned["phone"], exclude_customer=existing)
            except ValidationError as exc:
                self.add_error(None, exc)  # keyed by "phone": lands on the phone field
        return cleaned


class CustomerAddForm(CustomerChangeForm):
    password = new_password_field()

    def clean(self) -> dict:
        cleaned = super().clean()
        check_new_password(self, username=cleaned.get("phone", ""), name=cleaned.get("name", ""))
        return cleaned


def customer_details(customer: Customer, *, email: str) -> CustomerDetails:
    """The details the services take, read from the instance the admin form filled in."""
    names = [f.name for f in fields(CustomerDetails) if f.name != "email"]
    return CustomerDetails(**{name: getattr(customer, name) for name in names}, email=email)


# Where the customer lives and what is on the account: the same on the add and change forms.
ADDRESS = ("area", "address", "landmark", "map_link", "latitude", "longitude")
ADDRESS_AND_ACCOUNT = (
    ("Address", {"fields": (*ADDRESS, "delivery_instructions")}),
    ("Account", {"fields": ("opening_balance", "notes")}),
)


@admin.register(Customer)
class CustomerAdmin(VisibleCustomersMixin, ServiceAdminMixin, HistoryAdmin):
    """Saves through create_customer / update_customer. As on the staff pages, only an
    admin sets the opening balance, and only admin and support choose the marketer."""

    customer_path = "pk"
    form = CustomerChangeForm
    list_display = ("code", "name", "phone", "status", "area", "marketing_staff", "created_at")
    list_select_related = ("area", "marketing_staff")
    list_filter = ("status", "area")
    search_fields = ("name", "phone", "code")
    autocomplete_fields = ("area",)
    readonly_fields = ("code", "user", "trial_started_on", *AUDIT_FIELDS)
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": ("name", "phone", "email", "status", "marketing_staff")}),
        *ADDRESS_AND_ACCOUNT,
        ("Record", {"fields": ("code", "user", "trial_started_on", *AUDIT_FIELDS)}),
    )
    add_fieldsets = (
        (None, {"fields": ("name", "phone", "password", "email", "status", "marketing_staff")}),
        *ADDRESS_AND_ACCOUNT,
    )

    def get_fieldsets(self, request: HttpRequest, obj: Customer | None = None):
        return self.fieldsets if obj else self.add_fieldsets

    def get_form(self, request: HttpRequest, obj: Customer | None = None, **kwargs):
        if obj is None:
            kwargs["form"] = CustomerAddForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Customer | None = None):
        fixed = tuple(self.readonly_fields)
        roles = role_names(request.user)
        if not request.user.is_superuser and ADMIN not in roles:
            fixed += ("opening_balance",)
            if SUPPORT not in roles:
                fixed += ("marketing_staff",)
        return fixed

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "marketing_staff":
            kwargs["queryset"] = staff_users()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request: HttpRequest, obj: Customer | None = None) -> bool:
        # Deleting would orphan the login (and keep the phone taken); stop the customer.
        return False

    def save_model(self, request: HttpRequest, obj: Customer, form, change: bool) -> None:
        by = request.user
        if not change and "marketing_staff" not in form.fields and MARKETING in role_names(by):
            obj.marketing_staff = by  # a marketer's new customer is their own
        details = customer_details(obj, email=form.cleaned_data.get("email", ""))
        if change:
            adopt(obj, update_customer(customer=obj, details=details, by=by))
            return
        password = form.cleaned_data.get("password") or generate_password()
        adopt(obj, create_customer(details=details, password=password, by=by))
        if not form.cleaned_data.get("password"):
            announce_password(request, who=obj.name, username=obj.phone, password=password)
