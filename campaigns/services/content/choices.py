"""Choices of a draft question: create, edit (label, key, points, outcome weights, image), move,
delete."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from campaigns.flow import KINDS
from campaigns.models import Choice, Question
from campaigns.services.drafts import draft_edit
from campaigns.services.images import ImageRefused, image_store

from .keys import key_check, key_from, published_keys
from .ordering import draft_delete, draft_move, place
from .renames import choice_key_renamed
from .text import one_line
from .usage import Usage, usages_of_choice

MAX_CHOICES = 200
MAX_LABEL = 300
MAX_POINTS = 1_000_000


def _name(choice: Choice) -> str:
    question = choice.question
    return f"choice “{choice.label}” of “{question.label or question.key}”"


def _taken(question: Question, *, but: Choice | None = None) -> set[str]:
    keys = set(question.choices.exclude(pk=getattr(but, "pk", None)).values_list("key", flat=True))
    return keys | published_keys(question.campaign).choices_of(question.key)


@transaction.atomic
def choice_create(*, question: Question, by, revision: int | None, label: str,
                  position: int | None = None) -> Choice:
    if not KINDS[question.kind].has_choices:
        raise ValidationError("Only choice questions have choices.")
    label = one_line(label)
    if not label:
        raise ValidationError({"label": "Write the choice as visitors will see it."})
    if len(label) > MAX_LABEL:
        raise ValidationError({"label": f"Keep a choice under {MAX_LABEL} characters."})
    if question.choices.count() >= MAX_CHOICES:
        raise ValidationError({"label": f"A question has at most {MAX_CHOICES} choices."})
    with draft_edit(campaign=question.campaign, by=by, revision=revision,
                    summary=f"added choice “{label}” to “{question.label or question.key}”"):
        choice = Choice.objects.create(
            question=question, label=label, position=question.choices.count(),
            key=key_from(label, taken=_taken(question), fallback="choice"))
        place(question.choices.all(), choice, position)
    return choice


def _weights(question: Question, weights: dict[str, Any]) -> dict[str, float | int]:
    outcomes = set(question.campaign.outcomes.values_list("key", flat=True))
    clean = {}
    for key, value in weights.items():
        if value in (None, "", 0):
            continue
        if key not in outcomes:
            raise ValidationError({"weights": f"There is no outcome “{key}”."})
        if isinstance(value, bool) or not isinstance(value, int | float) or \
                not math.isfinite(value) or abs(value) > MAX_POINTS:
            raise ValidationError({"weights": "Use numbers for outcome weights."})
        clean[key] = int(value) if float(value).is_integer() else value
    return clean


@dataclass(frozen=True)
class ChoiceFields:
    """What the editor saves of a choice: `upload` is a new picture (cleaned by the image
    service), `remove_image` drops the current one."""

    label: str
    key: str
    points: int = 0
    weights: dict[str, Any] | None = None
    upload: Any = None
    remove_image: bool = False


@transaction.atomic
def choice_update(*, choice: Choice, by, revision: int | None, fields: ChoiceFields) -> Choice:
    """Save a choice. ValidationError names the field to fix, the image's included."""
    question = choice.question
    errors: dict[str, Any] = {}
    label, key, points = one_line(fields.label), fields.key, fields.points
    if not label:
        errors["label"] = "Write the choice as visitors will see it."
    elif len(label) > MAX_LABEL:
        errors["label"] = f"Keep a choice under {MAX_LABEL} characters."
    try:
        key = key_check(key, current=choice.key, taken=_taken(question, but=choice),
                        locked=published_keys(question.campaign).choices_of(question.key),
                        noun="choice of this question")
    except ValidationError as error:
        errors.update(error.message_dict)
    if isinstance(points, bool) or not isinstance(points, int) or abs(points) > MAX_POINTS:
        errors["points"] = f"Use a whole number from -{MAX_POINTS:,} to {MAX_POINTS:,}."
    try:
        weights = _weights(question, fields.weights or {})
    except ValidationError as error:
        errors.update(error.message_dict)
    image = "" if fields.remove_image else choice.image
    if fields.upload is not None and not errors:
        try:
            image = image_store(workspace=question.campaign.workspace, upload=fields.upload,
                                purpose="choice")
        except ImageRefused as refused:
            errors["image"] = str(refused)
    if errors:
        raise ValidationError(errors)
    with draft_edit(campaign=question.campaign, by=by, revision=revision,
                    summary=f"edited {_name(choice)}"):
        if key != choice.key:
            choice_key_renamed(question, choice.key, key)
        choice.label, choice.key, choice.points, choice.weights, choice.image = \
            label, key, points, weights, image
        choice.save()
    return choice


def choice_move(*, choice: Choice, by, revision: int | None, position: int) -> Choice:
    question = choice.question
    return draft_move(choice, siblings=question.choices.all(), campaign=question.campaign, by=by,
                      revision=revision, position=position, name=_name(choice))

def choice_delete(*, choice: Choice, by, revision: int | None) -> list[Usage]:
    """Delete a choice; it stops being the correct answer. Returns the rules this broke."""
    question = choice.question
    broken = usages_of_choice(choice)
    with draft_delete(choice, siblings=question.choices.all(), campaign=question.campaign, by=by,
                      revision=revision, name=_name(choice)):
        if question.correct == choice.key:
            question.correct = None
        elif isinstance(question.correct, list) and choice.key in question.correct:
            question.correct = [key for key in question.correct if key != choice.key] or None
        question.save(update_fields=["correct"])
    return broken