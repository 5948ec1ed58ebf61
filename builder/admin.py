from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from builder.models import ApiKey, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "date_joined"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Personal info", {"fields": ["first_name", "last_name"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups",
                                    "user_permissions"]}),
        ("Important dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Read and revoke (set revoked_at); keys are made in the builder, where the secret is shown
    once: the admin could only store a hash of a secret nobody would ever see."""

    list_display = ["name", "prefix", "workspace", "created_by", "created_at", "last_used_at",
                    "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "workspace__name"]
    readonly_fields = ["workspace", "prefix", "secret_hash", "created_by", "created_at",
                       "last_used_at"]

    def has_add_permission(self, request):
        return False
