from dataclasses import fields

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from customers.models import Area, Customer
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
    adopt,
    announce_password,
    check_new_password,
    generate_password,
    new_password_field,
    staff_users,
)


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


@admin.register(Customer)
class CustomerAdmin(HistoryAdmin):
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
        (
            "Address",
            {"fields": ("area", "address", "landmark", "map_link", "latitude", "longitude")},
        ),
        ("Account", {"fields": ("opening_balance", "notes")}),
        ("Record", {"fields": ("code", "user", "trial_started_on", *AUDIT_FIELDS)}),
    )
    add_fieldsets = (
        (None, {"fields": ("name", "phone", "password", "email", "status", "marketing_staff")}),
        (
            "Address",
            {"fields": ("area", "address", "landmark", "map_link", "latitude", "longitude")},
        ),
        ("Account", {"fields": ("opening_balance", "notes")}),
    )

    def get_fieldsets(self, request: HttpRequest, obj: Customer | None = None):
        return self.fieldsets if obj else self.add_fieldsets

    def get_form(self, request: HttpRequest, obj: Customer | None = None, **kwargs):
        if obj is None:
            kwargs["form"] = CustomerAddForm
        return super().get_form(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "marketing_staff":
            kwargs["queryset"] = staff_users()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request: HttpRequest, obj: Customer | None = None) -> bool:
        # Deleting would orphan the login (and keep the phone taken); stop the customer.
        return False

    def save_model(self, request: HttpRequest, obj: Customer, form, change: bool) -> None:
        details = customer_details(obj, email=form.cleaned_data.get("email", ""))
        if change:
            update_customer(customer=obj, details=details)
            return
        password = form.cleaned_data.get("password") or generate_password()
        adopt(obj, create_customer(details=details, password=password))
        if not form.cleaned_data.get("password"):
            announce_password(request, who=obj.name, username=obj.phone, password=password)
