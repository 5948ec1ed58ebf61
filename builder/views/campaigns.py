"""Campaigns: the list, creating (template, blank, import), publishing and the campaign page."""

import copy
import json

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from builder.access import campaign_view, workspace_view
from builder.views import Confirmation, confirmation_page
from campaigns import flow
from campaigns.blueprints import gallery, gallery_template
from campaigns.documents import draft_document
from campaigns.models import Campaign, Kind, Role, Status
from campaigns.services.campaigns import (
    ALLOWED_STATUS_CHANGES,
    MAX_IMPORT_BYTES,
    PublishRefused,
    blank_document,
    campaign_archive,
    campaign_check,
    campaign_create,
    campaign_delete,
    campaign_duplicate,
    campaign_import,
    campaign_publish,
    campaign_set_status,
)
from entries.models import EntryStatus


class NewCampaignForm(forms.Form):
    name = forms.CharField(max_length=200, label="Campaign name")
    kind = forms.ChoiceField(choices=Kind.choices, initial=Kind.QUIZ)


@require_GET
@workspace_view()
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = Campaign.objects.filter(
        workspace=request.membership.workspace, archived_at__isnull=True
    ).annotate(
        # Counted from the (campaign, status, started_at) index, without reading the entries.
        entry_count=Count("entries"),
        completed_count=Count("entries", filter=Q(entries__status=EntryStatus.COMPLETED)),
    )
    query = request.GET.get("q", "").strip()
    if query:
        campaigns = campaigns.filter(Q(name__icontains=query) | Q(slug__icontains=query))
    if request.GET.get("kind") in Kind.values:
        campaigns = campaigns.filter(kind=request.GET["kind"])
    if request.GET.get("status") in Status.values:
        campaigns = campaigns.filter(status=request.GET["status"])
    context = {
        "campaigns": campaigns,
        "query": query,
        "kinds": Kind.choices,
        "statuses": Status.choices,
        "filtered": bool(query or request.GET.get("kind") or request.GET.get("status")),
    }
    template = "builder/_campaign_rows.html" if request.htmx else "builder/home.html"
    return render(request, template, context)


@workspace_view(Role.EDITOR)
def campaign_new(request: HttpRequest) -> HttpResponse:
    form = NewCampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        campaign = campaign_create(
            workspace=request.membership.workspace,
            by=request.user,
            document=blank_document(name=form.cleaned_data["name"],
                                    kind=form.cleaned_data["kind"]),
        )
        messages.success(request, f"“{campaign.name}” created.")
        return redirect("builder:campaign", campaign.pk)
    return render(request, "builder/campaign_new.html", {"form": form, "templates": gallery()})


@require_POST
@workspace_view(Role.EDITOR)
def campaign_from_template(request: HttpRequest, template: str) -> HttpResponse:
    chosen = gallery_template(template)
    if chosen is None:
        messages.error(request, "That template no longer exists. Pick another one.")
        return redirect("builder:campaign_new")
    campaign = campaign_create(workspace=request.membership.workspace, by=request.user,
                               document=copy.deepcopy(chosen.document))
    messages.success(request, f"“{campaign.name}” created from the {chosen.name} template.")
    return redirect("builder:campaign", campaign.pk)


