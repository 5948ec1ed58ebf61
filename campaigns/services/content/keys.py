"""Keys of draft items: stable slugs made from labels, and which of them a version has frozen.

Answers, conditions, recall tags and exports refer to items by key, so a key is chosen once (from
the label, made unique in its scope) and may be edited only until a published version contains it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.text import slugify

from campaigns.flow.schema import SLUG
from campaigns.models import Campaign

KEY_LENGTH = 40  # room for a "-12" suffix and still far below the 63 allowed
LOCKED_MESSAGE = ("This key is part of a published version: answers and exports use it, so it "
                  "can no longer change.")


def key_from(text: str, *, taken: set[str], fallback: str, underscore: bool = False) -> str:
    """A slug of `text` not in `taken`: "Your email" → "your-email", then "your-email-2"."""
    base = slugify(text)[:KEY_LENGTH].strip("-_") or fallback
    if underscore:
        base = base.replace("-", "_")
    key, number = base, 1
    while key in taken:
        number += 1
        key = f"{base}{'_' if underscore else '-'}{number}"
    return key


def key_check(key: str, *, current: str, taken: set[str], locked: set[str], noun: str) -> str:
    """`key` as typed, or ValidationError on the `key` field saying what is wrong with it."""
    key = key.strip()
    if key == current:
        return key
    if current in locked:
        raise ValidationError({"key": LOCKED_MESSAGE})
    if not SLUG.fullmatch(key):
        raise ValidationError({"key": "Use lower-case letters, digits, - and _, starting with a "
                                      "letter or digit (at most 63 characters)."})
    if key in taken:
        raise ValidationError({"key": f"Another {noun} already uses the key “{key}”."})
    return key


@dataclass
class PublishedKeys:
    """Every key some published version of a campaign contains, by scope."""

    steps: set[str] = field(default_factory=set)
    questions: set[str] = field(default_factory=set)
    outcomes: set[str] = field(default_factory=set)
    choices: dict[str, set[str]] = field(default_factory=dict)  # question key → choice keys

    def choices_of(self, question_key: str) -> set[str]:
        return self.choices.get(question_key, set())


def published_keys(campaign: Campaign) -> PublishedKeys:
    keys = PublishedKeys()
    for definition in campaign.versions.values_list("definition", flat=True):
        for step in definition.get("steps", []):
            keys.steps.add(step["key"])
            for question in step.get("questions", []):
                keys.questions.add(question["key"])
                keys.choices.setdefault(question["key"], set()).update(
                    choice["key"] for choice in question.get("choices", []))
        keys.outcomes.update(outcome["key"] for outcome in definition.get("outcomes", []))
    return keys
