"""Fraud signals on a contest entry, as a score out of 100 with the reasons behind it.

Signals only inform the marketer, who disqualifies or reinstates; nothing here refuses an entry.
Stored as `entry.fraud = {"score": 0-100, "reasons": [sentence, ...], "signals": [code, ...]}`;
`honeypot` is also set by the runtime the moment a step comes back with the trap field filled.
"""

import re
from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from campaigns import flow
from entries.emailaddr import is_disposable, normalise_email
from entries.models import Entry, EntryStatus

# Points per signal; the score is their sum, capped at 100.
WEIGHTS = {"honeypot": 60, "too_fast": 30, "ip_burst": 25, "disposable": 30, "near_duplicate": 20}
# Even with autofill, reading a question and answering it takes a person about a second.
MIN_SECONDS_PER_ANSWER = 1.0
BURST_WINDOW = timedelta(minutes=10)
BURST_SIZE = 3  # other completed entries from the same network within the window
NEAR_DUPLICATE_CANDIDATES = 500
_SKELETON_NOISE = re.compile(r"[0-9._-]")


def honeypot_tripped(*, entry: Entry) -> Entry:
    """A step came back with the invisible field filled: only bots see it."""
    if not entry.fraud.get("honeypot"):
        entry.fraud = {**entry.fraud, "honeypot": True}
        Entry.objects.filter(pk=entry.pk).update(fraud=entry.fraud)
    return entry


def _answered_after_start(definition: flow.Definition, answers: dict[str, Any]) -> int:
    """Answers given after the entry was created: without an intro the entry is created by the
    first step's submit, so that step's time is not in `completed_at - started_at`."""
    skip = set()
    if definition.intro is None and definition.steps:
        skip = {q.key for q in definition.steps[0].questions}
    return sum(1 for key, value in answers.items()
               if key not in skip and value not in (None, "", [], False)
               and definition.questions_by_key.get(key) is not None
               and definition.questions_by_key[key].kind != "hidden")


def skeleton(email: str) -> str:
    """The address with digits, dots, dashes and underscores dropped from the local part:
    `anna.k1@x.org` and `annak2@x.org` share `annak@x.org`."""
    local, _, domain = normalise_email(email).rpartition("@")
    return f"{_SKELETON_NOISE.sub('', local) or local}@{domain}"


def _near_duplicates(entry: Entry, others: QuerySet[Entry]) -> int:
    try:
        mine = skeleton(entry.email)
    except ValueError:
        return 0
    local, _, domain = entry.email.rpartition("@")
    letters = _SKELETON_NOISE.sub("", local)[:2]
    candidates = others.filter(email__iendswith=f"@{domain}", email__istartswith=letters)
    found = 0
    for email in candidates.values_list("email", flat=True)[:NEAR_DUPLICATE_CANDIDATES]:
        try:
            found += skeleton(email) == mine
        except ValueError:
            continue
    return found


def assess(entry: Entry, definition: flow.Definition, answers: dict[str, Any]) -> dict:
    """The fraud record of an entry being completed now (completed_at and email set)."""
    reasons: dict[str, str] = {}
    if entry.fraud.get("honeypot"):
        reasons["honeypot"] = "Filled in the invisible field that only bots see."
    answered = _answered_after_start(definition, answers)
    seconds = ((entry.completed_at or timezone.now()) - entry.started_at).total_seconds()
    if answered and seconds < answered * MIN_SECONDS_PER_ANSWER:
        reasons["too_fast"] = (f"Answered {answered} question{'s' * (answered != 1)} in "
                               f"{seconds:.1f} s, faster than a person reads them.")
    others = Entry.objects.filter(campaign_id=entry.campaign_id).exclude(pk=entry.pk).exclude(
        status=EntryStatus.STARTED)
    if entry.ip_hash:
        since = (entry.completed_at or timezone.now()) - BURST_WINDOW
        burst = others.filter(ip_hash=entry.ip_hash, completed_at__gte=since).count()
        if burst >= BURST_SIZE:
            reasons["ip_burst"] = (f"{burst} other entries from the same network in the "
                                   f"last {BURST_WINDOW.seconds // 60} minutes.")
    if entry.email and is_disposable(entry.email):
        reasons["disposable"] = "Uses a disposable email address."
    if entry.email:
        near = _near_duplicates(entry, others)
        if near:
            reasons["near_duplicate"] = (f"Email address nearly the same as {near} other "
                                         f"entr{'ies' if near != 1 else 'y'}'s.")
    score = min(100, sum(WEIGHTS[code] for code in reasons))
    record = {"score": score, "reasons": list(reasons.values()), "signals": list(reasons)}
    if entry.fraud.get("honeypot"):
        record["honeypot"] = True
    return record