@require_GET
@campaign_view()
def campaign_detail(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    return _detail(request, campaign, campaign_check(campaign=campaign))


def _detail(request: HttpRequest, campaign: Campaign, problems, *, confirm: bool = False):
    public_url = request.build_absolute_uri(reverse("entries:landing", args=[campaign.slug]))
    return render(request, "builder/campaign.html", {
        "campaign": campaign,
        "steps": campaign.steps.prefetch_related("questions"),
        "outcomes": campaign.outcomes.all(),
        "errors": [p for p in problems if p.level == "error"],
        "warnings": [p for p in problems if p.level == "warning"],
        "confirm": confirm,
        "versions": campaign.versions.select_related("published_by"),
        "public_url": public_url,
        "next_statuses": sorted(ALLOWED_STATUS_CHANGES[Status(campaign.status)]),
        "status_labels": dict(Status.choices),
    })


@require_GET
@campaign_view()
def campaign_export(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    response = HttpResponse(json.dumps(draft_document(campaign), indent=2, ensure_ascii=False),
                            content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{campaign.slug}.json"'
    return response


@require_POST
@workspace_view(Role.EDITOR)
def campaign_import_view(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("blueprint")
    if upload is None:
        messages.error(request, "Choose a blueprint .json file to import.")
        return redirect("builder:campaign_new")
    try:
        campaign = campaign_import(workspace=request.membership.workspace, by=request.user,
                                   raw=upload.read(MAX_IMPORT_BYTES + 1))
    except flow.BlueprintError as error:
        return render(request, "builder/campaign_new.html", {
            "form": NewCampaignForm(), "templates": gallery(), "import_problems": error.problems,
        }, status=400)
    messages.success(request, f"“{campaign.name}” imported as a draft.")
    return redirect("builder:campaign", campaign.pk)


@require_POST
@campaign_view()
def campaign_publish_view(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    problems = campaign_check(campaign=campaign)
    # Errors first: there is no point confirming warnings of a draft that cannot be published.
    has_errors = any(p.level == "error" for p in problems)
    if not has_errors and problems and not request.POST.get("confirm"):
        messages.warning(request, "Check the warnings below, then publish again to confirm.")
        return _detail(request, campaign, problems, confirm=True)
    try:
        version = campaign_publish(campaign=campaign, by=request.user)
    except PublishRefused as refused:
        messages.error(request, str(refused))
        return _detail(request, campaign, refused.problems)
    messages.success(request, f"Version {version.number} is live.")
    return redirect("builder:campaign", campaign.pk)


@require_POST
@campaign_view()
def campaign_status(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    status = request.POST.get("status", "")
    if status in STATUS_CONFIRMATIONS and not request.POST.get("confirm"):
        return confirmation_page(request, campaign, _status_confirmation(campaign, status))
    try:
        campaign_set_status(campaign=campaign, status=status)
    except (ValidationError, ValueError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, f"“{campaign.name}” is now {campaign.get_status_display()}.")
    return redirect("builder:campaign", campaign.pk)


# What each change that stops visitors means, asked before it happens (and how to undo it).
STATUS_CONFIRMATIONS = {
    Status.PAUSED: ("Pause", "Visitors see that it is paused and cannot start or continue until "
                    "you resume it. Entries so far are kept."),
    Status.ENDED: ("End", "Visitors can no longer enter or finish their entries. Entries so far "
                   "are kept, and you can reopen it later."),
    Status.DRAFT: ("Unpublish", "The public link and every embed stop working until you publish "
                   "again. Entries so far are kept."),
}


def _status_confirmation(campaign: Campaign, status: str) -> Confirmation:
    verb, body = STATUS_CONFIRMATIONS[status]
    return Confirmation(
        title=f"{verb} the campaign?", question=f"{verb} “{campaign.name}” now?", body=body,
        button=verb, action=reverse("builder:campaign_status", args=[campaign.pk]),
        cancel_url=reverse("builder:campaign", args=[campaign.pk]), fields=(("status", status),))


@require_POST
@campaign_view()
def campaign_duplicate_view(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    copy_ = campaign_duplicate(campaign=campaign, by=request.user)
    messages.success(request, f"Duplicated as “{copy_.name}”.")
    return redirect("builder:campaign", copy_.pk)


@require_POST
@campaign_view()
def campaign_archive_view(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    campaign_archive(campaign=campaign)
    messages.success(request, f"“{campaign.name}” archived; its entries are kept.")
    return redirect("builder:home")


@require_POST
@campaign_view(write=Role.OWNER)
def campaign_delete_view(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    if request.POST.get("confirm_name", "").strip() != campaign.name:
        messages.error(request, "Type the campaign's name exactly to delete it.")
        return redirect("builder:campaign", campaign.pk)
    campaign_delete(campaign=campaign)
    messages.success(request, f"“{campaign.name}” and all its entries were deleted.")
    return redirect("builder:home")
