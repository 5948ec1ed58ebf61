"""Questions of a draft step: create, edit (kind and settings), move, duplicate, delete."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from campaigns.flow import KINDS
from campaigns.models import Choice, Question, Step
from campaigns.services.drafts import draft_edit

from .keys import key_check, key_from, published_keys
from .ordering import after, draft_delete, place, renumber
from .renames import question_key_renamed
from .settings import validation_carry, validation_clean, validation_defaults
from .text import one_line
from .usage import Usage, usages_of_question

MAX_QUESTIONS_PER_STEP = 50
MAX_POINTS = 1_000_000
LIMITS = {"label": 500, "help": 1000, "placeholder": 200}


def _name(question: Question) -> str:
    return f"question “{question.label or question.key}”"


def _taken_question_keys(step: Step, *, but: Question | None = None) -> set[str]:
    keys = Question.objects.filter(campaign_id=step.campaign_id).exclude(
        pk=getattr(but, "pk", None)).values_list("key", flat=True)
    return set(keys) | published_keys(step.campaign).questions


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValidationError({"kind": "Choose one of the question kinds listed."})


@transaction.atomic
def question_create(*, step: Step, by, revision: int | None, kind: str, label: str = "",
                    position: int | None = None) -> Question:
    """A new question of `kind` on `step`, keyed from its label, with the kind's defaults."""
    _check_kind(kind)
    label = one_line(label)
    if not label and kind != "hidden":
        raise ValidationError({"label": "Write the question (or the text to show) first."})
    if len(label) > LIMITS["label"]:
        raise ValidationError({"label": f"Keep the label under {LIMITS['label']} characters."})
    if step.questions.count() >= MAX_QUESTIONS_PER_STEP:
        raise ValidationError(f"A step holds at most {MAX_QUESTIONS_PER_STEP} questions; add "
                              "another step.")
    key = key_from(label, taken=_taken_question_keys(step), fallback=kind, underscore=True)
    with draft_edit(campaign=step.campaign, by=by, revision=revision,
                    summary=f"added question “{label or key}” to step “{step.title or step.key}”"):
        question = Question.objects.create(
            campaign_id=step.campaign_id, step=step, key=key, kind=kind, label=label,
            validation=validation_defaults(kind), position=step.questions.count())
        place(step.questions.all(), question, position)
    return question


def _correct(kind: str, correct: Any, choice_keys: set[str]) -> Any:
    """The correct answer in the shape the kind takes; ValidationError if it names no choice."""
    if not KINDS[kind].has_choices or correct in (None, "", []):
        return None
    keys = correct if isinstance(correct, list | tuple) else [correct]
    unknown = [key for key in keys if key not in choice_keys]
    if unknown:
        raise ValidationError({"correct": "Pick the correct answer among this question's "
                                          "choices."})
    if not KINDS[kind].multiple:
        if len(keys) > 1:
            raise ValidationError({"correct": "This kind has exactly one correct answer."})
        return keys[0]
    return list(keys)


@dataclass(frozen=True)
class QuestionFields:
    """What the editor saves of a question. `key` None keeps it (a published key is locked);
    `contact` None keeps its contact role."""

    kind: str
    label: str
    help: str = ""
    required: bool = False
    placeholder: str = ""
    validation: dict[str, Any] | None = None
    points: int = 0
    correct: Any = None
    key: str | None = None
    contact: str | None = None


@transaction.atomic
def question_update(*, question: Question, by, revision: int | None,
                    fields: QuestionFields) -> Question:
    """Save a question. Changing its kind keeps the settings, choices and correct answer that
    the new kind has too; choices go when the new kind has none. ValidationError names the
    field (or setting) to fix."""
    kind, points, correct, key = fields.kind, fields.points, fields.correct, fields.key
    _check_kind(kind)
    errors: dict[str, Any] = {}
    texts = {"label": one_line(fields.label), "help": fields.help.strip(),
             "placeholder": one_line(fields.placeholder)}
    for name, text in texts.items():
        if len(text) > LIMITS[name]:
            errors[name] = f"Keep this under {LIMITS[name]} characters."
    if not texts["label"] and kind != "hidden":
        errors["label"] = ("Write the text to show." if kind == "statement"
                           else "Every question needs a label visitors can read.")
    settings = _settings(question, kind, fields.validation, errors)
    if isinstance(points, bool) or not isinstance(points, int) or abs(points) > MAX_POINTS:
        errors["points"] = f"Use a whole number from -{MAX_POINTS:,} to {MAX_POINTS:,}."
    choice_keys = set(question.choices.values_list("key", flat=True))
    if kind != question.kind and isinstance(correct, str | list):
        correct = _carried_correct(kind, correct)
    try:
        correct = _correct(kind, correct, choice_keys)
    except ValidationError as error:
        errors.update(error.message_dict)
    contact = _contact(question, kind, fields.contact, errors)
    if key is not None:
        try:
            key = key_check(key, current=question.key,
                            taken=_taken_question_keys(question.step, but=question),
                            locked=published_keys(question.campaign).questions, noun="question")
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with draft_edit(campaign=question.campaign, by=by, revision=revision,
                    summary=f"edited {_name(question)}"):
        if not KINDS[kind].has_choices:
            question.choices.all().delete()
        question.kind, question.validation, question.points, question.correct = \
            kind, settings, points, correct
        question.label, question.help, question.placeholder = \
            texts["label"], texts["help"], texts["placeholder"]
        question.required = bool(fields.required) and kind != "statement"
        question.contact = contact
        if key and key != question.key:
            question_key_renamed(question.campaign, question.key, key)
            question.key = key
        question.save()
    return question


