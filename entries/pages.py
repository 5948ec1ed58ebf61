"""The runtime's page, built once.

`page_context` is what every runtime page shows (the campaign's theme and logo, its focus ring,
link preview and age gate); the landing's intro, a step and an outcome each add only their own
part to it. The public views and the builder's preview (on the draft's definition) both build
their pages here, and so do the pages that only say something (closed, refused, too fast).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext, gettext_lazy

from campaigns import flow
from campaigns.campaign_settings import campaign_setting
from campaigns.models import Campaign
from campaigns.theme import focus_ring
from campaigns.versions import definition_for
from entries import fragments, languages, modes
from entries.entry_state import entry_answers, state_from_json
from entries.models import Entry, EntryStatus
from entries.rendering import image_url, plain, rich
from entries.services import contests
from entries.sharing import page_meta, plain_text, result_meta, share_context, share_text

CLOSED_MESSAGES = {
    "unavailable": (gettext_lazy("This form isn't available"),
                    gettext_lazy("It may have been unpublished. Check the link you were given.")),
    "paused": (gettext_lazy("Taking a short break"),
               gettext_lazy("This form is paused for now. Please come back later.")),
    "ended": (gettext_lazy("This has ended"),
              gettext_lazy("Thanks for your interest — entries are closed.")),
    "not_started": (gettext_lazy("Not open yet"), gettext_lazy("This form opens soon.")),
}


def entry_url(entry: Entry) -> str:
    return reverse("entries:entry", args=[entry.campaign.slug, entry.token])


def page_context(campaign: Campaign, definition: flow.Definition | None = None, *,
                 live: bool | None = None, **extra) -> dict:
    """`definition` defaults to the live version's; the builder's preview passes the draft's.
    `live` (by default: no definition passed) says the page is the published version's, so its
    link preview names that version's share image."""
    live = definition is None if live is None else live
    version_id = campaign.published_version_id if live else None
    definition = definition or languages.localised(definition_for(campaign.published_version_id))
    return {"campaign": campaign, "definition": definition, "theme": definition.theme,
            "logo": image_url(definition.theme.logo), "avatar": image_url(definition.theme.avatar),
            "age_gate": contests.min_age(campaign),
            # Only a whole page shows it; a stage swapped in by HTMX never builds it.
            "meta": SimpleLazyObject(
                lambda: page_meta(campaign.slug, definition, version_id=version_id)),
            "focus_ring": focus_ring(primary=definition.theme.primary,
                                     background=definition.theme.background,
                                     text=definition.theme.text),
            **extra}


def intro_context(campaign: Campaign, definition: flow.Definition, *, start_url: str,
                  live: bool = True) -> dict:
    """The landing's intro and its Start form, posted to `start_url` (`live`: not a preview)."""
    intro = definition.intro
    return page_context(campaign, definition, live=live, intro=intro, title=intro.title,
                        body=rich(intro.body, {}),
                        image=image_url(intro.image or definition.theme.cover),
                        start_url=start_url)


def step_context(entry: Entry, step_key: str, *, values=None, errors=None,
                 notice: str = "", definition: flow.Definition | None = None,
                 answers: dict | None = None, live: bool | None = None) -> dict:
    """A step's form: its questions with what was typed (`values`) or answered, and `errors`.
    `live`: see `page_context`."""
    live = definition is None if live is None else live
    definition = definition or languages.localised(definition_for(entry.version_id))
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
    last = definition.step_positions[step_key] == len(definition.steps) - 1
    parts = {
        "step": step,
        "title": plain(step.title, recall),
        "body": rich(step.body, recall),
        "questions": questions,
        "errors": errors,
        "notice": notice,
        "can_go_back": definition.settings.allow_back and bool(entry.trail),
    }
    return page_context(
        entry.campaign, definition, live=live,
        entry=entry,
        **parts,
        step_fragment=fragments.step_key(entry, parts, live=live),
        form_url=entry_url(entry) if entry.pk else "",
        progress=progress,
        progress_percent=round(100 * (progress.position - 1) / progress.total),
        button=step.button or (gettext("Submit") if last else gettext("Next")),
        # An earlier step shown again (the browser's Back) has only the steps before it behind.
        chat_history=(modes.chat_history(definition, _trail_before(entry.trail, step_key),
                                         answers, recall)
                      if definition.theme.mode == "chat" else []),
    )


def _trail_before(trail: list[str], step_key: str) -> list[str]:
    return trail[:trail.index(step_key)] if step_key in trail else trail


