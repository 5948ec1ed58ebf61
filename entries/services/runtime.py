"""A visitor's way through a campaign: start, answer a step, go back, complete.

The engine decides (campaigns.flow); these functions check what the visitor may do, save it and
move the entry on. A step submit costs a fixed number of queries whatever the campaign's size:
its writes go through `entry_store.step_save`, one statement on PostgreSQL.
"""

from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from campaigns import flow
from campaigns.models import Campaign
from campaigns.versions import definition_for
from entries import events, modes
from entries.entry_state import entry_answers, state_from_json, state_to_json
from entries.i18n import translated
from entries.mail.outbox import email_queue_completed
from entries.models import Entry, EntryStatus
from entries.services import contests, entry_store, people, uploaded_files
from entries.webhooks import outbox as webhooks


class _Overtaken(Exception):
    """Another submit moved the entry since this one read it: this one saves nothing."""


class StepRefused(Exception):
    """The visitor posted a step they were not offered; nothing was saved."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class CampaignClosed(Exception):
    """The campaign takes no entries now; nothing was saved. `reason` is
    `Campaign.closed_reason()`: unavailable, paused, ended or not_started."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(f"campaign closed: {reason}")


def campaign_open_check(campaign: Campaign) -> None:
    """Raise CampaignClosed unless the campaign takes entries now. Every runtime write calls
    it first, so no caller (a view, a task, a script) starts, moves or completes an entry of
    a paused, ended or unpublished campaign."""
    reason = campaign.closed_reason()
    if reason:
        raise CampaignClosed(reason)


@dataclass
class StepResult:
    entry: Entry
    errors: dict[str, str] = field(default_factory=dict)  # question key -> message
    values: dict[str, Any] = field(default_factory=dict)  # what was typed, to show again

    @property
    def ok(self) -> bool:
        return not self.errors


def entry_start(*, campaign: Campaign, source: dict, ip_hash: str = "",
                referred_by: Entry | None = None, consent: dict | None = None,
                language: str = "") -> Entry:
    """A new partial entry on the campaign's live version, waiting at the first step."""
    campaign_open_check(campaign)
    version_id = campaign.published_version_id
    definition = definition_for(version_id)
    first = flow.first_step(definition)
    # With a webhook subscribed, its delivery commits with the entry (no subscriber: no query).
    hooked = webhooks.wanted(campaign, "entry.started")
    with transaction.atomic() if hooked else nullcontext():
        entry = Entry.objects.create(
            campaign=campaign, version_id=version_id, current_step=first, source=source,
            ip_hash=ip_hash, referred_by=referred_by, consent=consent or {}, language=language,
        )
        events.record(events.step_viewed(entry, first))
        if hooked:
            webhooks.entry_event("entry.started", entry)
    return entry


def clean_step(entry: Entry, step: flow.Step, raw: dict[str, Any],
               uploads: dict[str, UploadedFile]) -> tuple[dict[str, Any], dict[str, str]]:
    """Each question of the step cleaned by its kind: (values, errors by question key).

    Hidden fields take their value from the URL the visitor arrived with, never from the form.
    """
    values, errors = {}, {}
    for question in step.questions:
        if question.kind == "statement":
            continue
        given = raw.get(question.key, [])
        if question.kind == "hidden":
            given = [entry.source.get(question.key, "")]
        elif question.kind == "file_upload" and question.key in uploads:
            try:
                given = _upload_metadata(entry, question, uploads[question.key])
            except uploaded_files.UploadRefused as refused:
                errors[question.key] = str(refused)
                continue
        try:
            values[question.key] = flow.clean_answer(question, given)
        except flow.AnswerError as error:
            errors[question.key] = translated(error.text)
    return values, errors


