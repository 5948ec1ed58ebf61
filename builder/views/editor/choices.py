"""Choices of a question on the editor page: add, save with picture (move and delete: items.py)."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from builder.access import campaign_view
from builder.editor.forms import AddChoiceForm
from builder.editor.page import Editor
from campaigns.models import Campaign, Question
from campaigns.services.content import (
    choice_create,
    choice_update,
)
from campaigns.services.drafts import StaleDraft

from .common import (
    add_errors,
    item_fragment,
    posted_revision,
    refused,
    saved,
    write_form,
)
from .items import CHOICES, ITEMS, of_question

CHOICE = "builder/editor/_choice.html"


def _choice(choice_id: int, question_id: int):
    def pick(editor):
        return {"choice": editor.find_choice(choice_id),
                "question": editor.find_question(question_id)}
    return pick


@require_POST
@campaign_view()
def choice_add(request: HttpRequest, campaign: Campaign, question_id: int) -> HttpResponse:
    question = get_object_or_404(Question, campaign=campaign, pk=question_id)
    form = AddChoiceForm(request.POST, question=question)
    anchor = f"question-{question.key}"
    return write_form(
        request, campaign, form=form, anchor=anchor, template=CHOICES,
        pick=of_question(question.pk),
        write=lambda revision: choice_create(question=question, by=request.user,
                                              revision=revision,
                                              label=form.cleaned_data["label"]),
        opened=lambda _choice: anchor)


@campaign_view()
def choice_view(request: HttpRequest, campaign: Campaign, choice_id: int) -> HttpResponse:
    choice = ITEMS["choice"].find(campaign, choice_id)
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
                          fields=form.saved_fields(choice))
        except StaleDraft as stale:
            return refused(request, campaign, form=form, anchor=anchor, template=CHOICE,
                           pick=pick, stale=stale)
        except ValidationError as error:
            add_errors(form, error)
        else:
            return saved(request, campaign, anchor=anchor, template=CHOICE, pick=pick,
                         opened=anchor)
    return refused(request, campaign, form=form, anchor=anchor, template=CHOICE, pick=pick)
