"""Value pickers: which control a condition's value is chosen with, and how it is read back.

The control fits the question and the comparison: its choices as a select or checkboxes, Yes/No,
a number, a date, text, two of them for `between`, several for `any of`, none for `is empty`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from campaigns.flow.conditions import OPERATORS
from campaigns.flow.kinds import KINDS, OPINION_SCALE, answer_of
from campaigns.rule_checks import DraftIndex

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


@dataclass(frozen=True)
class Widget:
    """How a leaf's value is picked: `name` is the template's switch, `options` (value, label)."""

    name: str  # none select checkboxes yesno number number_range date date_range text lines numbers
    options: tuple[tuple[str, str], ...] = ()
    integer: bool = False

    def parse(self, values: list[str], value2: str) -> tuple[Any, str | None]:
        """The condition value from what the pickers posted, or a message saying what to fix."""
        first = values[0].strip() if values else ""
        return _PARSERS.get(self.name, _as_typed)(self, first, values, value2.strip())


# Each picker's reading of what was posted: (widget, first value, every value, second value).
Parsed = tuple[Any, str | None]


def _as_typed(widget: Widget, first: str, values: list[str], second: str) -> Parsed:
    return first, None  # date, text


def _select(widget: Widget, first: str, values: list[str], second: str) -> Parsed:
    return first, None if first else "Choose an option."


def _checkboxes(widget: Widget, first: str, values: list[str], second: str) -> Parsed:
    chosen = [v for v in values if v]
    if not chosen:
        return [], "Choose at least one option."
    return [int(v) if widget.integer and v.lstrip("-").isdigit() else v for v in chosen], None


def _yesno(widget: Widget, first: str, values: list[str], second: str) -> Parsed:
    if first not in ("true", "false"):
        return None, "Choose Yes or No."
    return first == "true", None


def _number(widget: Widget, first: str, values: list[str], second: str) -> Parsed:
    return parse_number(first)


def _number_range(widget: Widget, first: str, values: list[str], second: str) -> Parsed:
    low, problem = parse_number(first)
    high, other = parse_number(second)
    return [low, high], problem or other


def _date_range(widget: Widget, first: str, values: list[str], second: str) -> Parsed:
    return [first, second], None


def _lines(widget: Widget, first: str, values: list[str], second: str) -> Parsed:
    lines = [line.strip() for value in values for line in value.splitlines()]
    lines = [line for line in lines if line]
    return lines, None if lines else "Enter at least one value, one per line."


def _numbers(widget: Widget, first: str, values: list[str], second: str) -> Parsed:
    parts = [p.strip() for value in values for p in value.split(",") if p.strip()]
    if not parts:
        return [], "Enter at least one number, separated by commas."
    numbers = []
    for part in parts:
        number, problem = parse_number(part)
        if problem:
            return [], f"“{part[:20]}” is not a number."
        numbers.append(number)
    return numbers, None


_PARSERS: dict[str, Callable[[Widget, str, list[str], str], Parsed]] = {
    "select": _select, "checkboxes": _checkboxes, "yesno": _yesno, "number": _number,
    "number_range": _number_range, "date_range": _date_range, "lines": _lines,
    "numbers": _numbers,
}


def parse_number(text: str) -> tuple[int | float | None, str | None]:
    if not text:
        return None, "Enter a number."
    if len(text) > 30 or not _NUMBER.fullmatch(text):
        return None, "Enter a number, like 3 or 2.5."
    value = float(text)
    if not math.isfinite(value):
        return None, "Enter a smaller number."
    return (int(value) if value.is_integer() and "." not in text else value), None


def widget_for(index: DraftIndex, name: str, op: str) -> Widget:
    if op not in OPERATORS or OPERATORS[op].value == "none":
        return Widget("none")
    shape = OPERATORS[op].value
    question = index.questions.get(name[8:]) if name.startswith("answers.") else None
    kind = question.kind if question else "number"
    answer = answer_of(kind)
    if answer in ("choice", "choices"):
        options = tuple(question.choices.items())
        return Widget("checkboxes" if shape == "list" else "select", options)
    if answer == "bool":
        return Widget("yesno", (("true", "Yes"), ("false", "No")))
    if answer == "number":
        return _number_widget(question, kind, shape)
    if answer == "date":
        return Widget("date_range" if shape == "range" else "date")
    return Widget("lines" if shape == "list" else "text")


def _number_widget(question, kind: str, shape: str) -> Widget:
    if shape == "range":
        return Widget("number_range")
    if shape == "list" and KINDS[kind].scale:
        low, high = _scale(question)
        return Widget("checkboxes", tuple((str(n), str(n)) for n in range(low, high + 1)),
                      integer=True)
    return Widget("numbers" if shape == "list" else "number")


def _scale(question) -> tuple[int, int]:
    if question.kind == "opinion_scale":
        return OPINION_SCALE
    low, high = question.validation.get("min", 1), question.validation.get("max", 5)
    valid = all(isinstance(n, int) and not isinstance(n, bool) for n in (low, high))
    return (low, high) if valid and 0 <= low <= high <= 100 else (1, 5)
