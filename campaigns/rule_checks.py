"""Checking one rule against the draft it belongs to, with a message for each field that is wrong.

`validate()` finds broken references at publish time; the rule editor must refuse them when the
rule is saved, next to the dropdown that is wrong. Errors are keyed by where the field sits in
the rule: `when.<i>.<j>.field` / `.op` / `.value` for the leaf at items i then j of the groups,
`when.<i>` for a group, and `action.type` / `.step` / `.outcome` / `.target` / `.value`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from campaigns import flow
from campaigns.flow.conditions import OPERATORS, as_date, is_number, pattern_problem
from campaigns.flow.kinds import answer_of
from campaigns.flow.schema import (
    ADJUSTMENTS,
    JUMPS,
    MAX_CONDITION_DEPTH,
    MAX_GROUP_ITEMS,
    MAX_VALUE_ITEMS,
    NUMBER_LIMIT,
    POINTS_LIMIT,
    SLUG,
)

TEXT_VALUE_LIMIT = 1_000
_VARIABLE = re.compile(r"vars\.([a-z0-9][a-z0-9_-]{0,62})")


@dataclass(frozen=True)
class DraftQuestion:
    key: str
    kind: str
    label: str
    step: str
    choices: dict[str, str]  # key -> label, in order
    validation: dict[str, Any]


@dataclass
class DraftIndex:
    """What a rule may refer to in the draft, read from its blueprint document."""

    steps: dict[str, str] = field(default_factory=dict)  # key -> title, in order
    questions: dict[str, DraftQuestion] = field(default_factory=dict)
    outcomes: dict[str, str] = field(default_factory=dict)  # key -> title
    variables: list[str] = field(default_factory=list)  # names actions set, sorted

    @classmethod
    def of(cls, document: dict) -> DraftIndex:
        index = cls()
        names: set[str] = set()
        for step in document["steps"]:
            index.steps[step["key"]] = step.get("title", "")
            for question in step.get("questions", []):
                index.questions[question["key"]] = DraftQuestion(
                    key=question["key"], kind=question["kind"],
                    label=question.get("label", ""), step=step["key"],
                    choices={c["key"]: c.get("label", "") for c in question.get("choices", [])},
                    validation=question.get("validation") or {},
                )
            for rule in step.get("rules", []):
                target = (rule.get("action") or {}).get("target") or ""
                if match := _VARIABLE.fullmatch(target):
                    names.add(match.group(1))
        index.outcomes = {o["key"]: o.get("title", "") for o in document.get("outcomes", [])}
        index.variables = sorted(names)
        return index

    def operators_for_field(self, name: str) -> tuple[str, ...]:
        """The operators a condition on `name` (answers.<key>, score, vars.<name>) may use."""
        if name == "score" or _VARIABLE.fullmatch(name):
            return flow.SCORE_OPERATORS
        question = self.questions.get(name.removeprefix("answers.")) if name.startswith(
            "answers.") else None
        if question is None or question.kind not in flow.KINDS:
            return ()
        return flow.operators_for(question.kind)


class RuleInvalid(ValidationError):
    """The rule was refused: a draft edit's ValidationError whose `errors` maps each wrong
    field (a path into the rule) to what to do about it."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__(errors)


def check_rule(index: DraftIndex, step_key: str, condition: Any, action: Any) -> dict[str, str]:
    """Every problem of `condition` (None: always) and `action` against the draft."""
    errors: dict[str, str] = {}
    if step_key not in index.steps:
        errors["step"] = "This step no longer exists. Reload the page."
    if condition is not None:
        _check_group(index, condition, "when", 0, errors)
    _check_action(index, step_key, action, errors)
    if not errors:
        _check_with_engine(condition, action, errors)
    return errors


def _check_group(index: DraftIndex, group: Any, path: str, depth: int,
                 errors: dict[str, str]) -> None:
    mode = next((m for m in ("all", "any") if isinstance(group, dict) and m in group), None)
    if mode is None or not isinstance(group[mode], list) or len(group) != 1:
        errors[path] = "This group of conditions could not be read. Reload the page."
        return
    if depth >= MAX_CONDITION_DEPTH:
        errors[path] = f"Conditions nest at most {MAX_CONDITION_DEPTH} groups deep."
        return
    items = group[mode]
    if not items:
        errors[path] = "Add at least one condition to this group, or remove the group."
    if len(items) > MAX_GROUP_ITEMS:
        errors[path] = f"A group holds at most {MAX_GROUP_ITEMS} conditions."
        return
    for position, item in enumerate(items):
        where = f"{path}.{position}"
        if isinstance(item, dict) and ("all" in item or "any" in item):
            _check_group(index, item, where, depth + 1, errors)
        else:
            _check_leaf(index, item, where, errors)


def _check_leaf(index: DraftIndex, leaf: Any, path: str, errors: dict[str, str]) -> None:
    if not isinstance(leaf, dict) or set(leaf) - {"field", "op", "value"}:
        errors[path] = "This condition could not be read. Reload the page."
        return
    name, op, value = leaf.get("field"), leaf.get("op"), leaf.get("value")
    if not isinstance(name, str) or not name:
        errors[f"{path}.field"] = "Choose a question, the score or a variable."
        return
    question = None
    if name.startswith("answers."):
        question = index.questions.get(name.removeprefix("answers."))
        if question is None:
            errors[f"{path}.field"] = "This question no longer exists. Choose another one."
            return
    elif name != "score" and not _VARIABLE.fullmatch(name):
        errors[f"{path}.field"] = "Choose a question, the score or a variable."
        return
    operators = index.operators_for_field(name)
    if not operators:
        errors[f"{path}.field"] = "This question has no answer a condition can test."
        return
    if op not in operators:
        known = isinstance(op, str) and op in OPERATORS
        errors[f"{path}.op"] = (f"“{op.replace('_', ' ')}” does not fit this question; choose "
                                "another comparison." if known else "Choose a comparison.")
        return
    message = _value_problem(question, op, value)
    if message:
        errors[f"{path}.value"] = message


