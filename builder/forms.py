from django import forms

from campaigns.models import Role
from entries.emailaddr import EmailAddressField


class WorkspaceForm(forms.Form):
    name = forms.CharField(max_length=100, label="Workspace name")


class InvitationForm(forms.Form):
    email = EmailAddressField(label="Email address")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.EDITOR)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
