"""The public runtime: one step at a time, with or without JavaScript, inside any iframe.

Every view answers the whole page to a plain request and just the stage to an HTMX one. A POST
from a plain form redirects (303) to the entry's URL; an HTMX POST renders the next step at once
and tells the browser the URL to show (HX-Push-Url).
"""

from datetime import date
from urllib.parse import urlsplit

from django.db.models import F
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import push_url

from campaigns import flow
from campaigns.flow import visitor_input
from campaigns.models import Campaign
from campaigns.versions import definition_for
from entries import contest_views, events, guards, languages, modes
from entries.i18n import translated
from entries.models import DailyViews, Entry, EntryStatus
from entries.pages import (
    entry_url,
    intro_context,
    message,
    outcome_context,
    page_context,
    refusal_page,
    step_context,
    step_page,
)
from entries.services import contests, fraud, people
from entries.services.runtime import (
    StepRefused,
    answer_submit,
    entry_back,
    entry_start,
    part_check,
)
from entries.sharing import share_context

SOURCE_PARAMS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "ref")
MAX_PARAM_LENGTH = 255


def _source(request: HttpRequest, definition: flow.Definition) -> dict:
    """UTM parameters, hidden fields and the page the visitor came from.

    Raises Unstorable when one holds what the database can't (a NUL from a doctored link).
    """
    params = request.GET
    hidden = [q.key for q in definition.questions_by_key.values() if q.kind == "hidden"]
    source = {key: visitor_input.check_text(
        params[key], gettext("The link's {key} parameter").format(key=key))[:MAX_PARAM_LENGTH]
        for key in (*SOURCE_PARAMS, *hidden) if params.get(key)}
    # The landing page's own Referer, carried by the start form. The start POST's Referer is
    # always our page, and a page of this site brought nobody: both leave the entry Direct.
    referrer = request.POST.get("referrer", "")
    if referrer and urlsplit(referrer).netloc.lower() != request.get_host().lower():
        source["referrer"] = visitor_input.check_text(
            referrer, gettext("The referring page's address"))[:500]
    return source


def _stage_response(request: HttpRequest, entry: Entry, context: dict) -> HttpResponse:
    if request.htmx:
        return push_url(render(request, "entries/_stage.html", context), entry_url(entry))
    return render(request, "entries/page.html", context)


def _see_other(url: str) -> HttpResponseRedirect:
    """303 after a POST: the browser fetches the next page with GET, so Reload never resubmits."""
    return HttpResponseRedirect(url, status=303)


