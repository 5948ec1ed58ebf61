from django.contrib import admin
from import_export.admin import ExportMixin
from import_export.formats.base_formats import CSV

from entries.exports.resources import EntryResource
from entries.mail.outbox import email_requeue
from entries.models import (
    Answer,
    DailyViews,
    EmailStatus,
    Entry,
    Erasure,
    Export,
    Interaction,
    OutboundEmail,
    Suppression,
    WebhookDelivery,
    WebhookEndpoint,
)


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


@admin.action(description="Send the selected failed emails again")
def requeue_failed(modeladmin, request, queryset):
    failed = list(queryset.filter(status=EmailStatus.FAILED))
    for email in failed:
        email_requeue(email=email)
    modeladmin.message_user(request, f"{len(failed)} failed email(s) queued again.")


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    actions = [requeue_failed]
    list_display = ["id", "campaign", "trigger", "to_email", "status", "attempts", "enqueued_at",
                    "sent_at"]
    list_filter = ["status", "trigger"]
    search_fields = ["to_email", "idempotency_key", "subject"]
    raw_id_fields = ["entry", "template"]
    readonly_fields = ["idempotency_key", "enqueued_at", "claimed_at", "sent_at", "attempts"]
    list_select_related = ["campaign"]


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    list_display = ["email", "workspace", "reason", "created_at"]
    list_filter = ["reason"]
    search_fields = ["email"]
# --- contests -------------------------------------------------------------------------------
from entries.models import (  # noqa: E402
    ContestSeal,
    Draw,
    DrawTickets,
    EntryAudit,
    ReferralCredit,
    Winner,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written only by the contest services, so that every change has its audit trail."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ContestSeal)
class ContestSealAdmin(ReadOnlyAdmin):
    # The salt and the ticket key stay secret until the draw reveals the salt in its proof.
    fields = ["campaign", "salt_commit", "committed_at"]
    list_display = ["campaign", "salt_commit", "committed_at"]


@admin.register(Draw)
class DrawAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "drawn_at", "drawn_by", "automatic"]
    exclude = ["ranked"]


@admin.register(DrawTickets)
class DrawTicketsAdmin(ReadOnlyAdmin):
    fields = ["draw"]


@admin.register(Winner)
class WinnerAdmin(ReadOnlyAdmin):
    list_display = ["draw", "prize", "rank", "ticket_id", "status", "claim_deadline"]
    list_filter = ["status"]
    exclude = ["claim_token"]


@admin.register(ReferralCredit)
class ReferralCreditAdmin(ReadOnlyAdmin):
    list_display = ["referrer", "referred", "tickets", "credited_at", "reversed_at"]


@admin.register(EntryAudit)
class EntryAuditAdmin(ReadOnlyAdmin):
    list_display = ["entry", "action", "by", "reason", "at"]
    list_filter = ["action"]
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


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "workspace", "campaign", "active", "source", "consecutive_failures",
                    "created_at"]
    list_filter = ["active", "source"]
    # Secrets are shown once, to the marketer who made them, and nowhere else.
    exclude = ["secret", "previous_secret"]
    raw_id_fields = ["workspace", "campaign", "created_by"]
    list_select_related = ["workspace", "campaign"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["message_id", "event", "endpoint", "status", "attempts", "last_status_code",
                    "created_at"]
    list_filter = ["status", "event"]
    search_fields = ["message_id"]
    raw_id_fields = ["endpoint", "entry"]
    list_select_related = ["endpoint"]
