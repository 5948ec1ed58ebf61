"""One entry as a marketer reads it: its answers as its version asked them, the path it took, and
its micro-interactions as a timeline with the time spent on each step."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.urls import reverse

from campaigns import flow
from campaigns.flow.visitor_input import printable
from campaigns.versions import definition_for
from entries.models import Entry, InteractionKind
from entries.sharing import NETWORKS

MAX_TIMELINE_EVENTS = 2_000


@dataclass
class AnsweredQuestion:
    question: flow.Question
    shown: str  # the answer as the visitor saw it (choice labels, Yes/No)
    first_shown: str  # the first answer given, when it was later changed
    changes: int
    answered_at: datetime | None
    file_url: str = ""  # visitors' files: the builder's download, never the file's own URL
    preview_url: str = ""

    @property
    def answered(self) -> bool:
        return bool(self.shown)


@dataclass
class StepView:
    step: flow.Step
    visited: bool
    questions: list[AnsweredQuestion]
    seconds: float | None = None  # time on the step, from the browser's reports


@dataclass
class TimelineEvent:
    at: datetime
    step: str
    kind: str
    label: str
    detail: str


@dataclass
class ConsentRecord:
    """One thing the entrant agreed to, as a sentence, and when."""

    text: str
    at: datetime | None


@dataclass
class EntryDetail:
    entry: Entry
    definition: flow.Definition
    steps: list[StepView]
    path: list[str]
    timeline: list[TimelineEvent]
    timeline_truncated: bool
    outcome_title: str
    step_seconds: dict[str, float] = field(default_factory=dict)
    consents: list[ConsentRecord] = field(default_factory=list)


def _file_links(entry: Entry, question: flow.Question, value: Any) -> tuple[str, str]:
    """(download URL, inline preview URL) of a file answer; previews are for pictures only."""
    path = value.get("path") if isinstance(value, dict) else None
    if question.kind != "file_upload" or not isinstance(path, str) or not path:
        return "", ""
    args = [entry.campaign_id, entry.pk, question.key]
    preview = (reverse("builder:entry_file_preview", args=args)
               if str(value.get("content_type", "")).startswith("image/") else "")
    return reverse("builder:entry_file", args=args), preview


def _detail_text(kind: str, data: dict, definition: flow.Definition) -> str:
    question = definition.questions_by_key.get(data.get("question", ""))
    name = (question.label or question.key) if question else data.get("question", "")
    detail = _DETAILS.get(kind)
    text = detail(str(name), data) if detail else ""
    if not text and data.get("by") == "server":
        return "recorded by the server"
    return text


def _changed_answer(name: str, data: dict) -> str:
    first, value = data.get("first"), data.get("value")
    if first is not None and first != value:
        return f"{name}: {value!s} (first answer: {first!s})"
    return f"{name}: {value!s}"


def _time_spent(_name: str, data: dict) -> str:
    if not isinstance(data.get("ms"), int | float):
        return ""
    suffix = ", then came back" if data.get("resumed") else ""
    return f"{data['ms'] / 1000:.1f} s{suffix}"


# What an event's line says besides its kind, by kind: (question name, event data) -> text.
_DETAILS = {
    InteractionKind.CHANGE: _changed_answer,
    InteractionKind.FOCUS: lambda name, _data: name,
    InteractionKind.TIME: _time_spent,
    InteractionKind.IDLE: _time_spent,
    InteractionKind.SHARE: lambda _name, data: NETWORKS.get(str(data.get("network")), ""),
    InteractionKind.INVALID: lambda _name, data: "Refused: " + ", ".join(
        str(f) for f in data.get("fields", [])),
    InteractionKind.SHARE: lambda _name, data: NETWORKS.get(str(data.get("network")), ""),
    InteractionKind.SUBMIT: lambda _name, data: "Changed: " + ", ".join(
        str(f) for f in data["changed"]) if data.get("changed") else "",
}


def consent_records(consent: dict) -> list[ConsentRecord]:
    """`Entry.consent` in words: the rules agreed to (contests.rules_consent) and the age
    confirmed at the gate (contests.age_check)."""
    records = []
    rules = consent.get("rules")
    if isinstance(rules, dict):
        version = rules.get("rules_version")
        records.append(ConsentRecord(
            f"Agreed to “{rules.get('wording') or 'the rules'}”"
            + (f" (rules v{version})" if version else ""), _parsed(rules.get("at"))))
    age = consent.get("age")
    if isinstance(age, dict):
        records.append(ConsentRecord(f"Confirmed being {age.get('min_age')} or older",
                                     _parsed(age.get("confirmed_at"))))
    return records


def _parsed(moment: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(moment)
    except (TypeError, ValueError):
        return None


def _seconds_per_step(events) -> dict[str, float]:
    """Time on each step: the browser's own reports where there are any, else (no JavaScript)
    the server's, from each view of a step to the submit that left it."""
    reported: dict[str, float] = {}
    served: dict[str, float] = {}
    shown_at: dict[str, datetime] = {}
    for event in events:
        data = event.data or {}
        if event.kind == InteractionKind.TIME and isinstance(data.get("ms"), int | float) \
                and data["ms"] >= 0:
            reported[event.step_key] = reported.get(event.step_key, 0) + data["ms"] / 1000
        elif event.kind == InteractionKind.VIEW and data.get("by") == "server":
            shown_at[event.step_key] = event.at
        elif event.kind == InteractionKind.SUBMIT and event.step_key in shown_at:
            spent = (event.at - shown_at.pop(event.step_key)).total_seconds()
            served[event.step_key] = served.get(event.step_key, 0) + spent
    return {**served, **reported}


def entry_detail(entry: Entry) -> EntryDetail:
    definition = definition_for(entry.version_id)
    answers = {a.question_key: a for a in entry.answers.all()}
    path = [*entry.trail, *([entry.current_step] if entry.current_step else [])]
    events = list(entry.interactions.order_by("at", "id")[: MAX_TIMELINE_EVENTS + 1])
    truncated = len(events) > MAX_TIMELINE_EVENTS
    events = events[:MAX_TIMELINE_EVENTS]

    step_seconds = _seconds_per_step(events)

    steps = []
    for step in definition.steps:
        rows = []
        for question in step.questions:
            if question.kind == "statement":
                continue
            answer = answers.get(question.key)
            value = answer.value if answer else None
            changed = answer is not None and answer.changes > 0
            file_url, preview_url = _file_links(entry, question, value)
            rows.append(AnsweredQuestion(
                question=question,
                shown=flow.display(question, value),
                first_shown=flow.display(question, answer.first_value) if changed else "",
                changes=answer.changes if answer else 0,
                answered_at=answer.answered_at if answer else None,
                file_url=file_url,
                preview_url=preview_url,
            ))
        steps.append(StepView(step, step.key in path, rows, step_seconds.get(step.key)))

    labels = dict(InteractionKind.choices)
    timeline = [TimelineEvent(event.at, event.step_key, event.kind,
                              labels.get(event.kind, event.kind),
                              # Rows from before visitor input was checked may hold text
                              # that cannot be encoded: shown with U+FFFD, never a 500.
                              printable(_detail_text(event.kind, event.data or {}, definition)))
                for event in events]
    outcome = definition.outcomes_by_key.get(entry.outcome) if entry.outcome else None
    return EntryDetail(entry, definition, steps, path, timeline, truncated,
                       flow.untagged(outcome.title) if outcome else entry.outcome, step_seconds,
                       consent_records(entry.consent or {}))
