"""The columns of each export format, as (name, header, value-of-a-row) triples.

A row is a plain dict (`entry_values()` read through `.values()`, or `row_from_entry` of a model
instance) plus `answers` ({question key: value}), so the same columns serve the streaming writer
and the admin's Resource. The streaming rows take times as text and source keys as text straight
from the database: parsing a million timestamps and JSON objects only to print them costs more
than the rest of the row. Every answer is shown the way its own version asked it: labels and
choice labels come from that entry's `CampaignVersion`, never from the draft.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import TextField
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from campaigns import flow
from campaigns.models import Campaign, CampaignVersion
from campaigns.versions import definition_for
from entries.exports.cells import moment, neutralise, number
from entries.models import EntryStatus, InteractionKind

ENTRY_FIELDS = ("id", "version_id", "status", "email", "name", "score", "outcome", "consent",
                "fraud", "referral_code", "referred_by_id", "bonus_tickets", "language")
JSON_FIELDS = ("consent", "fraud")  # of ENTRY_FIELDS
TIME_FIELDS = {"started": "started_at", "updated": "updated_at", "completed": "completed_at"}
HEADER_MAX = 80
STATUS_LABELS = dict(EntryStatus.choices)
KIND_LABELS = dict(InteractionKind.choices)
UTM = (("utm_source", "UTM source"), ("utm_medium", "UTM medium"),
       ("utm_campaign", "UTM campaign"), ("utm_term", "UTM term"),
       ("utm_content", "UTM content"))

SOURCE_KEYS = (*(key for key, _ in UTM), "referrer")

Row = dict[str, Any]


def entry_values() -> dict[str, Any]:
    """The expressions `.values()` reads besides ENTRY_FIELDS (times are UTC: the connection's)."""
    return {
        **{name: Cast(field, TextField()) for name, field in TIME_FIELDS.items()},
        **{f"source_{key}": KT(f"source__{key}") for key in SOURCE_KEYS},
    }


def row_from_entry(entry) -> Row:
    source = entry.source or {}
    return {
        **{name: getattr(entry, name) for name in ENTRY_FIELDS},
        **{name: getattr(entry, field) for name, field in TIME_FIELDS.items()},
        **{f"source_{key}": source.get(key) for key in SOURCE_KEYS},
    }


@dataclass(frozen=True)
class Column:
    name: str  # a stable identifier (the Resource's field name)
    header: str  # human-readable and unique within its export
    value: Callable[[Row], str]


def text(value: Any) -> str:
    """Visitor-given text (or anything not ours) as a safe cell."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return neutralise(value)


def renderer(question: flow.Question | None) -> Callable[[Any], str]:
    """How one question's answers become cells: choice labels joined, numbers as numbers.

    Built once per (version, question) and called once per cell, so the common kinds get a
    direct path; every other kind goes through the engine's own `display`.
    """
    if question is None:
        return text
    kind = flow.KINDS[question.kind]
    if kind.is_numeric:
        def numeric(value: Any) -> str:
            if isinstance(value, int | float) and not isinstance(value, bool):
                return number(value)
            return text(value)
        return numeric
    if kind.is_text or kind.answer == "date":
        return text
    if kind.has_choices:
        labels = {choice.key: choice.label for choice in question.choices}

        def choices(value: Any) -> str:
            if isinstance(value, str):
                return neutralise(labels.get(value, value))
            if isinstance(value, list):
                return neutralise(", ".join(labels.get(item, str(item)) for item in value))
            return text(value)
        return choices
    return lambda value: neutralise(flow.display(question, value))


def answer_cell(question: flow.Question | None, value: Any) -> str:
    if value is None:
        return ""
    return renderer(question)(value)


def version_numbers(campaign_ids: Iterable[int]) -> dict[int, int]:
    return dict(CampaignVersion.objects.filter(campaign_id__in=list(campaign_ids))
                .values_list("id", "number"))


def _outcome_title(row: Row) -> str:
    key = row["outcome"]
    if not key:
        return ""
    outcome = definition_for(row["version_id"]).outcomes_by_key.get(key)
    return neutralise(flow.untagged(outcome.title) if outcome is not None and outcome.title
                      else key)


def _language(row: Row) -> str:
    """The language the entry was answered in (older entries: their version's default)."""
    return row["language"] or definition_for(row["version_id"]).language


def _consent(row: Row) -> str:
    consent = row["consent"]
    if not consent:
        return ""
    if isinstance(consent, dict):
        return neutralise("; ".join(f"{key}: {value}" for key, value in sorted(consent.items())))
    return text(consent)


def _fraud_reasons(row: Row) -> str:
    reasons = (row["fraud"] or {}).get("reasons") or []
    if isinstance(reasons, list):
        return neutralise(", ".join(str(reason) for reason in reasons))
    return text(reasons)


def _fraud_score(row: Row) -> str:
    score = (row["fraud"] or {}).get("score")
    return number(score) if isinstance(score, int | float) else text(score)


def _source_param(key: str) -> Callable[[Row], str]:
    name = f"source_{key}"
    return lambda row: text(row[name])


def _entry_columns(versions: dict[int, int]) -> list[Column]:
    return [
        Column("entry_id", "Entry ID", lambda row: str(row["id"])),
        Column("version", "Version", lambda row: f"v{versions.get(row['version_id'], '?')}"),
        Column("status", "Status", lambda row: STATUS_LABELS.get(row["status"], row["status"])),
        Column("started_at", "Started (UTC)", lambda row: moment(row["started"])),
        Column("completed_at", "Completed (UTC)", lambda row: moment(row["completed"])),
        Column("updated_at", "Last activity (UTC)", lambda row: moment(row["updated"])),
        Column("email", "Email", lambda row: text(row["email"])),
        Column("name", "Name", lambda row: text(row["name"])),
        Column("score", "Score", lambda row: number(row["score"])),
        Column("outcome", "Outcome", _outcome_title),
        Column("language", "Language", _language),
        *(Column(key, header, _source_param(key)) for key, header in UTM),
        Column("referrer", "Referrer", _source_param("referrer")),
    ]


def _after_answer_columns() -> list[Column]:
    return [
        Column("consent", "Consent", _consent),
        Column("fraud_score", "Fraud score", _fraud_score),
        Column("fraud_reasons", "Fraud reasons", _fraud_reasons),
        Column("referral_code", "Referral code", lambda row: text(row["referral_code"])),
        Column("referred_by", "Referred by (entry ID)",
               lambda row: str(row["referred_by_id"] or "")),
        Column("bonus_tickets", "Bonus tickets", lambda row: number(row["bonus_tickets"])),
    ]


def campaign_questions(campaigns: Iterable[Campaign | int]) -> list[flow.Question]:
    """Every answerable question of the campaigns' versions, once per key.

    In the newest version's order, then keys only older versions asked; a key's label is the
    newest version's, as the marketer knows it now.
    """
    ids = [getattr(campaign, "pk", campaign) for campaign in campaigns]
    version_ids = CampaignVersion.objects.filter(campaign_id__in=ids).order_by(
        "campaign_id", "-number").values_list("id", flat=True)
    questions: dict[str, flow.Question] = {}
    for version_id in version_ids:
        for step in definition_for(version_id).steps:
            for question in step.questions:
                if flow.KINDS[question.kind].takes_value:
                    questions.setdefault(question.key, question)
    return list(questions.values())


def _question_column(question: flow.Question) -> Column:
    key = question.key
    renderers: dict[int, Callable[[Any], str]] = {}  # by version: as that version asked it

    def value(row: Row) -> str:
        answer = row["answers"].get(key)
        if answer is None:
            return ""
        render = renderers.get(row["version_id"])
        if render is None:
            asked = definition_for(row["version_id"]).questions_by_key.get(key, question)
            render = renderers[row["version_id"]] = renderer(asked)
        return render(answer)

    label = " ".join(flow.untagged(question.label).split())
    return Column(f"answer_{key}", label or key, value)


def unique_headers(columns: list[Column], keys: dict[str, str]) -> list[Column]:
    """Shortened, neutralised headers (labels are marketer text), made unique: a clash gets its
    question key, then a number."""
    shortened = [neutralise(column.header if len(column.header) <= HEADER_MAX
                            else column.header[: HEADER_MAX - 1].rstrip() + "…")
                 for column in columns]
    counts: dict[str, int] = {}
    for header in shortened:
        counts[header.casefold()] = counts.get(header.casefold(), 0) + 1
    seen: set[str] = set()
    result = []
    for column, short in zip(columns, shortened, strict=True):
        header = short
        if counts[short.casefold()] > 1 and column.name in keys:
            header = f"{short} ({keys[column.name]})"
        candidate, n = header, 2
        while candidate.casefold() in seen:
            candidate, n = f"{header} ({n})", n + 1
        seen.add(candidate.casefold())
        result.append(Column(column.name, candidate, column.value))
    return result


def wide_columns(campaigns: Iterable[Campaign | int],
                 versions: dict[int, int] | None = None) -> list[Column]:
    """One row per entry: entry fields, one column per question key, then contest fields."""
    campaigns = list(campaigns)
    if versions is None:
        versions = version_numbers(getattr(c, "pk", c) for c in campaigns)
    questions = campaign_questions(campaigns)
    answer_columns = [_question_column(question) for question in questions]
    keys = {f"answer_{question.key}": question.key for question in questions}
    return unique_headers(
        [*_entry_columns(versions), *answer_columns, *_after_answer_columns()], keys)


LONG_HEADERS = ("Entry ID", "Version", "Status", "Email", "Step", "Question key", "Question",
                "Answer", "First answer", "Times changed", "Answered (UTC)")

INTERACTION_HEADERS = ("Entry ID", "Version", "Email", "Step", "Event", "Question", "At (UTC)",
                       "Duration (ms)", "First value", "Value", "Details")


def long_cells(entry: Row, answer: Row, versions: dict[int, int]) -> list[str]:
    definition = definition_for(entry["version_id"])
    key = answer["question_key"]
    question = definition.questions_by_key.get(key)
    return [
        str(entry["id"]), f"v{versions.get(entry['version_id'], '?')}",
        STATUS_LABELS.get(entry["status"], entry["status"]), text(entry["email"]),
        definition.question_steps.get(key, ""), text(key),
        neutralise(flow.untagged(question.label)) if question is not None else "",
        answer_cell(question, answer["value"]), answer_cell(question, answer["first_value"]),
        number(answer["changes"]), moment(answer["answered_at"]),
    ]


def interaction_cells(entry: Row, event: Row, versions: dict[int, int]) -> list[str]:
    data = event["data"] if isinstance(event["data"], dict) else {}
    rest = {k: v for k, v in data.items() if k not in ("question", "ms", "first", "value")}
    duration = data.get("ms")
    return [
        str(entry["id"]), f"v{versions.get(entry['version_id'], '?')}", text(entry["email"]),
        text(event["step_key"]), KIND_LABELS.get(event["kind"], event["kind"]),
        text(data.get("question")), moment(event["at"]),
        number(duration) if isinstance(duration, int | float) else text(duration),
        text(data.get("first")), text(data.get("value")),
        text(json.dumps(rest, ensure_ascii=False, sort_keys=True)) if rest else "",
    ]
