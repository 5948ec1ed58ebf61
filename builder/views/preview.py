"""Preview: the draft exactly as a visitor sees it, in a frame at phone or desktop width; and a
gallery template the same way, before a campaign is made from it.

The frame renders the runtime's own templates and helpers on the draft's definition; its state
travels signed in a hidden field (builder.logic.preview), so no Entry, Answer or Interaction is
ever written and the campaign needs no published version.
"""

import copy

from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods

from builder.access import campaign_view, workspace_view
from builder.logic import preview
from campaigns import flow
from campaigns.blueprints import gallery_template
from campaigns.documents import draft_document
from campaigns.models import Campaign, Role
from entries import pages
from entries.views import MAX_PARAM_LENGTH

WIDTHS = {"phone": 375, "desktop": 1024}
RESTARTED = "This preview could not be continued, so it started again from the beginning."
DRAFT_CHANGED = "The draft changed while you were previewing, so the preview started again."


@require_GET
@campaign_view()
def campaign_preview(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    width = request.GET.get("width") if request.GET.get("width") in WIDTHS else "phone"
    document = draft_document(campaign)
    try:
        flow.load(document)
    except flow.BlueprintError as error:
        blocked = [problem.message for problem in error.problems[:10]]
    else:
        blocked = []
    params = request.GET.copy()
    params.pop("width", None)
    frame_url = reverse("builder:campaign_preview_frame", args=[campaign.pk])
    return render(request, "builder/preview.html", {
        "campaign": campaign, "width": width, "widths": WIDTHS, "blocked": blocked,
        "frame_url": f"{frame_url}?{params.urlencode()}" if params else frame_url,
    })


@xframe_options_sameorigin
@require_http_methods(["GET", "HEAD", "POST"])
@campaign_view(write=Role.VIEWER)  # answering the preview's steps saves nothing
def campaign_preview_frame(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    try:
        definition = flow.load(draft_document(campaign))
    except flow.BlueprintError:
        response = render(request, "builder/preview_blocked.html", {"campaign": campaign})
    else:
        response = _frame(request, campaign, definition)
    # The builder forbids framing; its own preview page may frame this one.
    response.headers["Content-Security-Policy"] = "frame-ancestors 'self'"
    response.headers["Cache-Control"] = "no-store"
    return response


@xframe_options_sameorigin
@require_http_methods(["GET", "HEAD", "POST"])
@workspace_view()
def template_preview(request: HttpRequest, template: str) -> HttpResponse:
    """A gallery template walked as a visitor would, before any campaign is made from it."""
    chosen = gallery_template(template)
    if chosen is None:
        raise Http404("No such template.")
    # Unsaved: the campaign this template would become, for the runtime's templates.
    campaign = Campaign(workspace=request.membership.workspace, name=chosen.name,
                        slug=chosen.slug, kind=chosen.document["kind"])
    response = _frame(request, campaign, flow.load(copy.deepcopy(chosen.document)))
    response.headers["Content-Security-Policy"] = "frame-ancestors 'self'"
    response.headers["Cache-Control"] = "no-store"
    return response


def _frame(request: HttpRequest, campaign: Campaign, definition: flow.Definition):
    # One of its languages, as a visitor's `?lang=` would choose (the switcher's links).
    definition = flow.in_language(definition, request.GET.get("lang", ""))
    if request.method == "POST":
        return _frame_post(request, campaign, definition)
    state = preview.PreviewState(source=_source(request, definition))
    if definition.intro is None:
        state = preview.start(definition, state.source)
    return _render(request, campaign, definition, state)


def _frame_post(request: HttpRequest, campaign: Campaign, definition: flow.Definition):
    try:
        state = preview.unpack(campaign, request.POST.get(preview.FIELD, ""))
    except preview.PreviewRefused:
        state = preview.start(definition, {})
        return _render(request, campaign, definition, state, notice=RESTARTED, status=400)
    if not preview.fits(definition, state):
        return _render(request, campaign, definition, preview.start(definition, state.source),
                       notice=DRAFT_CHANGED)
    if not state.step and not state.finished:
        state = preview.start(definition, state.source)
        if not request.POST.get("step"):  # the intro's Start button
            return _render(request, campaign, definition, state)
    if request.POST.get("action") == "back":
        return _render(request, campaign, definition, preview.back(definition, state))
    raw = {key: request.POST.getlist(key) for key in request.POST}
    result = preview.submit(campaign, definition, state, request.POST.get("step", ""), raw,
                            dict(request.FILES.items()))
    if result.errors:
        return _render(request, campaign, definition, result.state, refused=result)
    return _render(request, campaign, definition, result.state, notice=result.notice)


def _source(request: HttpRequest, definition: flow.Definition) -> dict[str, str]:
    """Hidden fields take their value from the preview's URL, as they do from the live link."""
    hidden = [q.key for q in definition.questions_by_key.values() if q.kind == "hidden"]
    return {key: request.GET[key][:MAX_PARAM_LENGTH] for key in hidden
            if request.GET.get(key)}


def _render(request: HttpRequest, campaign: Campaign, definition: flow.Definition,
            state: preview.PreviewState, *, notice: str = "", status: int = 200,
            refused: preview.Submitted | None = None) -> HttpResponse:
    """The frame at `state`; `refused`, a submit whose answers were refused, shows its step
    again with what was typed and why."""
    entry = preview.stand_in(campaign, definition, state)
    url = request.get_full_path()  # keeps `?lang=`
    if state.finished:
        context = pages.outcome_context(entry, definition=definition, answers=state.answers)
    elif state.step:
        typed = {"values": refused.values, "errors": refused.errors} if refused else {}
        step_key = request.POST["step"] if refused else state.step
        context = pages.step_context(entry, step_key, notice=notice, definition=definition,
                                     answers=state.answers, **typed)
        context["form_url"] = url
    else:
        context = pages.intro_context(campaign, definition, start_url=url, live=False)
    context["preview_fields"] = [("csrfmiddlewaretoken", get_token(request)),
                                 (preview.FIELD, preview.pack(campaign, state))]
    template = "entries/_stage.html" if request.htmx else "entries/page.html"
    return render(request, template, context, status=200 if request.htmx else status)
