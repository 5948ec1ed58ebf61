"""The public runtime: one step at a time, with or without JavaScript, inside any iframe.

Every view answers the whole page to a plain request and just the stage to an HTMX one. A POST
from a plain form redirects (303) to the entry's URL; an HTMX POST renders the next step at once
and tells the browser the URL to show (HX-Push-Url).
"""

from collections.abc import Callable
from datetime import date
from functools import wraps
from urllib.parse import urlsplit

from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from campaigns import flow
from campaigns.campaign_settings import campaign_setting
from campaigns.flow import visitor_input
from campaigns.models import Campaign
from campaigns.theme import focus_ring
from campaigns.versions import definition_for
from config.site import site_url
from entries import contest_views, events, guards
from entries.entry_state import entry_answers, state_from_json
from entries.models import DailyViews, Entry, EntryStatus
from entries.rendering import image_url, plain, rich
from entries.services import contests, fraud, people
from entries.services.entry_store import entry_for_runtime
from entries.services.runtime import (
    CampaignClosed,
    StepRefused,
    answer_submit,
    campaign_open_check,
    entry_back,
    entry_start,
)
from entries.sharing import PageMeta, page_meta, plain_text, share_context, share_text

SOURCE_PARAMS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "ref")
MAX_PARAM_LENGTH = 255


def _live_campaign(request: HttpRequest, slug: str) -> tuple[Campaign, HttpResponse | None]:
    """The campaign, or the page to show instead when it is not open for entries."""
    campaign = get_object_or_404(Campaign.objects.select_related("published_version"), slug=slug,
                                 published_version__isnull=False)
    request.campaign = campaign
    reason = campaign.closed_reason()
    return campaign, closed_page(request, campaign, reason) if reason else None


def closed_page(request: HttpRequest, campaign: Campaign, reason: str) -> HttpResponse:
    """What a visitor sees instead of a closed campaign: the same page wherever they are."""
    status = 404 if reason == "unavailable" else 200
    return _message(request, campaign, CLOSED_MESSAGES[reason], status=status,
                    starts_at=campaign.starts_at)


def entry_view(*, closed: Callable[[HttpRequest, Campaign, str], HttpResponse] = closed_page,
               missing: Callable[[], HttpResponse] | None = None):
    """Every runtime view of one entry (its page and steps, its events, "Continue later"):
    the entry is read by its token and passed to the view, and while the campaign takes no
    entries nothing gets through to write — a POST, or a visit to an unfinished entry, gets
    `closed` (by default the landing's page) instead. A completed entry's result stays
    readable. A service that finds the campaign closed meanwhile (CampaignClosed) gets the
    same answer.
    """

    def decorate(view):
        @wraps(view)
        def wrapped(request: HttpRequest, slug: str, token: str) -> HttpResponse:
            entry = entry_for_runtime(slug=slug, token=token)
            if entry is None:
                if missing is not None:
                    return missing()
                raise Http404("No such entry")
            request.campaign = entry.campaign
            try:
                if request.method == "POST" or entry.is_open:
                    campaign_open_check(entry.campaign)
                return view(request, entry)
            except CampaignClosed as refused:
                return closed(request, entry.campaign, refused.reason)

        return wrapped

    return decorate


def _page_context(campaign: Campaign, definition: flow.Definition | None = None,
                  **extra) -> dict:
    """`definition` defaults to the live version's; the builder's preview passes the draft's."""
    definition = definition or definition_for(campaign.published_version_id)
    return {"campaign": campaign, "definition": definition, "theme": definition.theme,
            "logo": image_url(definition.theme.logo), "avatar": image_url(definition.theme.avatar),
            "age_gate": contests.min_age(campaign),
            "meta": page_meta(campaign.slug, definition),
            "focus_ring": focus_ring(primary=definition.theme.primary,
                                     background=definition.theme.background,
                                     text=definition.theme.text),
            **extra}


