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


class ImageUploadField(forms.FileField):
    """A new picture, or None: never the stored one.

    Django's FileField cleans an empty input to its `initial`, so a form built with the saved
    image's name in `initial` would hand that name back as if it were an upload. A kept image
    is a stored name the service leaves alone; only a file the browser sent is an upload."""

    def clean(self, data, initial=None):
        return super().clean(data, None)