def _value_problem(question: DraftQuestion | None, op: str, value: Any) -> str | None:
    """Why `value` cannot be compared by `op` with the answer to `question` (None: a number)."""
    kind = question.kind if question is not None else "number"
    check = _VALUE_CHECKS.get(OPERATORS[op].value, _one_value)
    return check(question, kind, value)


def _no_value(_question: DraftQuestion | None, _kind: str, value: Any) -> str | None:
    return None if value is None else "This comparison takes no value."


def _list_value(question: DraftQuestion | None, kind: str, value: Any) -> str | None:
    if not isinstance(value, list) or not value:
        return "Choose at least one value."
    if len(value) > MAX_VALUE_ITEMS:
        return f"Use at most {MAX_VALUE_ITEMS} values."
    return next(filter(None, (_one_value(question, kind, item) for item in value)), None)


def _range_value(question: DraftQuestion | None, kind: str, value: Any) -> str | None:
    if not isinstance(value, list) or len(value) != 2:
        return "Enter both ends of the range."
    low, high = value
    problem = _one_value(question, kind, low) or _one_value(question, kind, high)
    if problem or low <= high:
        return problem
    return "Put the earlier date first." if kind == "date" else "Put the smaller number first."


def _pattern_value(_question: DraftQuestion | None, _kind: str, value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return "Enter a pattern."
    return pattern_problem(value)


def _date_value(question: DraftQuestion | None, _kind: str, value: Any) -> str | None:
    return _one_value(question, "date", value)


def _number_value(question: DraftQuestion | None, _kind: str, value: Any) -> str | None:
    return _one_value(question, "number", value)


def _one_value(question: DraftQuestion | None, kind: str, value: Any) -> str | None:
    """Why `value` is not one answer of `kind` (of `question`, for its choices)."""
    return _ANSWER_CHECKS.get(answer_of(kind), _text_answer)(question, value)


def _choice_answer(question: DraftQuestion | None, value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return "Choose an option."
    if value not in question.choices:
        return "This option no longer exists. Choose another one."
    return None


def _number_answer(_question: DraftQuestion | None, value: Any) -> str | None:
    if not is_number(value) or not math.isfinite(value):
        return "Enter a number."
    return None if abs(value) <= NUMBER_LIMIT else "Enter a smaller number."


def _text_answer(_question: DraftQuestion | None, value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return "Enter a value."
    if len(value) > TEXT_VALUE_LIMIT:
        return f"Use at most {TEXT_VALUE_LIMIT} characters."
    return None


# One value checked by the answer type of the question it is compared with; any other type
# (text, email, ...) is a line of text.
_ANSWER_CHECKS = {
    "choice": _choice_answer,
    "choices": _choice_answer,
    "bool": lambda _question, value: None if isinstance(value, bool) else "Choose Yes or No.",
    "number": _number_answer,
    "date": lambda _question, value: (
        None if as_date(value) is not None else "Enter a date (YYYY-MM-DD).")
}


# How a condition's value is checked, by the shape its operator takes (flow.conditions); any
# other shape is one value of the question's own answer type.
_VALUE_CHECKS = {"none": _no_value, "list": _list_value, "range": _range_value,
                 "pattern": _pattern_value, "date": _date_value, "number": _number_value}


def _check_action(index: DraftIndex, step_key: str, action: Any,
                  errors: dict[str, str]) -> None:
    kind = action.get("type") if isinstance(action, dict) else None
    if kind not in (*JUMPS, *ADJUSTMENTS):
        errors["action.type"] = "Choose what happens."
        return
    if kind == "goto_step":
        target = action.get("step")
        if target not in index.steps:
            errors["action.step"] = ("Choose a step." if not target
                                     else "This step no longer exists. Choose another one.")
        elif target == step_key:
            errors["action.step"] = "A step cannot jump to itself: the visitor would be stuck."
    elif kind == "goto_outcome":
        target = action.get("outcome")
        if target not in index.outcomes:
            errors["action.outcome"] = ("Choose an outcome." if not target
                                        else "This outcome no longer exists. Choose another one.")
    elif kind in ADJUSTMENTS:
        target = action.get("target")
        if not isinstance(target, str) or not (target == "score" or (
                target.startswith("vars.") and SLUG.fullmatch(target[5:]))):
            errors["action.target"] = ("Name the variable with lower-case letters, digits, - "
                                       "or _ (for example: interest).")
        value = action.get("value")
        if not is_number(value):
            errors["action.value"] = "Enter a number."
        elif abs(value) > POINTS_LIMIT:
            errors["action.value"] = f"Use a number within ±{POINTS_LIMIT:g}."


def _check_with_engine(condition: Any, action: Any, errors: dict[str, str]) -> None:
    """The engine's own reading of the rule: whatever passed above must load."""
    document = {"schema": 1, "name": "rule", "kind": "form",
                "steps": [{"key": "rule", "rules": [{"when": condition, "action": action}]}]}
    try:
        flow.normalise(document)
    except flow.BlueprintError as error:
        errors["rule"] = "; ".join(problem.message for problem in error.problems[:3])
