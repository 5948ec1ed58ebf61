"""A workspace's API keys (owners only): make one with its scopes (the secret is shown once, on
the page that answers the POST, never stored or put in a message), list them, revoke one."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from builder.access import object_view, workspace_view
from builder.api.keys import api_key_create, api_key_revoke
from builder.models import ApiKey, ApiScope
from builder.views import Confirmation, confirmation_page
from campaigns.models import Role


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        max_length=100, label="Name",
        help_text="Which tool or person uses it, such as “Zapier” or “CRM sync”.")
    scopes = forms.MultipleChoiceField(
        choices=ApiScope.choices, widget=forms.CheckboxSelectMultiple, label="It may",
        error_messages={"required": "Choose at least one thing the key may do."})


def _page(request: HttpRequest, *, form: ApiKeyForm | None = None, created=None,
          secret: str = "", status: int = 200) -> HttpResponse:
    keys = ApiKey.objects.filter(workspace=request.membership.workspace).select_related(
        "created_by")
    return render(request, "builder/api_keys.html", {
        "form": form or ApiKeyForm(), "keys": keys, "created": created, "secret": secret,
        "docs_url": request.build_absolute_uri("/api/v1/docs"),
    }, status=status)


@workspace_view(Role.OWNER)
def api_keys(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request)
    form = ApiKeyForm(request.POST)
    if not form.is_valid():
        return _page(request, form=form)
    try:
        key, secret = api_key_create(workspace=request.membership.workspace,
                                     name=form.cleaned_data["name"],
                                     scopes=form.cleaned_data["scopes"], by=request.user)
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field, errors)
        return _page(request, form=form)
    return _page(request, created=key, secret=secret)


@require_POST
@object_view(ApiKey.objects.filter(revoked_at__isnull=True), url_kwarg="api_key_id",
             name="key", read=Role.OWNER, write=Role.OWNER)
def api_key_revoke_view(request: HttpRequest, key: ApiKey) -> HttpResponse:
    if not request.POST.get("confirm"):
        return confirmation_page(request, None, Confirmation(
            title="Revoke the API key?", question=f"Revoke “{key.name}” ({key.prefix}…) now?",
            body="Every request made with it is refused from now on; tools using it stop "
                 "working until you give them a new key. It cannot be undone.",
            button="Revoke", action=reverse("builder:api_key_revoke", args=[key.pk]),
            cancel_url=reverse("builder:api_keys")))
    api_key_revoke(key=key)
    messages.success(request, f"“{key.name}” is revoked: requests with it are refused.")
    return redirect("builder:api_keys")