def part_check(*, entry: Entry, step_key: str, raw: dict[str, Any], part: int) -> dict[str, str]:
    """A focus or chat step taken one question per page (no JavaScript): the errors of its pages
    up to `part`, by question key. The earlier pages' answers come back in the form, so a
    doctored one is caught here too. No answer is saved: the step is saved whole, by
    answer_submit, from its last page; a refused page is recorded as a card's refused step is.
    """
    definition = definition_for(entry.version_id)
    step = definition.steps_by_key[step_key]
    shown = {key for keys in modes.step_parts(definition, step)[:part + 1] for key in keys}
    asked = replace(step, questions=tuple(q for q in step.questions if q.key in shown))
    _, errors = clean_step(entry, asked, raw, {})
    if errors and entry.pk:
        events.record(events.step_refused(entry, step_key, fields=sorted(errors)))
    return errors


def _upload_metadata(entry: Entry, question: flow.Question,
                     upload: UploadedFile) -> dict[str, Any]:
    """What the question checks about an upload. The type comes from the file's bytes, read only
    when the size is within the question's limit (a bigger file is refused by its size)."""
    size = upload.size or 0
    content_type = ""
    if size <= question.validation["max_size_mb"] * 1024 * 1024:
        upload.seek(0)
        content_type = uploaded_files.upload_type(upload.read())
    return {"name": upload.name or "", "size": size, "content_type": content_type,
            "path": uploaded_files.upload_path(entry, content_type)}


def _store_uploads(values: dict[str, Any], uploads: dict[str, UploadedFile]) -> None:
    """Files are written only once the whole step is valid; the answer keeps the stored path."""
    for key, upload in uploads.items():
        if isinstance(values.get(key), dict):
            values[key]["path"] = uploaded_files.upload_store(path=values[key]["path"],
                                                              upload=upload)


def _position_in_path(entry: Entry, step_key: str) -> int | None:
    """Where `step_key` stands on the visitor's path: the current step, or one they came through.

    An earlier step is allowed: Back in the browser, a replayed or double-clicked submit. The
    path is cut back to that step and decided again, so nothing is ever applied twice.
    """
    path = [*entry.trail, entry.current_step]
    return path.index(step_key) if step_key in path else None


def answer_submit(*, entry: Entry, step_key: str, raw: dict[str, Any],
                  uploads: dict[str, UploadedFile] | None = None) -> StepResult:
    """Save a step's answers and move the entry to the step (or the ending) the engine picks."""
    campaign_open_check(entry.campaign)
    if not entry.is_open:
        raise StepRefused(gettext("This entry is already complete; it cannot be changed "
                                  "any more."))
    definition = definition_for(entry.version_id)
    position = _position_in_path(entry, step_key)
    if position is None:
        raise StepRefused(gettext("That step is not part of your way through this form. "
                                  "Carry on from the step shown."))
    step = definition.steps_by_key[step_key]
    values, errors = clean_step(entry, step, raw, uploads or {})
    if errors:
        events.record(events.step_refused(entry, step_key, fields=sorted(errors)))
        return StepResult(entry, errors, raw)

    answers = {**entry.answer_values, **values}
    trail = entry.trail[:position]
    state = (flow.replay(definition, trail, answers) if position < len(entry.trail)
             else state_from_json(entry.state))
    decision = flow.advance(definition, step_key, answers, state)
    people.contact_take(entry=entry, definition=definition, answers=answers)
    # Moving on is one atomic write. A completion's emails to the entrant, a contest's records
    # and webhook deliveries must commit or fail with it: those run in a transaction.
    together = (decision.finished and (bool(entry.email) or contests.is_contest(entry.campaign))
                or any(webhooks.wanted(entry.campaign, event) for event in _events(decision)))
    try:
        with transaction.atomic() if together else nullcontext():
            _store_uploads(values, uploads or {})
            _move_on(entry, step_key, values, [*trail, step_key], decision, definition)
    except _Overtaken:
        # A double click: the other submit saved (and recorded) it; show where the entry is now.
        # (An entry erased meanwhile is read as None: its page then answers 404.)
        now = entry_store.entry_for_runtime(slug=entry.campaign.slug, token=entry.token)
        return StepResult(now or entry)
    except IntegrityError as error:
        # Rolled back whole: a duplicate person's completion saved and queued nothing.
        refused = people.refusal(error, entry) if decision.finished else None
        if refused is None:
            raise
        raise refused from None
    return StepResult(entry)


