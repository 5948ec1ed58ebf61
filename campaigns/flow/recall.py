"""Recall and merge tags: `{{ name }}` replaced by allow-listed values, in one pass.

This is plain text substitution, never a template engine: a value inserted into the text is not
scanned again, so `{{ score }}` typed into an answer stays literal text. Names missing from the
context render as "" (validate() reports them before publish).
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Mapping
from typing import Any

from .definition import Definition, Outcome
from .engine import State
from .kinds import display, format_number

# One greedy class and no nested quantifier: linear in the length of the text.
TAG = re.compile(r"\{\{([^{}]*)\}\}")

STEP_NAMES = ("score",)
OUTCOME_NAMES = ("score", "outcome.title")
EMAIL_NAMES = (
    "score",
    "outcome.title",
    "result_link",
    "referral_link",
    "unsubscribe_link",
    "resume_link",
    "name",
    # Given by the winner notification (entries.mail.outbox.email_queue's `extra`).
    "claim_link",
    "claim_deadline",
    "proof_link",
)
# "Continue later" emails whatever address is typed into its form, an address nobody proved:
# such an email shows only these names, never a visitor's words (their name, answers, an outcome
# title recalling them), or anyone could send their own text to a stranger from the campaign.
UNPROVEN_TRIGGERS = frozenset({"resume"})
UNPROVEN_NAMES = ("resume_link", "result_link", "referral_link", "unsubscribe_link")


def untagged(text: str) -> str:
    """`text` with each recall tag shown as an ellipsis: the label for every entry at once (a
    filter option, a chart, a CSV header or cell), where no one visitor's answers apply."""
    return TAG.sub("…", text)


def tags_in(text: str) -> list[str]:
    """The names used in `text`, each once, in order of first use."""
    return list(dict.fromkeys(match.group(1).strip() for match in TAG.finditer(text)))


def render(text: str, context: Mapping[str, str], *, html: bool) -> str:
    """`text` with each tag replaced by its value in `context` (escaped when `html`)."""

    def value(match: re.Match[str]) -> str:
        found = context.get(match.group(1).strip(), "")
        return html_lib.escape(found) if html else found

    return TAG.sub(value, text)


def recall_context(
    definition: Definition,
    answers: Mapping[str, Any],
    state: State,
    outcome: Outcome | None,
) -> dict[str, str]:
    """Every recall name and its display text; callers add email-only names like result_link."""
    context: dict[str, str] = {"score": format_number(state.score)}
    for key, value in answers.items():
        question = definition.questions_by_key.get(key)
        if question is not None:
            context[f"answers.{key}"] = display(question, value)
    for name in definition.variables:
        context[f"vars.{name}"] = format_number(state.vars.get(name, 0))
    # The title may itself recall answers; it is rendered here so one pass suffices later.
    context["outcome.title"] = render(outcome.title, context, html=False) if outcome else ""
    return context
