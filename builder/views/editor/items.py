"""The editor's one move and one delete of a draft item, for every kind in `ITEMS` (a step, a
question, a choice, an outcome).

What differs by kind is a row of the table: how the item is found, its services, what the
confirmation says, the list it sits in and where the editor opens afterwards. The views are the
same for all: a move answers the list re-rendered; a delete asks first (always, or only when
something refers to the item), then answers the list the item was in, with a message naming
what the delete left broken. A stale revision (or a refused move or delete) says why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from builder.access import campaign_view
from builder.htmx import fragment_or_page
from campaigns.models import Campaign, Choice, Question
from campaigns.services.content import (
    Usage,
    choice_delete,
    choice_move,
    outcome_delete,
    outcome_move,
    question_delete,
    question_move,
    step_delete,
    step_move,
    usages_of_choice,
    usages_of_outcome,
    usages_of_question,
    usages_of_step,
)
from campaigns.services.drafts import StaleDraft

from .common import (
    Pick,
    editor_url,
    move_position,
    posted_id,
    posted_revision,
    report_broken,
    saved,
    stale_or_error,
)

STEPS = "builder/editor/_steps.html"
QUESTIONS = "builder/editor/_questions.html"
CHOICES = "builder/editor/_choices.html"
OUTCOMES = "builder/editor/_outcomes.html"


# What a list's fragment is rendered with (its `pick`): the editor alone for a whole list, or
# the step or question the list belongs to.


def whole_list(_editor) -> dict:
    return {}


def in_step(step_id: int) -> Pick:
    def pick(editor):
        return {"step": editor.find_step(step_id)}
    return pick


def of_question(question_id: int) -> Pick:
    def pick(editor):
        return {"question": editor.find_question(question_id)}
    return pick


@dataclass(frozen=True)
class ItemKind:
    """A kind of draft item as the editor moves and deletes it. `move` and `delete` are its
    services, called with the item as `<kind>=`."""

    find: Callable[[Campaign, int], Model]  # the campaign's item with this id, or 404
    move: Callable[..., Model]
    delete: Callable[..., list[Usage]]
    usages: Callable[[Model], list[Usage]]
    name: Callable[[Model], str]  # "step “Welcome”", as messages and the confirmation say it
    details: Callable[[Model], str]  # what else the confirmation says goes with it
    element_id: Callable[[Model], str]  # the item's element on the page
    container: Callable[[Model], str]  # the selector of the list it sits in
    template: str  # that list's fragment
    pick: Callable[[Model], Pick]  # what the list's fragment is rendered with
    anchor: Callable[[Model], str]  # the editor's anchor at the item (a choice: its question)
    deleted_to: Callable[[Model], str]  # the editor's anchor after a delete
    opens: bool = False  # the anchor's item is opened after a write (a choice's question)
    always_asks: bool = True  # False: a delete nothing refers to goes at once
    # A move posted with `step` goes to another step (a question's).
    to_step: Callable[[HttpRequest, Campaign, Model], HttpResponse] | None = None


def _question_to_step(request: HttpRequest, campaign: Campaign,
                      question: Question) -> HttpResponse:
    anchor = f"question-{question.key}"
    to_step = get_object_or_404(campaign.steps, pk=posted_id(request, "step"))
    position = move_position(request, 0) if "position" in request.POST else None
    try:
        question_move(question=question, by=request.user, revision=posted_revision(request),
                      position=position, step=to_step)
    except (StaleDraft, ValidationError) as error:
        return stale_or_error(request, campaign, error, anchor=anchor)
    return saved(request, campaign, anchor=anchor, template=STEPS, pick=whole_list,
                 opened=anchor, retarget="#steps")


def _questions_count(step) -> str:
    count = step.questions.count()
    return (f"It has {count} question{'s' if count != 1 else ''}; they are deleted with it, "
            "and so are its rules.")


ITEMS = {
    "step": ItemKind(
        find=lambda campaign, pk: get_object_or_404(campaign.steps, pk=pk),
        move=step_move, delete=step_delete, usages=usages_of_step,
        name=lambda step: f"step “{step.title or step.key}”",
        details=_questions_count,
        element_id=lambda step: f"step-{step.key}",
        container=lambda _step: "#steps", template=STEPS, pick=lambda _step: whole_list,
        anchor=lambda step: f"step-{step.key}", deleted_to=lambda _step: "steps"),
    "question": ItemKind(
        find=lambda campaign, pk: get_object_or_404(Question.objects.select_related("step"),
                                                    campaign=campaign, pk=pk),
        move=question_move, delete=question_delete, usages=usages_of_question,
        name=lambda question: f"question “{question.label or question.key}”",
        details=lambda _question: "Answers already given in published versions are kept.",
        element_id=lambda question: f"question-{question.key}",
        container=lambda question: f"#questions-{question.step_id}", template=QUESTIONS,
        pick=lambda question: in_step(question.step_id),
        anchor=lambda question: f"question-{question.key}",
        deleted_to=lambda question: f"step-{question.step.key}", to_step=_question_to_step),
    "choice": ItemKind(
        find=lambda campaign, pk: get_object_or_404(
            Choice.objects.select_related("question__campaign"), question__campaign=campaign,
            pk=pk),
        move=choice_move, delete=choice_delete, usages=usages_of_choice,
        name=lambda choice: f"choice “{choice.label}”",
        details=lambda choice: "It is one of the choices of "
                               f"“{choice.question.label or choice.question.key}”.",
        element_id=lambda choice: f"choice-{choice.question.key}-{choice.key}",
        container=lambda choice: f"#choices-{choice.question_id}", template=CHOICES,
        pick=lambda choice: of_question(choice.question_id),
        anchor=lambda choice: f"question-{choice.question.key}",
        deleted_to=lambda choice: f"question-{choice.question.key}",
        opens=True, always_asks=False),
    "outcome": ItemKind(
        find=lambda campaign, pk: get_object_or_404(campaign.outcomes, pk=pk),
        move=outcome_move, delete=outcome_delete, usages=usages_of_outcome,
        name=lambda outcome: f"outcome “{outcome.title}”",
        details=lambda _outcome: "Choice weights towards it are removed with it.",
        element_id=lambda outcome: f"outcome-{outcome.key}",
        container=lambda _outcome: "#outcomes", template=OUTCOMES,
        pick=lambda _outcome: whole_list,
        anchor=lambda outcome: f"outcome-{outcome.key}", deleted_to=lambda _outcome: "outcomes"),
}


def _list_saved(request: HttpRequest, campaign: Campaign, kind: ItemKind, item: Model, *,
                anchor: str, retarget: str = "") -> HttpResponse:
    return saved(request, campaign, anchor=anchor, template=kind.template, pick=kind.pick(item),
                 opened=anchor if kind.opens else "", retarget=retarget)


def _move_view(kind: str):
    item_kind = ITEMS[kind]

    @require_POST
    @campaign_view()
    def move(request: HttpRequest, campaign: Campaign, **ids: int) -> HttpResponse:
        """Up/down buttons or drag and drop among its siblings."""
        item = item_kind.find(campaign, ids[f"{kind}_id"])
        if item_kind.to_step is not None and request.POST.get("step"):
            return item_kind.to_step(request, campaign, item)
        try:
            item_kind.move(**{kind: item}, by=request.user, revision=posted_revision(request),
                           position=move_position(request, item.position))
        except (StaleDraft, ValidationError) as error:
            return stale_or_error(request, campaign, error, anchor=item_kind.anchor(item))
        return _list_saved(request, campaign, item_kind, item, anchor=item_kind.anchor(item))

    move.__name__ = move.__qualname__ = f"{kind}_move_view"
    return move


def _delete_view(kind: str):
    item_kind = ITEMS[kind]

    @require_POST
    @campaign_view()
    def delete(request: HttpRequest, campaign: Campaign, **ids: int) -> HttpResponse:
        """Ask first, saying exactly where the item is used; confirmed, delete it and answer
        the list it was in (whichever element the form aimed at)."""
        item = item_kind.find(campaign, ids[f"{kind}_id"])
        name = item_kind.name(item)
        if not request.POST.get("confirm"):
            usages = item_kind.usages(item)
            if usages or item_kind.always_asks:
                return _confirm_delete(request, campaign, item_kind, item, usages)
        try:
            broken = item_kind.delete(**{kind: item}, by=request.user,
                                      revision=posted_revision(request))
        except (StaleDraft, ValidationError) as error:
            return stale_or_error(request, campaign, error, anchor=item_kind.anchor(item))
        report_broken(request, name, broken)
        return _list_saved(request, campaign, item_kind, item,
                           anchor=item_kind.deleted_to(item), retarget=item_kind.container(item))

    delete.__name__ = delete.__qualname__ = f"{kind}_delete_view"
    return delete


def _confirm_delete(request: HttpRequest, campaign: Campaign, item_kind: ItemKind, item: Model,
                    usages: list[Usage]) -> HttpResponse:
    """Ask before deleting, saying exactly where the item is used. The question replaces the
    item; cancelling brings the item back (its URL is the delete's less `delete/`), confirming
    refreshes the list it is in."""
    element_id = item_kind.element_id(item)
    context = {"campaign": campaign, "what": item_kind.name(item),
               "details": item_kind.details(item), "usages": usages, "action": request.path,
               "cancel": request.path.removesuffix("delete/"), "element_id": element_id,
               "container": item_kind.container(item), "revision": campaign.revision,
               "editor_url": editor_url(campaign)}
    return fragment_or_page(request, fragment="builder/editor/_confirm.html",
                            page="builder/editor/confirm.html", context=context)


# The views each kind's URLs name (with the id as `<kind>_id`, as every editor URL has it).
MOVE_VIEWS = {kind: _move_view(kind) for kind in ITEMS}
DELETE_VIEWS = {kind: _delete_view(kind) for kind in ITEMS}
