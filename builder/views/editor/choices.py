"""Choices of a question on the editor page: add, save (with picture), move, delete."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from builder.access import campaign_view
from builder.editor.forms import AddChoiceForm
from builder.editor.page import Editor
from campaigns.models import Campaign, Choice, Question
from campaigns.services.content import (
    choice_create,
    choice_delete,
    choice_move,
    choice_update,
    usages_of_choice,
)
from campaigns.services.drafts import StaleDraft

from .common import (
    add_errors,
    confirm_delete,
    item_fragment,
    move_position,
    posted_revision,
    refused,
    report_broken,
    saved,
    stale_or_error,
    write_form,
)

CHOICES = "builder/editor/_choices.html"
CHOICE = "builder/editor/_choice.html"


def _of_question(question_id: int):
    def pick(editor):
        return {"question": editor.find_question(question_id)}
    return pick


def _choice(choice_id: int, question_id: int):
    def pick(editor):
        return {"choice": editor.find_choice(choice_id),
                "question": editor.find_question(question_id)}
    return pick


def _get(campaign, choice_id: int) -> Choice:
    return get_object_or_404(Choice.objects.select_related("question__campaign"),
                             question__campaign=campaign, pk=choice_id)


@require_POST
@campaign_view()
def choice_add(request: HttpRequest, campaign: Campaign, question_id: int) -> HttpResponse:
    question = get_object_or_404(Question, campaign=campaign, pk=question_id)
    form = AddChoiceForm(request.POST, question=question)
    anchor = f"question-{question.key}"
    return write_form(
        request, campaign, form=form, anchor=anchor, template=CHOICES,
        pick=_of_question(question.pk),
        write=lambda revision: choice_create(question=question, by=request.user,
                                              revision=revision,
                                              label=form.cleaned_data["label"]),
        opened=lambda _choice: anchor)


@campaign_view()
def choice_view(request: HttpRequest, campaign: Campaign, choice_id: int) -> HttpResponse:
    choice = _get(campaign, choice_id)
    question = choice.question
    anchor = f"question-{question.key}"
    pick = _choice(choice.pk, question.pk)
    if request.method != "POST":
        return item_fragment(request, campaign, anchor=anchor, template=CHOICE, pick=pick)
    form = Editor(campaign, request.membership).choice_form(choice, question, request.POST,
                                                            request.FILES)
    if form.is_valid():
        try:
            choice_update(choice=choice, by=request.user, revision=posted_revision(request),
                          **form.service_arguments(choice))
        except StaleDraft as stale:
            return refused(request, campaign, form=form, anchor=anchor, template=CHOICE,
                           pick=pick, stale=stale)
        except ValidationError as error:
            add_errors(form, error)
        else:
            return saved(request, campaign, anchor=anchor, template=CHOICE, pick=pick,
                         opened=anchor)
    return refused(request, campaign, form=form, anchor=anchor, template=CHOICE, pick=pick)


@require_POST
@campaign_view()
def choice_move_view(request: HttpRequest, campaign: Campaign, choice_id: int) -> HttpResponse:
    choice = _get(campaign, choice_id)
    anchor = f"question-{choice.question.key}"
    try:
        choice_move(choice=choice, by=request.user, revision=posted_revision(request),
                    position=move_position(request, choice.position))
    except StaleDraft as stale:
        return stale_or_error(request, campaign, stale, anchor=anchor)
    return saved(request, campaign, anchor=anchor, template=CHOICES,
                 pick=_of_question(choice.question_id), opened=anchor)


@require_POST
@campaign_view()
def choice_delete_view(request: HttpRequest, campaign: Campaign, choice_id: int) -> HttpResponse:
    """A choice nothing refers to goes at once; otherwise the places are listed first."""
    choice = _get(campaign, choice_id)
    question = choice.question
    anchor = f"question-{question.key}"
    name = f"choice “{choice.label}”"
    usages = usages_of_choice(choice)
    if usages and not request.POST.get("confirm"):
        return confirm_delete(
            request, campaign, what=name, usages=usages,
            details=f"It is one of the choices of “{question.label or question.key}”.",
            action=request.path, cancel=request.path.removesuffix("delete/"),
            element_id=f"choice-{question.key}-{choice.key}",
            container=f"#choices-{question.pk}")
    try:
        broken = choice_delete(choice=choice, by=request.user, revision=posted_revision(request))
    except StaleDraft as stale:
        return stale_or_error(request, campaign, stale, anchor=anchor)
    report_broken(request, name, broken)
    return saved(request, campaign, anchor=anchor, template=CHOICES,
                 pick=_of_question(question.pk), opened=anchor,
                 retarget=f"#choices-{question.pk}")
