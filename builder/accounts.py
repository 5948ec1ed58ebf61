from allauth.account.adapter import DefaultAccountAdapter

from campaigns.services.workspaces import workspace_create_personal


class AccountAdapter(DefaultAccountAdapter):
    """Gives every marketer who signs up a personal workspace of their own."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            workspace_create_personal(owner=user)
        return user
