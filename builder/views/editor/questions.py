"""Questions on the editor page: add to a step, save, move, duplicate, delete."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from builder.access import campaign_view
from builder.editor.forms import AddQuestionForm, kind_preview
from campaigns.models import Campaign, Question
from campaigns.services.content import (
    published_keys,
    question_create,
    question_delete,
    question_duplicate,
    question_move,
    question_update,
    usages_of_question,
)
from campaigns.services.drafts import StaleDraft

from .common import (
    confirm_delete,
    item_fragment,
    move_position,
    posted_id,
    posted_revision,
    refused,
    report_broken,
    saved,
    stale_or_error,
    write_form,
)

QUESTIONS = "builder/editor/_questions.html"
QUESTION = "builder/editor/_question.html"
STEPS = "builder/editor/_steps.html"


def _nothing(editor):
    return {}


def _in_step(step_id: int):
    def pick(editor):
        return {"step": editor.find_step(step_id)}
    return pick


def _question(question_id: int):
    def pick(editor):
        return {"question": editor.find_question(question_id)}
    return pick


def _get(campaign, question_id: int) -> Question:
    return get_object_or_404(Question.objects.select_related("step"), campaign=campaign,
                             pk=question_id)


@require_POST
@campaign_view()
def question_add(request: HttpRequest, campaign: Campaign, step_id: int) -> HttpResponse:
    step = get_object_or_404(campaign.steps, pk=step_id)
    form = AddQuestionForm(request.POST, step=step)
    return write_form(
        request, campaign, form=form, anchor=f"step-{step.key}", template=QUESTIONS,
        pick=_in_step(step.pk),
        write=lambda revision: question_create(step=step, by=request.user, revision=revision,
                                                kind=form.cleaned_data["kind"],
                                                label=form.cleaned_data["label"]),
        opened=lambda question: f"question-{question.key}")


@campaign_view()
def question_view(request: HttpRequest, campaign: Campaign, question_id: int) -> HttpResponse:
    """GET: the question's fragment; POST: save it (its kind and settings included)."""
    question = _get(campaign, question_id)
    anchor = f"question-{question.key}"
    pick = _question(question.pk)
    if request.method != "POST":
        return item_fragment(request, campaign, anchor=anchor, template=QUESTION, pick=pick)
    # The form of the kind posted: picking another kind previews it, saving makes it so.
    form = kind_preview(question, request.POST,
                        locked=question.key in published_keys(campaign).questions)
    if request.POST.get("preview"):
        return refused(request, campaign, form=form, anchor=anchor, template=QUESTION, pick=pick)
    return write_form(
        request, campaign, form=form, anchor=anchor, template=QUESTION, pick=pick,
        write=lambda revision: question_update(question=question, by=request.user,
                                               revision=revision, **form.service_arguments()),
        opened=lambda saved_question: f"question-{saved_question.key}")


@require_POST
@campaign_view()
def question_move_view(request: HttpRequest, campaign: Campaign, question_id: int) -> HttpResponse:
    """Up/down and drag and drop within the step; with `step`, to another step (at `position`
    when dragged there, else last)."""
    question = _get(campaign, question_id)
    anchor = f"question-{question.key}"
    if request.POST.get("step"):
        to_step = get_object_or_404(campaign.steps, pk=posted_id(request, "step"))
        position = move_position(request, 0) if "position" in request.POST else None
        try:
            question_move(question=question, by=request.user, revision=posted_revision(request),
                          position=position, step=to_step)
        except (StaleDraft, ValidationError) as error:
            return stale_or_error(request, campaign, error, anchor=anchor)
        return saved(request, campaign, anchor=anchor, template=STEPS, pick=_nothing,
                     opened=anchor, retarget="#steps")
    try:
        question_move(question=question, by=request.user, revision=posted_revision(request),
                      position=move_position(request, question.position))
    except StaleDraft as stale:
        return stale_or_error(request, campaign, stale, anchor=anchor)
    return saved(request, campaign, anchor=anchor, template=QUESTIONS,
                 pick=_in_step(question.step_id))


@require_POST
@campaign_view()
def question_duplicate_view(request: HttpRequest, campaign: Campaign,
                            question_id: int) -> HttpResponse:
    question = _get(campaign, question_id)
    try:
        copy_ = question_duplicate(question=question, by=request.user,
                                   revision=posted_revision(request))
    except (StaleDraft, ValidationError) as error:
        return stale_or_error(request, campaign, error, anchor=f"question-{question.key}")
    opened = f"question-{copy_.key}"
    return saved(request, campaign, anchor=opened, template=QUESTIONS,
                 pick=_in_step(question.step_id), opened=opened)


@require_POST
@campaign_view()
def question_delete_view(request: HttpRequest, campaign: Campaign,
                         question_id: int) -> HttpResponse:
    question = _get(campaign, question_id)
    name = f"question “{question.label or question.key}”"
    if not request.POST.get("confirm"):
        return confirm_delete(
            request, campaign, what=name, usages=usages_of_question(question),
            details="Answers already given in published versions are kept.",
            action=request.path, cancel=request.path.removesuffix("delete/"),
            element_id=f"question-{question.key}", container=f"#questions-{question.step_id}")
    try:
        broken = question_delete(question=question, by=request.user,
                                 revision=posted_revision(request))
    except StaleDraft as stale:
        return stale_or_error(request, campaign, stale, anchor=f"question-{question.key}")
    report_broken(request, name, broken)
    return saved(request, campaign, anchor=f"step-{question.step.key}", template=QUESTIONS,
                 pick=_in_step(question.step_id))