def _source(request: HttpRequest, definition: flow.Definition) -> dict:
    """UTM parameters, hidden fields and the page the visitor came from.

    Raises Unstorable when one holds what the database can't (a NUL from a doctored link).
    """
    params = request.GET
    hidden = [q.key for q in definition.questions_by_key.values() if q.kind == "hidden"]
    source = {key: visitor_input.check_text(params[key], f"The link's {key} parameter")
              [:MAX_PARAM_LENGTH] for key in (*SOURCE_PARAMS, *hidden) if params.get(key)}
    # The landing page's own Referer, carried by the start form. The start POST's Referer is
    # always our page, and a page of this site brought nobody: both leave the entry Direct.
    referrer = request.POST.get("referrer", "")
    if referrer and urlsplit(referrer).netloc.lower() != request.get_host().lower():
        source["referrer"] = visitor_input.check_text(referrer,
                                                      "The referring page's address")[:500]
    return source


def _stage_response(request: HttpRequest, entry: Entry, context: dict) -> HttpResponse:
    template = "entries/_stage.html" if request.htmx else "entries/page.html"
    response = render(request, template, context)
    if request.htmx:
        response["HX-Push-Url"] = _entry_url(entry)
    return response


def _see_other(url: str) -> HttpResponseRedirect:
    """303 after a POST: the browser fetches the next page with GET, so Reload never resubmits."""
    return HttpResponseRedirect(url, status=303)


def _entry_url(entry: Entry) -> str:
    return reverse("entries:entry", args=[entry.campaign.slug, entry.token])


def _step_context(entry: Entry, step_key: str, *, values=None, errors=None,
                  notice: str = "", definition: flow.Definition | None = None,
                  answers: dict | None = None) -> dict:
    campaign = entry.campaign
    definition = definition or definition_for(entry.version_id)
    if answers is None:
        answers = entry_answers(entry) if entry.pk else {}
    step = definition.steps_by_key[step_key]
    recall = flow.recall_context(definition, answers, state_from_json(entry.state), None)
    shown = values if values is not None else {k: _as_form_values(v) for k, v in answers.items()}
    errors = errors or {}
    questions = [
        {
            "q": q,
            "label": plain(q.label, recall),
            "help": plain(q.help, recall),
            "values": [str(v) for v in shown.get(q.key, [])],
            "error": errors.get(q.key, ""),
            "choices": [{"c": c, "image": image_url(c.image)} for c in q.choices],
            "template": f"entries/questions/{q.kind}.html",
        }
        for q in step.questions if q.kind != "hidden"
    ]
    progress = flow.progress(definition, step_key)
    return {
        **_page_context(campaign, definition),
        "entry": entry,
        "step": step,
        "title": plain(step.title, recall),
        "body": rich(step.body, recall),
        "questions": questions,
        "errors": errors,
        "notice": notice,
        "form_url": _entry_url(entry) if entry.pk else "",
        "can_go_back": definition.settings.allow_back and bool(entry.trail),
        "progress": progress,
        "progress_percent": round(100 * (progress.position - 1) / progress.total),
        "button": step.button or ("Submit" if _is_last(definition, step_key) else "Next"),
    }


def _is_last(definition: flow.Definition, step_key: str) -> bool:
    return definition.step_positions[step_key] == len(definition.steps) - 1


def _as_form_values(value) -> list[str]:
    """A stored answer as the strings its form field shows."""
    if value is None:
        return []
    if isinstance(value, bool):
        return ["yes" if value else "no"]
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, dict):
        return []
    return [str(value)]


def _outcome_context(entry: Entry, *, definition: flow.Definition | None = None,
                     answers: dict | None = None) -> dict:
    definition = definition or definition_for(entry.version_id)
    outcome = definition.outcomes_by_key.get(entry.outcome)
    answers = entry_answers(entry) if answers is None else answers
    recall = flow.recall_context(definition, answers, state_from_json(entry.state), outcome)
    page = _page_context(entry.campaign, definition)
    title = plain(outcome.title, recall) if outcome else "Thank you!"
    body = rich(outcome.body, recall) if outcome else ""
    image = image_url(outcome.image) if outcome else ""
    landing = page["meta"]
    return {
        **page,
        "meta": PageMeta(title=title, description=plain_text(body) or landing.description,
                         url=landing.url, image=site_url(image) or landing.image),
        "share": share_context(slug=entry.campaign.slug, referral_code=entry.referral_code,
                               text=share_text(definition, title)),
        "entry": entry,
        "outcome": outcome,
        "title": title,
        "body": body,
        "image": image,
        **contest_views.result_context(entry),
        # An outcome's own link wins over the campaign's "after completion" address.
        "continue_url": (outcome and outcome.redirect_url)
        or campaign_setting(entry.campaign, "redirect_url"),
    }


