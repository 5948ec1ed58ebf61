"""The flow map: the draft drawn as boxes and arrows, with validate()'s problems on the boxes
they concern and listed beside the map with a link to where each is fixed."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from builder.access import campaign_view
from builder.logic.flowmap import FlowMap, flow_map
from campaigns import flow
from campaigns.documents import draft_document
from campaigns.models import Campaign
from campaigns.rule_checks import DraftIndex

# Problems about a step's rules are fixed in the rule editor, the rest in the content editor.
RULE_CODES = frozenset({"missing_question", "operator_mismatch", "value_mismatch",
                        "missing_step", "missing_outcome", "rule_unreachable", "step_unreachable",
                        "cycle"})


def editor_url(campaign: Campaign) -> str:
    # The content editor's page: steps are id="step-<key>", outcomes id="outcomes".
    return reverse("builder:editor", args=[campaign.pk])


def fixed_in_logic(problem: flow.Problem) -> bool:
    return bool(problem.step) and (".rules" in problem.where or problem.code in RULE_CODES)


def fix_link(campaign: Campaign, problem: flow.Problem) -> tuple[str, str]:
    """Where `problem` is fixed, and what the link says."""
    logic = reverse("builder:campaign_logic", args=[campaign.pk])
    if fixed_in_logic(problem):
        return f"{logic}#rules-{problem.step}", "Fix in Logic"
    if problem.step:
        return f"{editor_url(campaign)}#step-{problem.step}", "Fix in the editor"
    if problem.where.startswith("outcomes"):
        return f"{editor_url(campaign)}#outcomes", "Fix the outcome"
    if problem.where.startswith("settings"):
        return f"{logic}#scoring-title", "Fix in Logic"
    return reverse("builder:campaign", args=[campaign.pk]), "See the overview"


@require_GET
@campaign_view()
def campaign_map(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    return render(request, "builder/map.html", map_context(campaign))


def checked(document: dict) -> tuple[flow.Definition | None, list[flow.Problem]]:
    """The draft loaded once, and validate()'s problems (or why it does not load)."""
    try:
        definition = flow.load(document)
    except flow.BlueprintError:
        return None, flow.check(document)
    return definition, flow.validate(definition)


def draft_map(campaign: Campaign, document: dict, definition: flow.Definition | None,
              problems: list[flow.Problem]) -> FlowMap | None:
    """The drawing of the draft, or None while it does not load (its problems say why)."""
    if definition is None:
        return None
    logic = reverse("builder:campaign_logic", args=[campaign.pk])
    return flow_map(definition, DraftIndex.of(document), problems,
                    step_href=logic + "#rules-{key}",
                    outcome_href=editor_url(campaign) + "#outcomes")


def map_context(campaign: Campaign) -> dict:
    document = draft_document(campaign)
    definition, problems = checked(document)
    return {
        "campaign": campaign,
        "map": draft_map(campaign, document, definition, problems),
        "problems": [{"problem": p, "link": fix_link(campaign, p)} for p in problems],
        "errors": sum(1 for p in problems if p.level == "error"),
        "warnings": sum(1 for p in problems if p.level == "warning"),
    }
