"""The focus and chat modes' server side: a step one question per page without JavaScript, and
the chat's earlier conversation, drawn from the entry so that a reload or a resume keeps it.

With JavaScript, runtime/modes.js shows a step's questions one at a time over the whole step's
form. Without it, the same form is sent over several plain requests: "part" i shows one question
(a statement shows with the question after it) and carries the others' answers in their own,
hidden, fields; only the last part submits the step, so the entry is saved as a card's is.
"""

from typing import Any

from django.utils.translation import gettext

from campaigns import flow
from campaigns.flow.engine import chosen_choices
from entries.rendering import plain

STEPPED_MODES = ("focus", "chat")


class PartRefused(Exception):
    """A posted part number that is not one of the step's parts (a doctored form)."""


def step_parts(definition: flow.Definition, step: flow.Step) -> list[tuple[str, ...]]:
    """The step's questions by page, as question keys; one page when the mode shows whole steps.

    Hidden fields have no page. A chosen file cannot be carried from one page to the next, so
    a file question and every question after it share the last page.
    """
    asked = [q for q in step.questions if q.kind != "hidden"]
    if definition.theme.mode not in STEPPED_MODES:
        return [tuple(q.key for q in asked)]
    parts: list[tuple[str, ...]] = []
    pending: list[str] = []
    for n, question in enumerate(asked):
        if question.kind == "file_upload":
            parts.append((*pending, *(q.key for q in asked[n:])))
            return parts
        pending.append(question.key)
        if question.kind != "statement":
            parts.append(tuple(pending))
            pending = []
    if pending and parts:
        parts[-1] = (*parts[-1], *pending)  # a closing statement shows with the last question
    elif pending:
        parts.append(tuple(pending))
    return parts


def posted_part(value: str, parts: list[tuple[str, ...]]) -> int:
    """The part number a form posted; PartRefused unless it is one of the step's."""
    # Compared as text: str.isdigit() also takes "²" and 5,000-digit numbers, which int() refuses.
    if value not in {str(n) for n in range(len(parts))}:
        raise PartRefused(gettext("That question is not part of this step. Carry on from the "
                                  "one shown."))
    return int(value)


def part_with(parts: list[tuple[str, ...]], keys) -> int:
    """The first part holding one of `keys` (the questions with errors); 0 if none does."""
    return next((n for n, part in enumerate(parts) if set(part) & set(keys)), 0)


def chat_history(definition: flow.Definition, trail: list[str], answers: dict[str, Any],
                 recall: dict) -> list[dict]:
    """The conversation of the steps already answered, in order: each step's title, then each
    question asked (recall applied) and the visitor's answer as they saw it (a choice's label,
    not its stored key). Read from the definition and the entry already loaded: no query."""
    said = []
    for step_key in trail:
        step = definition.steps_by_key.get(step_key)
        if step is None:
            continue
        if step.title:
            said.append({"who": "bot", "title": True, "text": plain(step.title, recall)})
        for question in step.questions:
            if question.kind == "hidden":
                continue
            said.append({"who": "bot", "text": plain(question.label, recall)})
            if question.kind != "statement":
                said.append({"who": "me", "text": answer_text(question, answers.get(question.key))})
    return said


def answer_text(question: flow.Question, value: Any) -> str:
    """A stored answer as the visitor gave it; "" for no answer."""
    if value is None or value in ("", []):
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, dict):  # an uploaded file
        return str(value.get("name", ""))
    if question.choices:
        return ", ".join(choice.label for choice in chosen_choices(question, value))
    return str(value)