# What moving on changes on the entry, and what completing changes besides. Only these are
# written, so nothing else is overwritten.
STEP_FIELDS = ("trail", "current_step", "state", "score", "answer_values", "email", "name",
               "updated_at")
COMPLETION_FIELDS = (*STEP_FIELDS, "status", "completed_at", "outcome", "dedupe_key",
                     "consent", "fraud", "ticket_id")


def _events(decision: flow.Advance) -> list[str]:
    """The webhook events a step's decision makes."""
    if not decision.finished:
        return ["entry.step_answered"]
    return ["entry.completed", *(["entry.outcome_reached"] if decision.outcome else [])]


def _move_on(entry: Entry, step_key: str, values: dict[str, Any], trail: list[str],
             decision: flow.Advance, definition: flow.Definition) -> None:
    """Save the step, or raise _Overtaken. Events follow what is saved: a submit that changes
    nothing (a replay of the step as it was saved) writes nothing and records nothing."""
    stored = entry.answer_values
    new = {key: value for key, value in values.items() if key not in stored}
    changed = {key: value for key, value in values.items()
               if key in stored and stored[key] != value}
    if (not decision.finished and not new and not changed and trail == entry.trail
            and decision.next_step == entry.current_step
            and state_to_json(decision.state) == entry.state):
        return
    entry.answer_values = {**stored, **values}
    entry.trail = trail
    entry.state = state_to_json(decision.state)
    entry.score = decision.state.score
    submitted = events.step_submitted(entry, step_key, changed=list(changed))
    if not decision.finished:
        entry.current_step = decision.next_step
        if not entry_store.step_save(
                entry, fields=STEP_FIELDS, new_answers=new, changed_answers=changed,
                events=[submitted, events.step_viewed(entry, entry.current_step)]):
            raise _Overtaken
        webhooks.entry_event("entry.step_answered", entry, step_key=step_key)
        return

    _complete(entry, decision, entry.answer_values, definition)
    if not entry_store.step_save(entry, fields=COMPLETION_FIELDS, new_answers=new,
                                 changed_answers=changed, events=[submitted]):
        raise _Overtaken  # rolls back what completing claimed (the person, a referral credit)
    email_queue_completed(entry=entry)
    webhooks.entry_event("entry.completed", entry)
    if entry.outcome:
        webhooks.entry_event("entry.outcome_reached", entry)


def _complete(entry: Entry, decision: flow.Advance, answers: dict[str, Any],
              definition: flow.Definition) -> None:
    entry.status = EntryStatus.COMPLETED
    entry.completed_at = timezone.now()
    entry.current_step = ""
    entry.outcome = decision.outcome.key if decision.outcome else ""
    people.person_claim(entry=entry)
    contests.entry_completing(entry=entry, definition=definition, answers=answers)


@transaction.atomic
def entry_back(*, entry: Entry) -> Entry:
    """Return to the previous step, answers kept; the score is recomputed for the shorter path."""
    campaign_open_check(entry.campaign)
    if not entry.is_open or not entry.trail:
        return entry
    definition = definition_for(entry.version_id)
    previous = entry.trail[-1]
    entry.trail = entry.trail[:-1]
    entry.current_step = previous
    state = flow.replay(definition, entry.trail, entry_answers(entry))
    entry.state = state_to_json(state)
    entry.score = state.score
    entry.save(update_fields=["trail", "current_step", "state", "score", "updated_at"])
    events.record(events.went_back(entry, previous))
    return entry
