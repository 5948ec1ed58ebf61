"""The event types a webhook endpoint can subscribe to, and the payload each one sends.

Every payload is the Standard Webhooks envelope `{"type", "timestamp", "data"}` plus `sequence`,
which numbers the events of one entry from 1 in the order they happened (0 when the event is not
about one entry), so a receiver can put them back in order. Answers use the questions' stable
keys; each gives the question as asked in the entry's version, the stored `value` (choice keys,
numbers, ISO dates) and its `text` as a marketer reads it (choice labels), as the CSV export shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.utils import timezone

from campaigns import flow
from campaigns.models import Campaign, CampaignVersion
from campaigns.versions import definition_for
from config.site import site_url
from entries.models import Entry, Winner

SOURCE_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "referrer")


@dataclass(frozen=True)
class EventType:
    name: str
    description: str
    # The `data` of a sample event, for the builder's test send and REST hooks' sample endpoint.
    sample: Callable[[], dict[str, Any]]


@lru_cache(maxsize=1024)
def version_number(version_id: int) -> int:
    """A version's number (1, 2, …); a published version never changes, so cached per process."""
    return CampaignVersion.objects.values_list("number", flat=True).get(pk=version_id)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def campaign_data(campaign: Campaign) -> dict[str, Any]:
    return {"id": campaign.pk, "slug": campaign.slug, "name": campaign.name,
            "kind": campaign.kind, "workspace_id": campaign.workspace_id}


def answers_data(definition: flow.Definition, values: dict[str, Any],
                 keys: list[str] | None = None) -> dict[str, Any]:
    """{question key: {question, kind, value, text}} in the order the version asks them."""
    answers = {}
    for key, question in definition.questions_by_key.items():
        if key not in values or (keys is not None and key not in keys):
            continue
        value = values[key]
        if isinstance(value, dict) and "path" in value:  # an upload: where we keep it is ours
            value = {name: item for name, item in value.items() if name != "path"}
        answers[key] = {"question": flow.untagged(question.label), "kind": question.kind,
                        "value": value, "text": flow.display(question, value)}
    return answers


def entry_data(entry: Entry, *, step_key: str = "") -> dict[str, Any]:
    """An entry as every entry event carries it; with `step_key`, the step just answered too."""
    definition = definition_for(entry.version_id)
    outcome = definition.outcomes_by_key.get(entry.outcome) if entry.outcome else None
    data = {
        "id": entry.pk,
        "campaign": campaign_data(entry.campaign),
        "version": version_number(entry.version_id),
        "status": entry.status,
        "started_at": _iso(entry.started_at),
        "updated_at": _iso(entry.updated_at),
        "completed_at": _iso(entry.completed_at),
        "email": entry.email,
        "name": entry.name,
        "score": entry.score,
        "outcome": ({"key": outcome.key, "title": flow.untagged(outcome.title)}
                    if outcome else None),
        "source": {key: entry.source[key] for key in SOURCE_KEYS if entry.source.get(key)},
        "answers": answers_data(definition, entry.answer_values),
    }
    if step_key:
        step = definition.steps_by_key[step_key]
        data["step"] = {"key": step_key, "position": definition.step_positions[step_key] + 1,
                        "of": len(definition.steps),
                        "answers": sorted(q.key for q in step.questions
                                          if q.key in entry.answer_values)}
    return data


def winner_data(winner: Winner) -> dict[str, Any]:
    """A prize's holder: its draw's public proof page, the prize and the state of the claim."""
    draw = winner.draw
    return {
        "id": winner.pk, "draw_id": draw.pk, "prize": winner.prize, "rank": winner.rank,
        "status": winner.status, "ticket_id": winner.ticket_id,
        "claim_deadline": _iso(winner.claim_deadline), "claimed_at": _iso(winner.claimed_at),
        "forfeited_at": _iso(winner.forfeited_at), "forfeit_reason": winner.forfeit_reason,
        "proof_url": site_url(f"/c/{draw.campaign.slug}/draws/{draw.pk}/"),
    }


def envelope(event: str, data: dict[str, Any], sequence: int = 0) -> dict[str, Any]:
    return {"type": event, "timestamp": _iso(timezone.now()), "sequence": sequence, "data": data}


# --- samples: what a test send and a REST hook's sample return ------------------------------------

