"""The campaign list and creating campaigns."""

import copy

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from builder.access import member_object, workspace_view
from campaigns.blueprints import gallery, gallery_template
from campaigns.models import Campaign, Kind, Role, Status
from campaigns.services.campaigns import blank_document, campaign_create


class NewCampaignForm(forms.Form):
    name = forms.CharField(max_length=200, label="Campaign name")
    kind = forms.ChoiceField(choices=Kind.choices, initial=Kind.QUIZ)


@require_GET
@workspace_view()
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = Campaign.objects.filter(
        workspace=request.membership.workspace, archived_at__isnull=True
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
@workspace_view()
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = member_object(request, Campaign.objects.all(), pk=campaign_id)
    return render(request, "builder/campaign.html", {"campaign": campaign})
