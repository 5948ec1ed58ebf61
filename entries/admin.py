from django.contrib import admin
from import_export.admin import ExportMixin
from import_export.formats.base_formats import CSV

from entries.exports.resources import EntryResource
from entries.models import Answer, DailyViews, Entry, Erasure, Export, Interaction


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    readonly_fields = ["question_key", "value", "first_value", "changes", "answered_at"]
    can_delete = False


@admin.register(Entry)
class EntryAdmin(ExportMixin, admin.ModelAdmin):
    # The builder's CSV columns; filter by campaign first for one column per question.
    resource_classes = [EntryResource]
    formats = [CSV]
    list_display = ["id", "campaign", "status", "email", "outcome", "score", "started_at",
                    "completed_at"]
    list_filter = ["status", "campaign"]
    search_fields = ["email", "name", "token"]
    readonly_fields = ["token", "referral_code", "version", "trail", "state", "started_at",
                       "completed_at"]
    raw_id_fields = ["referred_by"]
    inlines = [AnswerInline]
    list_select_related = ["campaign"]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["entry", "question_key", "value", "changes", "answered_at"]
    search_fields = ["question_key", "entry__email"]
    raw_id_fields = ["entry"]


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ["entry", "step_key", "kind", "at"]
    list_filter = ["kind"]
    raw_id_fields = ["entry"]


@admin.register(DailyViews)
class DailyViewsAdmin(admin.ModelAdmin):
    list_display = ["campaign", "version", "day", "views"]
    list_filter = ["campaign"]


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    list_display = ["campaign", "format", "status", "requested_by", "rows_done", "rows_total",
                    "created_at", "expires_at"]
    list_filter = ["status", "format"]
    list_select_related = ["campaign", "requested_by"]
    readonly_fields = ["token", "file", "rows_done", "rows_total", "error", "finished_at"]


@admin.register(Erasure)
class ErasureAdmin(admin.ModelAdmin):
    list_display = ["workspace", "email_hash", "by", "at", "counts"]
    list_select_related = ["workspace", "by"]
    search_fields = ["email_hash"]

    def has_change_permission(self, request, obj=None):
        return False  # an audit record
