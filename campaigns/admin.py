from django.contrib import admin

from campaigns.models import (
    Campaign,
    CampaignVersion,
    Choice,
    DraftChange,
    EmailTemplate,
    Invitation,
    Membership,
    Outcome,
    Question,
    Rule,
    Step,
    Workspace,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "workspace", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "workspace__name"]
    autocomplete_fields = ["user", "workspace"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "workspace", "role", "created_at", "sent_at", "accepted_at"]
    list_filter = ["role"]
    search_fields = ["email", "workspace__name"]
    readonly_fields = ["token"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "workspace", "kind", "status", "slug", "updated_at"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "slug"]
    readonly_fields = ["published_version", "revision", "created_at", "updated_at"]
    autocomplete_fields = ["workspace"]


@admin.register(CampaignVersion)
class CampaignVersionAdmin(admin.ModelAdmin):
    list_display = ["campaign", "number", "published_at", "published_by"]
    search_fields = ["campaign__name"]
    readonly_fields = ["campaign", "number", "definition", "published_at", "published_by"]

    def has_change_permission(self, request, obj=None):
        return False  # versions are immutable once published


@admin.register(Step)
class StepAdmin(admin.ModelAdmin):
    list_display = ["key", "campaign", "position", "title"]
    search_fields = ["key", "campaign__name"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["key", "kind", "campaign", "step", "required"]
    list_filter = ["kind"]
    search_fields = ["key", "label"]


@admin.register(Choice)
class ChoiceAdmin(admin.ModelAdmin):
    list_display = ["key", "label", "question", "points"]
    search_fields = ["key", "label"]


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ["step", "position", "action"]


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ["key", "title", "campaign", "min_score", "max_score"]
    search_fields = ["key", "title"]


@admin.register(EmailTemplate)
class EmailTemplateAdmin(admin.ModelAdmin):
    list_display = ["campaign", "trigger", "outcome_key", "subject"]
    list_filter = ["trigger"]


@admin.register(DraftChange)
class DraftChangeAdmin(admin.ModelAdmin):
    list_display = ["campaign", "revision", "by", "summary", "at"]
    list_select_related = ["campaign", "by"]
    search_fields = ["summary", "campaign__name"]
