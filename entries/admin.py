from django.contrib import admin

from entries.models import (
    Answer,
    DailyViews,
    EmailStatus,
    Entry,
    Interaction,
    OutboundEmail,
    Suppression,
)


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    readonly_fields = ["question_key", "value", "first_value", "changes", "answered_at"]
    can_delete = False


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
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
    from entries.mail.outbox import email_requeue

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
