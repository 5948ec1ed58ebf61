"""Questions on the editor page: add to a step, save, duplicate (move and delete: items.py)."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from builder.access import campaign_view
from builder.editor.forms import AddQuestionForm, kind_preview
from campaigns.models import Campaign
from campaigns.services.content import (
    published_keys,
    question_create,
    question_duplicate,
    question_update,
)
from campaigns.services.drafts import StaleDraft

from .common import (
    item_fragment,
    posted_revision,
    refused,
    saved,
    stale_or_error,
    write_form,
)
from .items import ITEMS, QUESTIONS, in_step

QUESTION = "builder/editor/_question.html"


def _question(question_id: int):
    def pick(editor):
        return {"question": editor.find_question(question_id)}
    return pick


@require_POST
@campaign_view()
def question_add(request: HttpRequest, campaign: Campaign, step_id: int) -> HttpResponse:
    step = ITEMS["step"].find(campaign, step_id)
    form = AddQuestionForm(request.POST, step=step)
    return write_form(
        request, campaign, form=form, anchor=f"step-{step.key}", template=QUESTIONS,
        pick=in_step(step.pk),
        write=lambda revision: question_create(step=step, by=request.user, revision=revision,
                                                kind=form.cleaned_data["kind"],
                                                label=form.cleaned_data["label"]),
        opened=lambda question: f"question-{question.key}")


@campaign_view()
def question_view(request: HttpRequest, campaign: Campaign, question_id: int) -> HttpResponse:
    """GET: the question's fragment; POST: save it (its kind and settings included)."""
    question = ITEMS["question"].find(campaign, question_id)
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
                                               revision=revision, fields=form.saved_fields()),
        opened=lambda saved_question: f"question-{saved_question.key}")


@require_POST
@campaign_view()
def question_duplicate_view(request: HttpRequest, campaign: Campaign,
                            question_id: int) -> HttpResponse:
    question = ITEMS["question"].find(campaign, question_id)
    try:
        copy_ = question_duplicate(question=question, by=request.user,
                                   revision=posted_revision(request))
    except (StaleDraft, ValidationError) as error:
        return stale_or_error(request, campaign, error, anchor=f"question-{question.key}")
    opened = f"question-{copy_.key}"
    return saved(request, campaign, anchor=opened, template=QUESTIONS,
                 pick=in_step(question.step_id), opened=opened)
