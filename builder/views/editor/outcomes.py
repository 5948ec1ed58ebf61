"""Outcomes (result pages) on the editor page: add, save (with picture), move, delete."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from builder.access import campaign_view
from builder.editor.forms import AddOutcomeForm, OutcomeForm
from campaigns.models import Campaign
from campaigns.services.content import (
    outcome_create,
    outcome_delete,
    outcome_move,
    outcome_update,
    published_keys,
    usages_of_outcome,
)
from campaigns.services.drafts import StaleDraft

from .common import (
    confirm_delete,
    item_fragment,
    move_position,
    posted_revision,
    report_broken,
    saved,
    stale_or_error,
    write_form,
)

OUTCOMES = "builder/editor/_outcomes.html"
OUTCOME = "builder/editor/_outcome.html"


def _all(editor):
    return {}


def _outcome(outcome_id: int):
    def pick(editor):
        return {"outcome": editor.find_outcome(outcome_id)}
    return pick


@require_POST
@campaign_view()
def outcome_add(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    form = AddOutcomeForm(request.POST, campaign=campaign)
    return write_form(
        request, campaign, form=form, anchor="outcomes", template=OUTCOMES, pick=_all,
        write=lambda revision: outcome_create(campaign=campaign, by=request.user,
                                               revision=revision,
                                               title=form.cleaned_data["title"]),
        opened=lambda outcome: f"outcome-{outcome.key}")


@campaign_view()
def outcome_view(request: HttpRequest, campaign: Campaign, outcome_id: int) -> HttpResponse:
    outcome = get_object_or_404(campaign.outcomes, pk=outcome_id)
    anchor = f"outcome-{outcome.key}"
    pick = _outcome(outcome.pk)
    if request.method != "POST":
        return item_fragment(request, campaign, anchor=anchor, template=OUTCOME, pick=pick)
    form = OutcomeForm(request.POST, request.FILES, outcome=outcome,
                       locked=outcome.key in published_keys(campaign).outcomes)
    return write_form(
        request, campaign, form=form, anchor=anchor, template=OUTCOME, pick=pick,
        write=lambda revision: outcome_update(outcome=outcome, by=request.user,
                                              revision=revision,
                                              **form.service_arguments(outcome)),
        opened=lambda saved_outcome: f"outcome-{saved_outcome.key}")


@require_POST
@campaign_view()
def outcome_move_view(request: HttpRequest, campaign: Campaign, outcome_id: int) -> HttpResponse:
    outcome = get_object_or_404(campaign.outcomes, pk=outcome_id)
    try:
        outcome_move(outcome=outcome, by=request.user, revision=posted_revision(request),
                     position=move_position(request, outcome.position))
    except StaleDraft as stale:
        return stale_or_error(request, campaign, stale, anchor=f"outcome-{outcome.key}")
    return saved(request, campaign, anchor=f"outcome-{outcome.key}", template=OUTCOMES,
                 pick=_all)


@require_POST
@campaign_view()
def outcome_delete_view(request: HttpRequest, campaign: Campaign, outcome_id: int) -> HttpResponse:
    outcome = get_object_or_404(campaign.outcomes, pk=outcome_id)
    name = f"outcome “{outcome.title}”"
    if not request.POST.get("confirm"):
        return confirm_delete(
            request, campaign, what=name, usages=usages_of_outcome(outcome),
            details="Choice weights towards it are removed with it.",
            action=request.path, cancel=request.path.removesuffix("delete/"),
            element_id=f"outcome-{outcome.key}", container="#outcomes")
    try:
        broken = outcome_delete(outcome=outcome, by=request.user,
                                revision=posted_revision(request))
    except StaleDraft as stale:
        return stale_or_error(request, campaign, stale, anchor=f"outcome-{outcome.key}")
    report_broken(request, name, broken)
    return saved(request, campaign, anchor="outcomes", template=OUTCOMES, pick=_all)
