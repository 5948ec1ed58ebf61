"""Short human sentences for conditions and actions: "size is Large", "go to step trail"."""

from __future__ import annotations

from typing import Any

from campaigns.flow.kinds import answer_of, format_number
from campaigns.rule_checks import DraftIndex

OPERATOR_LABELS = {
    "equals": "is",
    "not_equals": "is not",
    "contains": "contains",
    "not_contains": "does not contain",
    "any_of": "is any of",
    "all_of": "includes all of",
    "none_of": "is none of",
    "gt": "is more than",
    "gte": "is at least",
    "lt": "is less than",
    "lte": "is at most",
    "between": "is between",
    "is_empty": "is not answered",
    "is_not_empty": "is answered",
    "before": "is before",
    "after": "is after",
    "matches": "matches the pattern",
}
# A multiple-choice answer is a set of options: say "includes" rather than "contains".
MULTIPLE_LABELS = {
    **OPERATOR_LABELS,
    "contains": "includes",
    "not_contains": "does not include",
    "any_of": "includes any of",
    "none_of": "includes none of",
}
ACTION_LABELS = {
    "goto_step": "Go to step",
    "goto_outcome": "Go to outcome",
    "end": "End",
    "add": "Add to",
    "subtract": "Subtract from",
    "set": "Set",
}


def operator_label(op: str, kind: str | None) -> str:
    labels = MULTIPLE_LABELS if answer_of(kind) == "choices" else OPERATOR_LABELS
    return labels.get(op, op.replace("_", " "))


def field_label(index: DraftIndex, name: str) -> str:
    if name == "score":
        return "score"
    if name.startswith("vars."):
        return name[5:]
    return name.removeprefix("answers.")


def _value(index: DraftIndex, kind: str | None, choices: dict[str, str], value: Any) -> str:
    if answer_of(kind) in ("choice", "choices") and isinstance(value, str):
        return choices.get(value, value)
    if answer_of(kind) == "bool" and isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float):
        return format_number(value)
    return f"“{value}”" if isinstance(value, str) and kind not in ("date",) else str(value)


def describe_condition(index: DraftIndex, condition: Any, *, nested: bool = False) -> str:
    """`condition` (a blueprint condition; None means always) as one line."""
    if condition is None:
        return "always"
    if not isinstance(condition, dict):
        return "?"
    for mode, joiner in (("all", " and "), ("any", " or ")):
        if mode in condition:
            parts = [describe_condition(index, item, nested=True) for item in condition[mode]]
            text = joiner.join(parts) or "always"
            return f"({text})" if nested and len(parts) > 1 else text
    return _describe_leaf(index, condition)


def _describe_leaf(index: DraftIndex, condition: dict) -> str:
    name, op, value = condition.get("field", ""), condition.get("op", ""), condition.get("value")
    question = index.questions.get(name.removeprefix("answers.")) if name.startswith(
        "answers.") else None
    kind = question.kind if question else None
    choices = question.choices if question else {}
    subject = field_label(index, name)
    verb = operator_label(op, kind)
    if value is None:
        return f"{subject} {verb}"
    if op == "between" and isinstance(value, list) and len(value) == 2:
        low, high = (_value(index, kind, choices, item) for item in value)
        return f"{subject} {verb} {low} and {high}"
    if isinstance(value, list):
        shown = ", ".join(_value(index, kind, choices, item) for item in value)
        return f"{subject} {verb} {shown}"
    return f"{subject} {verb} {_value(index, kind, choices, value)}"


def describe_action(index: DraftIndex, action: dict) -> str:
    kind = action.get("type")
    if kind == "goto_step":
        step = action.get("step", "")
        title = index.steps.get(step)
        return f"go to step {step}" + (f" ({title})" if title else "")
    if kind == "goto_outcome":
        outcome = action.get("outcome", "")
        return f"go to outcome “{index.outcomes.get(outcome, outcome)}”"
    if kind == "end":
        return "end"
    target = action.get("target", "score")
    name = "the score" if target == "score" else target.removeprefix("vars.")
    value = action.get("value", 0)
    amount = format_number(value) if isinstance(value, int | float) else value
    if kind == "set":
        return f"set {name} to {amount}"
    return f"add {amount} to {name}" if kind == "add" else f"subtract {amount} from {name}"
