from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from earlybird.admin import ReadOnlyMixin
from legacy_import.models import ArchivedDocument, ImportIssue, ImportRun, LegacyRecord


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


class ImportIssueInline(ReadOnlyMixin, admin.TabularInline):
    model = ImportIssue
    fields = ("collection", "legacy_id", "customer_legacy_id", "day", "kind", "reason", "detail")
    extra = 0
    max_num = 0
    show_change_link = False


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Each import_legacy run with its report; rejects and warnings are listed with it."""

    list_display = ("created_at", "source", "status", "finished_at")
    list_filter = ("status",)
    inlines = (ImportIssueInline,)


@admin.register(ImportIssue)
class ImportIssueAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("run", "collection", "legacy_id", "customer_legacy_id", "day", "kind", "reason")
    list_select_related = ("run",)
    list_filter = ("kind", "collection", "reason")
    search_fields = ("legacy_id__exact", "customer_legacy_id__exact")
    show_full_result_count = False


@admin.register(ArchivedDocument)
class ArchivedDocumentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Documents of collections with no place in the new model: kept as they were."""

    list_display = ("collection", "legacy_id", "created_at")
    list_filter = ("collection",)
    search_fields = ("legacy_id__exact",)
    show_full_result_count = False
