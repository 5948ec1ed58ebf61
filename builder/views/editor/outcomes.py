"""Outcomes (result pages) on the editor: add, save with picture (move and delete: items.py)."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from builder.access import campaign_view
from builder.editor.forms import AddOutcomeForm, OutcomeForm
from campaigns.models import Campaign
from campaigns.services.content import (
    outcome_create,
    outcome_update,
    published_keys,
)

from .common import (
    item_fragment,
    write_form,
)
from .items import ITEMS, OUTCOMES, whole_list

OUTCOME = "builder/editor/_outcome.html"


def _outcome(outcome_id: int):
    def pick(editor):
        return {"outcome": editor.find_outcome(outcome_id)}
    return pick


@require_POST
@campaign_view()
def outcome_add(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    form = AddOutcomeForm(request.POST, campaign=campaign)
    return write_form(
        request, campaign, form=form, anchor="outcomes", template=OUTCOMES, pick=whole_list,
        write=lambda revision: outcome_create(campaign=campaign, by=request.user,
                                               revision=revision,
                                               title=form.cleaned_data["title"]),
        opened=lambda outcome: f"outcome-{outcome.key}")


@campaign_view()
def outcome_view(request: HttpRequest, campaign: Campaign, outcome_id: int) -> HttpResponse:
    outcome = ITEMS["outcome"].find(campaign, outcome_id)
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
                                              fields=form.saved_fields(outcome)),
        opened=lambda saved_outcome: f"outcome-{saved_outcome.key}")
