"""Personal data in a workspace (owners only): one person's data as JSON, erasing one person,
the retention setting, and the log of erasures."""

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from builder.access import workspace_view
from campaigns.flow.visitor_input import printable
from campaigns.models import Role
from entries.emailaddr import EmailAddressField
from entries.services.personal_data import (
    PersonNotFound,
    person_entries,
    person_erase,
    personal_data_export,
)
from entries.services.retention import MAX_RETENTION_DAYS, workspace_set_retention


class PersonForm(forms.Form):
    email = EmailAddressField(label="Email address")


class EraseForm(PersonForm):
    confirm = EmailAddressField(label="Type the address again to confirm")

    def clean(self):
        data = super().clean()
        if data.get("email") and data.get("confirm") \
                and data["email"].strip().lower() != data["confirm"].strip().lower():
            self.add_error("confirm", "The two addresses differ.")
        return data


class RetentionForm(forms.Form):
    days = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_RETENTION_DAYS,
        label="Delete interaction data and partial entries after (days)",
        help_text="Leave empty to keep everything. Completed entries and their answers are "
                  "kept; the purge runs every few hours.",
    )


def _page(request: HttpRequest, *, export_form=None, erase_form=None, retention_form=None,
          status: int = 200) -> HttpResponse:
    workspace = request.membership.workspace
    return render(request, "builder/privacy.html", {
        "export_form": export_form or PersonForm(prefix="export"),
        "erase_form": erase_form or EraseForm(prefix="erase"),
        "retention_form": retention_form or RetentionForm(
            initial={"days": workspace.retention_days}),
        "erasures": workspace.erasures.select_related("by")[:20],
    }, status=status)


@require_GET
@workspace_view(Role.OWNER)
def privacy(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
@workspace_view(Role.OWNER)
def privacy_retention(request: HttpRequest) -> HttpResponse:
    form = RetentionForm(request.POST)
    if form.is_valid():
        try:
            workspace_set_retention(workspace=request.membership.workspace,
                                    days=form.cleaned_data["days"])
        except ValidationError as error:
            form.add_error("days", error.message_dict.get("days"))
        else:
            days = form.cleaned_data["days"]
            messages.success(request, f"Interaction data and partial entries are now deleted "
                                      f"after {days} days." if days else
                             "Retention is off: everything is kept.")
            return redirect("builder:privacy")
    return _page(request, retention_form=form)


@require_POST
@workspace_view(Role.OWNER)
def privacy_export(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST, prefix="export")
    if not form.is_valid():
        return _page(request, export_form=form)
    email = form.cleaned_data["email"]
    workspace = request.membership.workspace
    if not person_entries(workspace=workspace, email=email).exists():
        form.add_error("email", "No entry in this workspace belongs to that address.")
        return _page(request, export_form=form)
    document = personal_data_export(workspace=workspace, email=email)
    # printable: interaction data stored before visitor input was checked may not encode.
    response = HttpResponse(printable(json.dumps(document, indent=2, ensure_ascii=False)),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="personal-data.json"'
    return response


@require_POST
@workspace_view(Role.OWNER)
def privacy_erase(request: HttpRequest) -> HttpResponse:
    form = EraseForm(request.POST, prefix="erase")
    if not form.is_valid():
        return _page(request, erase_form=form)
    try:
        erasure = person_erase(workspace=request.membership.workspace,
                               email=form.cleaned_data["email"], by=request.user)
    except PersonNotFound as error:
        form.add_error("email", str(error))
        return _page(request, erase_form=form)
    messages.success(request, f"Erased {erasure.summary}. The erasure is logged below, "
                              "without the address.")
    return redirect("builder:privacy")