@guards.runtime_view
@require_http_methods(["GET", "HEAD", "POST"])
@languages.keeps_language
@guards.campaign_guarded("start")
def landing(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    definition = languages.visitor(request, definition_for(campaign.published_version_id))
    try:
        source = _source(request, definition)
    except visitor_input.Unstorable as refused:
        return refusal_page(request, campaign,
                            gettext("{reason} Check the link you were given.").format(
                                reason=translated(refused.text)), 400)
    if request.method == "POST":
        return _landing_post(request, campaign, definition, source)
    _count_view(campaign)
    return _landing_page(request, campaign, definition)


def _landing_page(request: HttpRequest, campaign: Campaign, definition: flow.Definition,
                  *, stepped: dict | None = None, **extra) -> HttpResponse:
    """`stepped`: the page of a focus or chat first step to show (see `_stepped_part`)."""
    start_url = request.get_full_path()
    added = {"referrer": request.headers.get("Referer", ""), **extra}
    # A start form sent back (the age gate's error) is re-rendered in place for HTMX.
    template = "entries/_stage.html" if request.htmx else "entries/page.html"
    if definition.intro is None:
        # No intro: the first step shows at once; the entry is created when it is submitted.
        preview = Entry(campaign=campaign, version_id=campaign.published_version_id,
                        current_step=flow.first_step(definition))
        if stepped is None:
            typed = {k: request.POST.getlist(k) for k in request.POST} if extra else None
            # The age gate's error shows on the step's last page, where the age gate is.
            last = len(modes.step_parts(definition,
                                        definition.steps_by_key[preview.current_step])) - 1
            stepped = {"step_key": preview.current_step, "values": typed,
                       "part": _plain_part(request, last if extra else 0)}
        part = stepped.pop("part")
        context = step_page(step_context(preview, stepped.pop("step_key"), **stepped,
                                         definition=definition, live=True), part)
        return render(request, template, {**context, **added, "start_url": start_url,
                                          "form_url": start_url})
    context = intro_context(campaign, definition, start_url=start_url)
    return render(request, template, {**context, **added})


def _count_view(campaign: Campaign) -> None:
    today = date.today()
    updated = DailyViews.objects.filter(version_id=campaign.published_version_id,
                                        day=today).update(views=F("views") + 1)
    if not updated:
        DailyViews.objects.get_or_create(
            campaign=campaign, version_id=campaign.published_version_id, day=today,
            defaults={"views": 1},
        )


def _landing_post(request: HttpRequest, campaign: Campaign, definition: flow.Definition,
                  source: dict) -> HttpResponse:
    if definition.intro is None:
        # A focus or chat first step's earlier pages: nothing is created until its last.
        preview = Entry(campaign=campaign, version_id=campaign.published_version_id,
                        current_step=flow.first_step(definition))
        stepped = _stepped_part(request, preview)
        if stepped is not None:
            return _landing_page(request, campaign, definition, stepped=stepped,
                                 referrer=request.POST.get("referrer", ""))
    return _start(request, campaign, definition, source)


def _start(request: HttpRequest, campaign: Campaign, definition: flow.Definition,
           source: dict) -> HttpResponse:
    if request.POST.get(guards.HONEYPOT_FIELD):
        # Only bots fill the invisible field; tell them nothing and save nothing.
        return message(request, campaign, (gettext("Thank you!"), gettext("We've got it.")),
                       status=200)
    age = contests.age_check(campaign, request.POST)
    if age.refused:
        return message(request, campaign, contest_views.TOO_YOUNG, status=200)
    if age.error:
        return _landing_page(request, campaign, definition, age_error=age.error,
                             age_values=request.POST)
    referred_by = Entry.objects.filter(campaign=campaign,
                                       referral_code=source.get("ref", "")).first()
    entry = entry_start(campaign=campaign, source=source,
                        ip_hash=guards.ip_hash(request), referred_by=referred_by,
                        consent={"age": age.record} if age.record else None,
                        language=definition.language)
    if request.POST.get("step"):
        return _step_submit(request, entry)
    if request.htmx:
        return _stage_response(request, entry, step_context(entry, entry.current_step))
    return _see_other(entry_url(entry))


@guards.runtime_view
@require_http_methods(["GET", "HEAD", "POST"])
@guards.entry_guarded("submit")
def entry(request: HttpRequest, entry: Entry) -> HttpResponse:
    if request.method == "POST":
        return _submit(request, entry)
    if entry.status == EntryStatus.COMPLETED:
        return render(request, "entries/page.html", outcome_context(entry))
    if entry.status == EntryStatus.DISQUALIFIED:
        return message(request, entry.campaign, (gettext("This entry is closed"),
                       gettext("It is no longer active. Contact the organiser if you think "
                               "that's a mistake.")), status=410)
    events.record(events.step_viewed(entry, entry.current_step))
    return render(request, "entries/page.html",
                  step_page(step_context(entry, entry.current_step), _plain_part(request, 0)))


def _plain_part(request: HttpRequest, part: int) -> int | None:
    """Which page of a focus or chat step a plain request shows. HTMX requests get the whole
    step, which runtime/modes.js shows one question at a time (and it takes any page too)."""
    return None if request.htmx else part


def _stepped_part(request: HttpRequest, entry: Entry) -> dict | None:
    """A post from one page of a focus or chat step taken one question per page (it carries
    `part`): the `step_context` arguments of the page to show next, or None when the post ends
    the step's pages (Next on the last, Back on the first) and goes through the normal submit."""
    step_key = request.POST.get("step", "")
    if ("part" not in request.POST or not entry.is_open
            or step_key not in [*entry.trail, entry.current_step]):
        return None  # the normal submit says what is wrong with it
    definition = definition_for(entry.version_id)
    parts = modes.step_parts(definition, definition.steps_by_key[step_key])
    raw = {key: request.POST.getlist(key) for key in request.POST}
    try:
        part = modes.posted_part(request.POST["part"], parts)
    except modes.PartRefused as refused:
        return {"step_key": step_key, "values": raw, "part": _plain_part(request, 0),
                "notice": str(refused)}
    back = request.POST.get("action") == "back"
    if part == (0 if back else len(parts) - 1):
        return None
    if back:
        return {"step_key": step_key, "values": raw, "part": part - 1}
    errors = part_check(entry=entry, step_key=step_key, raw=raw, part=part)
    shown = modes.part_with(parts, errors) if errors else part + 1
    return {"step_key": step_key, "values": raw, "errors": errors,
            "part": _plain_part(request, shown)}


def _submit(request: HttpRequest, entry: Entry) -> HttpResponse:
    stepped = _stepped_part(request, entry)
    if stepped is None:
        return _step_submit(request, entry)
    part = stepped.pop("part")
    return _stage_response(request, entry, step_page(
        step_context(entry, stepped.pop("step_key"), **stepped), part))


def _step_submit(request: HttpRequest, entry: Entry) -> HttpResponse:
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
        context = step_page(step_context(entry, entry.current_step, notice=refused.message),
                            _plain_part(request, 0))
        return _stage_response(request, entry, context) if request.htmx else render(
            request, "entries/page.html", context, status=409)
    if not result.ok:
        step_key = request.POST["step"]
        definition = definition_for(entry.version_id)
        parts = modes.step_parts(definition, definition.steps_by_key[step_key])
        # Without JavaScript, the page of the first question refused.
        context = step_page(step_context(entry, step_key, values=result.values,
                                         errors=result.errors),
                            _plain_part(request, modes.part_with(parts, result.errors)))
        return _stage_response(request, entry, context)
    return _after_change(request, result.entry)


def _already_in(request: HttpRequest, campaign: Campaign,
                already: people.AlreadyEntered) -> HttpResponse:
    """One entry per person: say so kindly, show nothing personal, send no second email."""
    template = "entries/_already_in.html" if request.htmx else "entries/already_in.html"
    context = page_context(campaign, **people.already_in_context(already, campaign))
    if context["referral_code"]:
        context["share"] = share_context(slug=campaign.slug, referral_code=context["referral_code"],
                                         text=context["definition"].name)
    return render(request, template, context)


def _after_change(request: HttpRequest, entry: Entry) -> HttpResponse:
    if not request.htmx:
        return _see_other(entry_url(entry))
    if entry.status == EntryStatus.COMPLETED:
        return _stage_response(request, entry, outcome_context(entry))
    return _stage_response(request, entry, step_context(entry, entry.current_step))


def _events_closed(request: HttpRequest, campaign: Campaign, reason: str) -> HttpResponse:
    # Interactions after the close are not recorded; the page itself says it is closed.
    return JsonResponse({"error": f"entries are closed ({reason}); nothing was recorded"},
                        status=409)


def _events_refused(request: HttpRequest, campaign: Campaign,
                    refused: guards.WriteRefused) -> HttpResponse:
    return JsonResponse({"error": refused.message}, status=refused.status)


EVENT_ANSWERS = guards.Answers(
    closed=_events_closed, refused=_events_refused,
    missing=lambda: JsonResponse({"error": "unknown entry"}, status=404))


@guards.runtime_view
@require_POST
@guards.entry_guarded("events", EVENT_ANSWERS)
def entry_events(request: HttpRequest, entry: Entry) -> HttpResponse:
    """Micro-interaction batches from navigator.sendBeacon: validated whole, one INSERT."""
    try:
        rows = events.client_batch(entry, definition_for(entry.version_id), request.body)
    except events.BatchRefused as error:
        return JsonResponse({"error": str(error)}, status=400)
    events.record(*rows)
    return HttpResponse(status=204)
