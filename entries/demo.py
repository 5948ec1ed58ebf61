"""Simulated visitors for the demo workspace, so that `make run` opens on results worth reading.

They go through the real services (`entry_start`, `answer_submit`, `entry_back`), so they leave
exactly the rows real visitors leave; only their times are then moved back over the past weeks,
with the pauses people take between steps.
"""

import random
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from campaigns import flow
from campaigns.models import Campaign
from campaigns.versions import definition_for
from entries.models import Answer, DailyViews, Entry, Interaction, InteractionKind
from entries.services import fraud
from entries.services.runtime import answer_submit, entry_back, entry_start

FIRST_NAMES = ["Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Tim", "Hedy",
               "Barbara", "Dennis", "Frances", "Ken", "Radia", "Guido", "Sophie", "Yukihiro"]
LAST_NAMES = ["Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Berners-Lee",
              "Lamarr", "Liskov", "Ritchie", "Allen", "Thompson", "Perlman", "Rossum"]
SOURCES = [
    {"utm_source": "instagram", "utm_medium": "social", "utm_campaign": "spring-launch"},
    {"utm_source": "instagram", "utm_medium": "social", "utm_campaign": "spring-launch"},
    {"utm_source": "newsletter", "utm_medium": "email", "utm_campaign": "april-digest"},
    {"referrer": "https://www.google.com/"},
    {"referrer": "https://shop.example.com/blog/coffee-guide"},
    {},
]


def demo_visitors_seed(*, campaign: Campaign, visitors: int = 80, days: int = 21,
                       seed: int = 2026) -> int:
    """Walk `visitors` simulated people through the campaign's live version; returns how many."""
    rng = random.Random(f"{seed}:{campaign.slug}")
    definition = definition_for(campaign.published_version_id)
    now = timezone.now()
    for number in range(visitors):
        with transaction.atomic():
            entry = _visit(rng, campaign, definition, number)
            started = now - timedelta(days=rng.uniform(0.1, days))
            _backdate(rng, entry, started)
            _reassess(entry, definition)
    _views(rng, campaign)
    return visitors


def _visit(rng: random.Random, campaign: Campaign, definition: flow.Definition,
           number: int) -> Entry:
    person = _person(rng, number)
    entry = entry_start(campaign=campaign, source=dict(rng.choice(SOURCES)))
    # About a third leave part way: the partial entries the funnel and drop-off are about.
    leave_after = rng.randrange(len(definition.steps)) if rng.random() < 0.35 else None
    answered = 0
    while entry.is_open and answered != leave_after:
        step = definition.steps_by_key[entry.current_step]
        result = answer_submit(entry=entry, step_key=step.key,
                               raw={q.key: _sample(rng, q, person) for q in step.questions})
        if not result.ok:
            break
        answered += 1
        if entry.is_open and _has_choice(step) and rng.random() < 0.15:
            entry_back(entry=entry)  # second thoughts: back, and a different choice this time
            answer_submit(entry=entry, step_key=step.key,
                          raw={q.key: _sample(rng, q, person) for q in step.questions})
    return entry


def _person(rng: random.Random, number: int) -> dict[str, str]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return {"first": first, "last": last,
            "email": f"{first.lower()}.{last.lower()}.{number}@example.com"}


def _has_choice(step: flow.Step) -> bool:
    return any(q.choices for q in step.questions)


def _sample(rng: random.Random, question: flow.Question, person: dict[str, str]) -> list[str]:
    """A valid answer a person might give, as the strings a form posts."""
    rules, kind = question.validation, question.kind
    if question.choices and kind != "multiple_choice":
        return [rng.choice(question.choices).key]
    if kind == "multiple_choice":
        low = max(1, rules.get("min_choices") or 0)
        high = min(len(question.choices), rules.get("max_choices") or len(question.choices))
        picked = rng.sample(question.choices, rng.randint(low, max(low, high)))
        return [choice.key for choice in picked]
    if kind == "rating":
        return [str(rng.randint(rules["min"], rules["max"]))]
    if kind == "opinion_scale":
        return [str(min(10, max(0, round(rng.gauss(7.5, 2.2)))))]
    if kind == "number":
        low = rules["min"] if rules["min"] is not None else 1
        high = rules["max"] if rules["max"] is not None else low + 50
        return [str(rng.randint(int(low), int(high)))]
    samples: dict[str, Any] = {
        # The family name where a name question asks for it, so the entrant is "Ada Lovelace".
        "short_text": person["last"] if question.contact == "name" and any(
            word in question.key for word in ("last", "surname")) else person["first"],
        "long_text": rng.choice(["Loved it.", "More colours, please!", "It was quick and clear.",
                                 "I'd like a reminder next time."]),
        "email": person["email"],
        "phone": f"+4420794{rng.randint(10000, 99999)}",
        "date": rules.get("min") or "2027-03-15",
        "yes_no": rng.choice(["yes", "no"]),
        "consent": "on",
    }
    return [samples[kind]] if kind in samples else []


def _backdate(rng: random.Random, entry: Entry, started) -> None:
    """Spread the entry's events from `started` with human pauses, and add what the runtime
    script would have reported (time on each step)."""
    moment = shown_at = started
    events = list(entry.interactions.order_by("id"))
    timed = []
    for event in events:
        event.at = moment
        if event.kind == InteractionKind.VIEW:
            shown_at = moment
        if event.kind == InteractionKind.SUBMIT:
            moment += timedelta(seconds=rng.lognormvariate(2.3, 0.6))
            event.at = moment
            timed.append(Interaction(entry=entry, step_key=event.step_key,
                                     kind=InteractionKind.TIME, at=moment,
                                     data={"ms": int((moment - shown_at).total_seconds() * 1000)}))
        moment += timedelta(milliseconds=300)
    Interaction.objects.bulk_update(events, ["at"])
    Interaction.objects.bulk_create(timed)
    Answer.objects.filter(entry=entry).update(answered_at=moment)
    Entry.objects.filter(pk=entry.pk).update(
        started_at=started, updated_at=moment,
        completed_at=moment if entry.completed_at else None)


def _reassess(entry: Entry, definition: flow.Definition) -> None:
    """Fraud signals are judged at completion, when the simulated visitor had taken no time at
    all: judge them again on the human pace the entry now shows."""
    if not entry.fraud:
        return
    entry.refresh_from_db()
    entry.fraud = fraud.assess(entry, definition, entry.answer_values)
    entry.save(update_fields=["fraud"])


def _views(rng: random.Random, campaign: Campaign) -> None:
    """Landing-page views: more than starts, as some visitors only look."""
    per_day: dict = {}
    for started in campaign.entries.values_list("started_at", flat=True):
        per_day[started.date()] = per_day.get(started.date(), 0) + 1
    DailyViews.objects.bulk_create([
        DailyViews(campaign=campaign, version_id=campaign.published_version_id, day=day,
                   views=starts + rng.randint(starts // 2, starts * 2))
        for day, starts in per_day.items()
    ])
