from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from earlybird.admin import ReadOnlyMixin
from legacy_import.models import LegacyRecord


@admin.register(LegacyRecord)
class LegacyRecordAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The legacy-id map is written only by import_legacy."""

    list_display = ("collection", "legacy_id", "content_type", "target_link", "created_at")
    list_select_related = ("content_type",)
    list_filter = ("collection", "content_type")
    search_fields = ("legacy_id__exact",)
    show_full_result_count = False

    @admin.display(description="became")
    def target_link(self, record: LegacyRecord) -> str:
        ct = record.content_type
        label = f"{ct.model} {record.object_id}"
        try:
            url = reverse(f"admin:{ct.app_label}_{ct.model}_change", args=[record.object_id])
        except NoReverseMatch:
            return label
        return format_html('<a href="{}">{}</a>', url, label)
