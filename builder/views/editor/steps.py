"""Steps on the editor page: add, save, move, duplicate, delete."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from builder.access import campaign_view
from builder.editor.forms import AddStepForm, StepForm
from campaigns.models import Campaign
from campaigns.services.content import (
    published_keys,
    step_create,
    step_delete,
    step_duplicate,
    step_move,
    step_update,
    usages_of_step,
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

STEPS = "builder/editor/_steps.html"
HEAD = "builder/editor/_step_head.html"
CARD = "builder/editor/_step.html"


def _all_steps(editor):
    return {}


@require_POST
@campaign_view()
def step_add(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    form = AddStepForm(request.POST, campaign=campaign)
    return write_form(
        request, campaign, form=form, anchor="add-step", template=STEPS, pick=_all_steps,
        write=lambda revision: step_create(campaign=campaign, by=request.user,
                                            revision=revision, title=form.cleaned_data["title"]),
        opened=lambda step: f"step-{step.key}")


@campaign_view()
def step_view(request: HttpRequest, campaign: Campaign, step_id: int) -> HttpResponse:
    """GET: the step's head (to cancel a delete: the card); POST: save its texts and key."""
    step = get_object_or_404(campaign.steps, pk=step_id)
    anchor = f"step-{step.key}"

    def pick(editor):
        return {"step": editor.find_step(step.pk)}

    if request.method != "POST":
        return item_fragment(request, campaign, anchor=anchor, template=CARD, pick=pick)
    form = StepForm(request.POST, step=step, locked=step.key in published_keys(campaign).steps)
    if form.is_valid():
        data = form.cleaned_data
        try:
            step_update(step=step, by=request.user, revision=posted_revision(request),
                        title=data["title"], body=data["body"], button=data["button"],
                        key=step.key if form.fields["key"].disabled else data["key"])
        except StaleDraft as stale:
            return refused(request, campaign, form=form, anchor=anchor, template=HEAD,
                           pick=pick, stale=stale)
        except ValidationError as error:
            add_errors(form, error)
        else:
            if f"step-{step.key}" != anchor:  # a new key: the card's id changes with it
                return saved(request, campaign, anchor=f"step-{step.key}", template=CARD,
                             pick=pick, retarget=f"#{anchor}")
            return saved(request, campaign, anchor=anchor, template=HEAD, pick=pick)
    return refused(request, campaign, form=form, anchor=anchor, template=HEAD, pick=pick)


@require_POST
@campaign_view()
def step_move_view(request: HttpRequest, campaign: Campaign, step_id: int) -> HttpResponse:
    step = get_object_or_404(campaign.steps, pk=step_id)
    try:
        step_move(step=step, by=request.user, revision=posted_revision(request),
                  position=move_position(request, step.position))
    except StaleDraft as stale:
        return stale_or_error(request, campaign, stale, anchor=f"step-{step.key}")
    return saved(request, campaign, anchor=f"step-{step.key}", template=STEPS, pick=_all_steps)


@require_POST
@campaign_view()
def step_duplicate_view(request: HttpRequest, campaign: Campaign, step_id: int) -> HttpResponse:
    step = get_object_or_404(campaign.steps, pk=step_id)
    try:
        copy_ = step_duplicate(step=step, by=request.user, revision=posted_revision(request))
    except (StaleDraft, ValidationError) as error:
        return stale_or_error(request, campaign, error, anchor=f"step-{step.key}")
    return saved(request, campaign, anchor=f"step-{copy_.key}", template=STEPS,
                 pick=_all_steps, opened=f"step-{copy_.key}")


@require_POST
@campaign_view()
def step_delete_view(request: HttpRequest, campaign: Campaign, step_id: int) -> HttpResponse:
    step = get_object_or_404(campaign.steps, pk=step_id)
    name = f"step “{step.title or step.key}”"
    if not request.POST.get("confirm"):
        count = step.questions.count()
        return confirm_delete(
            request, campaign, what=name, usages=usages_of_step(step),
            details=f"It has {count} question{'s' if count != 1 else ''}; they are deleted "
                    "with it, and so are its rules.",
            action=request.path, cancel=request.path.removesuffix("delete/"),
            element_id=f"step-{step.key}", container="#steps")
    try:
        broken = step_delete(step=step, by=request.user, revision=posted_revision(request))
    except (StaleDraft, ValidationError) as error:
        return stale_or_error(request, campaign, error, anchor=f"step-{step.key}")
    report_broken(request, name, broken)
    return saved(request, campaign, anchor="steps", template=STEPS, pick=_all_steps)