_SAMPLE_CAMPAIGN = {"id": 12, "slug": "spring-giveaway", "name": "Spring giveaway",
                    "kind": "contest", "workspace_id": 3}


def _sample_entry(status: str = "completed", *, step: bool = False) -> dict[str, Any]:
    data = {
        "id": 4821, "campaign": _SAMPLE_CAMPAIGN, "version": 3, "status": status,
        "started_at": "2026-04-02T09:14:05.120000Z", "updated_at": "2026-04-02T09:16:41.508000Z",
        "completed_at": "2026-04-02T09:16:41.508000Z" if status == "completed" else None,
        "email": "ada@example.com", "name": "Ada Lovelace", "score": 7.0,
        "outcome": ({"key": "explorer", "title": "The Explorer"}
                    if status == "completed" else None),
        "source": {"utm_source": "newsletter", "utm_campaign": "spring"},
        "answers": {
            "email": {"question": "Your email", "kind": "email", "value": "ada@example.com",
                      "text": "ada@example.com"},
            "travel_style": {"question": "How do you like to travel?", "kind": "single_choice",
                             "value": "backpack", "text": "With a backpack"},
            "nights": {"question": "How many nights?", "kind": "number", "value": 5,
                       "text": "5"},
        },
    }
    if step:
        data["step"] = {"key": "about_you", "position": 2, "of": 3,
                        "answers": ["nights", "travel_style"]}
    return data


def _sample_winner(status: str) -> dict[str, Any]:
    return {
        "winner": {
            "id": 77, "draw_id": 9, "prize": 1, "rank": 1, "status": status,
            "ticket_id": "5f1c0e…", "claim_deadline": "2026-05-08T12:00:00Z",
            "claimed_at": "2026-05-02T08:30:00Z" if status == "claimed" else None,
            "forfeited_at": "2026-05-08T12:00:00Z" if status == "forfeited" else None,
            "forfeit_reason": "Not claimed by the deadline." if status == "forfeited" else "",
            "proof_url": "https://stepcraft.example.com/c/spring-giveaway/draws/9/",
        },
        "entry": _sample_entry(),
    }


def _sample_moderation(action: str) -> dict[str, Any]:
    status = "disqualified" if action == "disqualified" else "completed"
    return {"entry": _sample_entry(status), "reason": "Same household as entry 4790."}


EVENTS: tuple[EventType, ...] = (
    EventType("entry.started", "A visitor started an entry (its first step was shown).",
              lambda: {"entry": _sample_entry("started") | {"answers": {}}}),
    EventType("entry.step_answered", "A step was answered; the entry is still partial "
              "(its step is named, and every answer so far is sent).",
              lambda: {"entry": _sample_entry("started", step=True)}),
    EventType("entry.completed", "An entry was completed, with all its answers.",
              lambda: {"entry": _sample_entry()}),
    EventType("entry.outcome_reached", "A completed entry reached an outcome (quiz result, "
              "personality, ending).", lambda: {"entry": _sample_entry()}),
    EventType("entry.disqualified", "A marketer disqualified a contest entry, with a reason.",
              lambda: _sample_moderation("disqualified")),
    EventType("entry.reinstated", "A marketer reinstated a disqualified contest entry.",
              lambda: _sample_moderation("reinstated")),
    EventType("winner.drawn", "An entry won a prize (from the draw, or passed on to an "
              "alternate) and was told.", lambda: _sample_winner("notified")),
    EventType("winner.claimed", "A winner claimed their prize.",
              lambda: _sample_winner("claimed")),
    EventType("winner.forfeited", "A prize was forfeited (not claimed in time, or taken "
              "away); it passes to the next alternate.", lambda: _sample_winner("forfeited")),
    EventType("person.erased", "Everything about one person was erased on request. Their "
              "address is not sent (it is kept nowhere now): erase the entries by id.",
              lambda: {"entries": [{"id": 4821, "campaign": _SAMPLE_CAMPAIGN}],
                       "erased_at": "2026-06-01T10:00:00Z"}),
)
EVENTS_BY_NAME = {event.name: event for event in EVENTS}
EVENT_NAMES = tuple(EVENTS_BY_NAME)


def sample_payload(event: str) -> dict[str, Any]:
    """The whole body a sample `event` sends (KeyError for an unknown name)."""
    return envelope(event, EVENTS_BY_NAME[event].sample(), sequence=1)