@guards.runtime_view
@require_http_methods(["GET", "HEAD", "POST"])
def landing(request: HttpRequest, slug: str) -> HttpResponse:
    campaign, closed = _live_campaign(request, slug)
    if closed:
        return closed
    definition = definition_for(campaign.published_version_id)
    try:
        source = _source(request, definition)
    except visitor_input.Unstorable as refused:
        return _refusal(request, campaign, f"{refused.message} Check the link you were given.",
                        400)
    if request.method == "POST":
        try:
            return _start(request, campaign, definition, source)
        except CampaignClosed as refused:  # its end date passed a moment ago
            return closed_page(request, campaign, refused.reason)
    _count_view(campaign)
    return _landing_page(request, campaign, definition)


def _landing_page(request: HttpRequest, campaign: Campaign, definition: flow.Definition,
                  **extra) -> HttpResponse:
    context = {**_page_context(campaign), "start_url": request.get_full_path(),
               "referrer": request.headers.get("Referer", ""), **extra}
    # A start form sent back (the age gate's error) is re-rendered in place for HTMX.
    template = "entries/_stage.html" if request.htmx else "entries/page.html"
    if definition.intro is None:
        # No intro: the first step shows at once; the entry is created when it is submitted.
        preview = Entry(campaign=campaign, version_id=campaign.published_version_id,
                        current_step=flow.first_step(definition))
        typed = {k: request.POST.getlist(k) for k in request.POST} if extra else None
        return render(request, template,
                      {**_step_context(preview, preview.current_step, values=typed), **context,
                       "form_url": context["start_url"]})
    intro = definition.intro
    context.update(intro=intro, title=intro.title, body=rich(intro.body, {}),
                   image=image_url(intro.image or definition.theme.cover))
    return render(request, template, context)


def _count_view(campaign: Campaign) -> None:
    today = date.today()
    updated = DailyViews.objects.filter(version_id=campaign.published_version_id,
                                        day=today).update(views=F("views") + 1)
    if not updated:
        DailyViews.objects.get_or_create(
            campaign=campaign, version_id=campaign.published_version_id, day=today,
            defaults={"views": 1},
        )


CLOSED_MESSAGES = {
    "unavailable": ("This form isn't available", "It may have been unpublished. Check the link "
                    "you were given."),
    "paused": ("Taking a short break", "This form is paused for now. Please come back later."),
    "ended": ("This has ended", "Thanks for your interest — entries are closed."),
    "not_started": ("Not open yet", "This form opens soon."),
}


def _message(request: HttpRequest, campaign: Campaign, message: tuple[str, str], *,
             status: int, **extra) -> HttpResponse:
    """A page (or, for HTMX, a stage) that only says something: closed, refused, too fast.

    HTMX 2 does not swap error responses, so an HTMX request gets the message with status 200.
    """
    title, text = message
    template = "entries/_message.html" if request.htmx else "entries/message.html"
    context = {**_page_context(campaign), "title": title, "message": text, **extra}
    return render(request, template, context, status=200 if request.htmx else status)


def _refusal(request: HttpRequest, campaign: Campaign, message: str, status: int) -> HttpResponse:
    return _message(request, campaign, ("We couldn't take that", message), status=status)


def _start(request: HttpRequest, campaign: Campaign, definition: flow.Definition,
           source: dict) -> HttpResponse:
    if not guards.origin_allowed(request, campaign):
        return _refusal(request, campaign, "This form can't be sent from that site.", 403)
    if guards.rate_limited(request, "start"):
        return _refusal(request, campaign, "Too many attempts from your network. "
                        "Please wait a minute and try again.", 429)
    if request.POST.get(guards.HONEYPOT_FIELD):
        # Only bots fill the invisible field; tell them nothing and save nothing.
        return _message(request, campaign, ("Thank you!", "We've got it."), status=200)
    age = contests.age_check(campaign, request.POST)
    if age.refused:
        return _message(request, campaign, contest_views.TOO_YOUNG, status=200)
    if age.error:
        return _landing_page(request, campaign, definition, age_error=age.error,
                             age_values=request.POST)
    referred_by = Entry.objects.filter(campaign=campaign,
                                       referral_code=source.get("ref", "")).first()
    entry = entry_start(campaign=campaign, source=source,
                        ip_hash=guards.ip_hash(request), referred_by=referred_by,
                        consent={"age": age.record} if age.record else None)
    if request.POST.get("step"):
        return _submit(request, entry)
    if request.htmx:
        return _stage_response(request, entry, _step_context(entry, entry.current_step))
    return _see_other(_entry_url(entry))


