"""The outbox in the admin: messages to read, the texts per kind and language, the
business's switches and customers' choices (both saved through messaging.services)."""

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from customers.admin import VisibleCustomersMixin
from earlybird.admin import AUDIT_FIELDS, HistoryAdmin, ReadOnlyMixin, ServiceAdminMixin, adopt
from messaging.models import Message, MessagePreference, MessageSwitch, MessageTemplate
from messaging.services import set_preference, set_switch

CUSTOMER_PURPOSES = [
    (value, label) for value, label in Message.Purpose.choices if value != Message.Purpose.ALERT
]


@admin.register(Message)
class MessageAdmin(VisibleCustomersMixin, ReadOnlyMixin, admin.ModelAdmin):
    """Written by the services, sent by the jobs: read only here."""

    list_display = ("to", "purpose", "language", "channel", "status", "attempts", "created_at")
    list_filter = ("status", "purpose", "channel", "language")
    list_select_related = ("customer",)
    search_fields = ("to", "customer__name", "customer__code", "dedupe_key")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Message._meta.fields]


@admin.register(MessageTemplate)
class MessageTemplateAdmin(HistoryAdmin):
    """One text per kind and language; the model's clean() refuses an unknown
    {placeholder} or a lone brace, so what is saved always renders."""

    list_display = (
        "__str__",
        "purpose",
        "language",
        "is_active",
        "whatsapp_template",
        "updated_at",
    )
    list_filter = ("purpose", "language", "is_active")
    fields = (
        "purpose",
        "language",
        "is_active",
        "text",
        "whatsapp_template",
        "sms_template_id",
        *AUDIT_FIELDS,
    )
    readonly_fields = AUDIT_FIELDS


@admin.register(MessageSwitch)
class MessageSwitchAdmin(HistoryAdmin):
    """The business's on/off per kind of message (every kind has a row, seeded on)."""

    list_display = ("purpose", "is_enabled", "updated_at")
    list_editable = ("is_enabled",)
    fields = ("purpose", "is_enabled", *AUDIT_FIELDS)
    readonly_fields = AUDIT_FIELDS

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return ("purpose", *AUDIT_FIELDS) if obj else AUDIT_FIELDS

    def save_model(self, request: HttpRequest, obj: MessageSwitch, form, change: bool) -> None:
        adopt(obj, set_switch(purpose=obj.purpose, enabled=obj.is_enabled, by=request.user))


class PreferenceForm(forms.ModelForm):
    opted_out = forms.MultipleChoiceField(
        choices=CUSTOMER_PURPOSES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Does not want",
    )

    class Meta:
        model = MessagePreference
        fields = ("customer", "opted_in", "channel", "language", "opted_out")


@admin.register(MessagePreference)
class MessagePreferenceAdmin(VisibleCustomersMixin, ServiceAdminMixin, HistoryAdmin):
    form = PreferenceForm
    list_display = ("customer", "opted_in", "channel", "language", "updated_at")
    list_filter = ("opted_in", "channel", "language")
    list_select_related = ("customer",)
    search_fields = ("customer__name", "customer__code", "customer__phone")
    raw_id_fields = ("customer",)

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return ("customer", *AUDIT_FIELDS) if obj else AUDIT_FIELDS

    def save_model(self, request: HttpRequest, obj: MessagePreference, form, change: bool) -> None:
        saved = set_preference(
            customer=obj.customer,
            opted_in=obj.opted_in,
            channel=obj.channel,
            language=obj.language,
            opted_out=obj.opted_out,
            by=request.user,
        )
        adopt(obj, saved)
