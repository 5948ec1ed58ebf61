"""Steps on the editor page: add, save, duplicate (move and delete: items.py)."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from builder.access import campaign_view
from builder.editor.forms import AddStepForm, StepForm
from campaigns.models import Campaign
from campaigns.services.content import (
    published_keys,
    step_create,
    step_duplicate,
    step_update,
)
from campaigns.services.drafts import StaleDraft

from .common import (
    add_errors,
    item_fragment,
    posted_revision,
    refused,
    saved,
    stale_or_error,
    write_form,
)
from .items import ITEMS, STEPS, whole_list

HEAD = "builder/editor/_step_head.html"
CARD = "builder/editor/_step.html"


@require_POST
@campaign_view()
def step_add(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    form = AddStepForm(request.POST, campaign=campaign)
    return write_form(
        request, campaign, form=form, anchor="add-step", template=STEPS, pick=whole_list,
        write=lambda revision: step_create(campaign=campaign, by=request.user,
                                            revision=revision, title=form.cleaned_data["title"]),
        opened=lambda step: f"step-{step.key}")


@campaign_view()
def step_view(request: HttpRequest, campaign: Campaign, step_id: int) -> HttpResponse:
    """GET: the step's head (to cancel a delete: the card); POST: save its texts and key."""
    step = ITEMS["step"].find(campaign, step_id)
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
def step_duplicate_view(request: HttpRequest, campaign: Campaign, step_id: int) -> HttpResponse:
    step = ITEMS["step"].find(campaign, step_id)
    try:
        copy_ = step_duplicate(step=step, by=request.user, revision=posted_revision(request))
    except (StaleDraft, ValidationError) as error:
        return stale_or_error(request, campaign, error, anchor=f"step-{step.key}")
    return saved(request, campaign, anchor=f"step-{copy_.key}", template=STEPS,
                 pick=whole_list, opened=f"step-{copy_.key}")