@guards.runtime_view
@require_http_methods(["GET", "HEAD", "POST"])
@entry_view()
def entry(request: HttpRequest, entry: Entry) -> HttpResponse:
    if request.method == "POST":
        if not guards.origin_allowed(request, entry.campaign):
            return _refusal(request, entry.campaign, "This form can't be sent from that site.",
                            403)
        if guards.rate_limited(request, "submit"):
            return _refusal(request, entry.campaign, "Too many attempts from your network. "
                            "Please wait a minute and try again.", 429)
        return _submit(request, entry)
    if entry.status == EntryStatus.COMPLETED:
        return render(request, "entries/page.html", _outcome_context(entry))
    if entry.status == EntryStatus.DISQUALIFIED:
        return _message(request, entry.campaign, ("This entry is closed",
                        "It is no longer active. Contact the organiser if you think that's "
                        "a mistake."), status=410)
    events.record(events.step_viewed(entry, entry.current_step))
    return render(request, "entries/page.html", _step_context(entry, entry.current_step))


def _submit(request: HttpRequest, entry: Entry) -> HttpResponse:
    if request.POST.get("action") == "back":
        entry = entry_back(entry=entry)
        return _after_change(request, entry)
    raw = {key: request.POST.getlist(key) for key in request.POST}
    if entry.pk and request.POST.get(guards.HONEYPOT_FIELD):
        fraud.honeypot_tripped(entry=entry)
    try:
        result = answer_submit(entry=entry, step_key=request.POST.get("step", ""), raw=raw,
                               uploads=dict(request.FILES.items()))
    except people.AlreadyEntered as already:
        return _already_in(request, entry.campaign, already)
    except StepRefused as refused:
        if entry.status == EntryStatus.COMPLETED:
            return _after_change(request, entry)
        context = _step_context(entry, entry.current_step, notice=refused.message)
        return _stage_response(request, entry, context) if request.htmx else render(
            request, "entries/page.html", context, status=409)
    if not result.ok:
        context = _step_context(entry, request.POST["step"], values=result.values,
                                errors=result.errors)
        return _stage_response(request, entry, context)
    return _after_change(request, result.entry)


def _already_in(request: HttpRequest, campaign: Campaign,
                already: people.AlreadyEntered) -> HttpResponse:
    """One entry per person: say so kindly, show nothing personal, send no second email."""
    template = "entries/_already_in.html" if request.htmx else "entries/already_in.html"
    page = _page_context(campaign)
    context = {**page, **people.already_in_context(already, campaign)}
    if context["referral_code"]:
        context["share"] = share_context(slug=campaign.slug, referral_code=context["referral_code"],
                                         text=page["definition"].name)
    return render(request, template, context)


def _after_change(request: HttpRequest, entry: Entry) -> HttpResponse:
    if not request.htmx:
        return _see_other(_entry_url(entry))
    if entry.status == EntryStatus.COMPLETED:
        return _stage_response(request, entry, _outcome_context(entry))
    return _stage_response(request, entry, _step_context(entry, entry.current_step))


def _events_closed(request: HttpRequest, campaign: Campaign, reason: str) -> HttpResponse:
    # Interactions after the close are not recorded; the page itself says it is closed.
    return JsonResponse({"error": f"entries are closed ({reason}); nothing was recorded"},
                        status=409)


@guards.runtime_view
@require_POST
@entry_view(closed=_events_closed,
            missing=lambda: JsonResponse({"error": "unknown entry"}, status=404))
def entry_events(request: HttpRequest, entry: Entry) -> HttpResponse:
    """Micro-interaction batches from navigator.sendBeacon: validated whole, one INSERT."""
    if not guards.origin_allowed(request, entry.campaign) or guards.rate_limited(request,
                                                                                 "events"):
        return JsonResponse({"error": "refused"}, status=403)
    try:
        rows = events.client_batch(entry, definition_for(entry.version_id), request.body)
    except events.BatchRefused as error:
        return JsonResponse({"error": str(error)}, status=400)
    events.record(*rows)
    return HttpResponse(status=204)