def step_page(context: dict, part: int | None) -> dict:
    """A step's context (`step_context`) narrowed, for a page without JavaScript, to one of a
    focus or chat step's pages (`modes.step_parts`): the other questions stay in the form,
    hidden, so their answers go on with it. `part` None, or a step of one page: the whole step.
    """
    parts = modes.step_parts(context["definition"], context["step"])
    if part is None or len(parts) == 1:
        return context
    more = part < len(parts) - 1
    # Focus lands on the page's question once the visitor has moved within the step.
    focus = next((item["q"].key for item in context["questions"]
                  if item["q"].key in parts[part] and item["q"].kind != "statement"), None)
    focus = focus if part > 0 or context["errors"] else None
    progress = context["progress"]
    return {
        **context,
        "questions": [{**item, "hidden": item["q"].key not in parts[part],
                       "autofocus": item["q"].key == focus}
                      for item in context["questions"]],
        "part": part,
        "more_parts": more,
        "step_fragment": None,  # a page of the step is not the step's kept form
        "can_go_back": context["can_go_back"] or part > 0,
        "button": gettext("Continue") if more else context["button"],
        "progress_percent": round(100 * (progress.position - 1 + part / len(parts))
                                  / progress.total),
    }


def _as_form_values(value) -> list[str]:
    """A stored answer as the strings its form field shows."""
    if value is None or isinstance(value, dict):
        return []
    if isinstance(value, bool):
        return ["yes" if value else "no"]
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def outcome_context(entry: Entry, *, definition: flow.Definition | None = None,
                    answers: dict | None = None) -> dict:
    """The result page: the outcome reached, its link preview and share links, and for a
    contest whether the entry is in the draw."""
    live = definition is None  # else the builder's preview of the draft
    definition = definition or languages.localised(definition_for(entry.version_id))
    outcome = definition.outcomes_by_key.get(entry.outcome)
    answers = entry_answers(entry) if answers is None else answers
    recall = flow.recall_context(definition, answers, state_from_json(entry.state), outcome)
    page = page_context(entry.campaign, definition, live=live)
    title = plain(outcome.title, recall) if outcome else gettext("Thank you!")
    body = rich(outcome.body, recall) if outcome else ""
    image = image_url(outcome.image) if outcome else ""
    landing = page["meta"]
    return {
        **page,
        "meta": result_meta(landing, slug=entry.campaign.slug, title=title,
                            version_id=entry.version_id if live else None,
                            outcome_key=outcome.key if outcome else "",
                            description=plain_text(body), picture=image),
        "share": share_context(slug=entry.campaign.slug, referral_code=entry.referral_code,
                               text=share_text(definition, title),
                               token=entry.token if live else ""),
        "entry": entry,
        "outcome": outcome,
        "title": title,
        "body": body,
        "image": image,
        **_contest_status(entry),
        # An outcome's own link wins over the campaign's "after completion" address.
        "continue_url": (outcome and outcome.redirect_url)
        or campaign_setting(entry.campaign, "redirect_url"),
    }


def _contest_status(entry: Entry) -> dict:
    """For the result page of a contest entry: is it in the draw, with how many tickets."""
    if not contests.is_contest(entry.campaign) or entry.status != EntryStatus.COMPLETED:
        return {}
    reason = contests.ineligibility(entry)
    return {"contest_status": {
        "in_draw": not reason, "reason": reason, "tickets": 1 + entry.bonus_tickets,
        "bonus": entry.bonus_tickets,
        "referral_bonus": campaign_setting(entry.campaign, "referral_bonus"),
        "rules_url": reverse("entries:rules", args=[entry.campaign.slug]),
    }}


def message(request: HttpRequest, campaign: Campaign, said: tuple[str, str], *,
            status: int, **extra) -> HttpResponse:
    """A page (or, for HTMX, a stage) that only says something: closed, refused, too fast.

    HTMX 2 does not swap error responses, so an HTMX request gets the message with status 200.
    """
    title, text = said
    template = "entries/_message.html" if request.htmx else "entries/message.html"
    context = page_context(campaign, title=title, message=text, **extra)
    return render(request, template, context, status=200 if request.htmx else status)


def closed_page(request: HttpRequest, campaign: Campaign, reason: str) -> HttpResponse:
    """What a visitor sees instead of a closed campaign: the same page wherever they are."""
    status = 404 if reason == "unavailable" else 200
    return message(request, campaign, CLOSED_MESSAGES[reason], status=status,
                   starts_at=campaign.starts_at)


def refusal_page(request: HttpRequest, campaign: Campaign, text: str,
                 status: int) -> HttpResponse:
    return message(request, campaign, (gettext("We couldn't take that"), text),
                   status=status)