def _settings(question: Question, kind: str, validation: dict[str, Any] | None,
              errors: dict) -> dict[str, Any]:
    """`validation` holds settings of `kind`; on a change of kind, what it leaves out comes
    from the saved settings that still mean the same."""
    settings = dict(validation or {})
    if kind != question.kind:
        settings = {**validation_carry(question.kind, kind, question.validation), **settings}
    try:
        return validation_clean(kind, settings)
    except ValidationError as error:
        errors.update(error.message_dict)
        return settings


def _contact(question: Question, kind: str, contact: str | None, errors: dict) -> str:
    contact = question.contact if contact is None else contact
    if contact in ("", "none", *KINDS[kind].contact_roles):
        return contact
    if kind != question.kind and contact == question.contact:
        return ""  # the new kind cannot hold the old role: decide by kind again
    errors["contact"] = "This kind of question cannot hold that about the entrant."
    return contact


def _carried_correct(kind: str, correct: Any) -> Any:
    keys = correct if isinstance(correct, list) else [correct]
    if not KINDS[kind].multiple:
        return keys[0] if len(keys) == 1 else None
    return keys


@transaction.atomic
def question_move(*, question: Question, by, revision: int | None, position: int | None,
                  step: Step | None = None) -> Question:
    """Move a question to `position` (None: last) on its step, or on `step` of its campaign."""
    old_step = question.step
    step = step or old_step
    if step.campaign_id != question.campaign_id:
        raise ValidationError("A question moves only between steps of its own campaign.")
    if step != old_step and step.questions.count() >= MAX_QUESTIONS_PER_STEP:
        raise ValidationError(f"That step already holds {MAX_QUESTIONS_PER_STEP} questions.")
    where = f"step “{step.title or step.key}”" if step != old_step else \
        f"position {(position or 0) + 1}"
    with draft_edit(campaign=question.campaign, by=by, revision=revision,
                    summary=f"moved {_name(question)} to {where}"):
        if step != old_step:
            question.step = step
            question.save(update_fields=["step"])
            renumber(list(old_step.questions.all()))
        place(step.questions.all(), question, position)
    return question


@transaction.atomic
def question_duplicate(*, question: Question, by, revision: int | None) -> Question:
    """A copy right after the question, with a fresh key and the same choices."""
    step = question.step
    if step.questions.count() >= MAX_QUESTIONS_PER_STEP:
        raise ValidationError(f"A step holds at most {MAX_QUESTIONS_PER_STEP} questions.")
    with draft_edit(campaign=question.campaign, by=by, revision=revision,
                    summary=f"duplicated {_name(question)}"):
        choices = list(question.choices.all())
        copy_ = Question.objects.get(pk=question.pk)
        copy_.pk = None
        copy_.key = key_from(question.key, taken=_taken_question_keys(step), fallback="question",
                             underscore=True)
        copy_.position = step.questions.count()
        copy_.save()
        Choice.objects.bulk_create(
            Choice(question=copy_, key=c.key, position=c.position, label=c.label, image=c.image,
                   points=c.points, weights=c.weights) for c in choices)
        place(step.questions.all(), copy_, after(step.questions.all(), question))
    return copy_


def question_delete(*, question: Question, by, revision: int | None) -> list[Usage]:
    """Delete a question and its choices; returns the references this left broken."""
    broken = usages_of_question(question)
    with draft_delete(question, siblings=question.step.questions.all(),
                      campaign=question.campaign, by=by, revision=revision,
                      name=_name(question)):
        pass  # its choices go with it
    return broken
