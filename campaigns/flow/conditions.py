"""Conditions: AND/OR groups of leaves, and the one table of operators that decides a leaf.

Every operator is total: whatever a visitor's answer holds (a string where a number was expected,
a list, None), it returns True or False and never raises. A missing answer (None, "" or []) only
satisfies `is_empty`, `not_equals`, `not_contains` and `none_of`; a negated operator is otherwise
the exact complement of its positive one.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any, Literal

import regex

PATTERN_MAX_LENGTH = 200
MATCH_INPUT_MAX_LENGTH = 1_000
MATCH_TIMEOUT_SECONDS = 0.05
# Counted repeats are expanded when a pattern compiles: `((a{100}){100}){100}` takes seconds.
PATTERN_MAX_REPEAT_PRODUCT = 10_000

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_COUNTED_REPEAT = re.compile(r"\{\s*([0-9]+)\s*(?:,\s*([0-9]*)\s*)?\}")


@dataclass(frozen=True, slots=True)
class Leaf:
    """`{"field": F, "op": OP, "value": V}`; `source`/`name` are F split once at load time."""

    field: str
    op: str
    value: Any
    source: Literal["answers", "score", "vars"]
    name: str


@dataclass(frozen=True, slots=True)
class Group:
    """`{"all": [...]}` (every item holds) or `{"any": [...]}` (at least one does)."""

    mode: Literal["all", "any"]
    items: tuple[Condition, ...]


Condition = Leaf | Group


@dataclass(frozen=True, slots=True)
class Context:
    """What a condition can look at: the answers so far, the score and the variables."""

    answers: Mapping[str, Any]
    score: float = 0
    vars: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))

    def lookup(self, leaf: Leaf) -> Any:
        if leaf.source == "answers":
            return self.answers.get(leaf.name)
        if leaf.source == "score":
            return self.score
        # A variable no action has set yet reads as 0, exactly as `add` starts from 0.
        return self.vars.get(leaf.name, 0)


def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | tuple | dict) and len(value) == 0)


def is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def as_date(value: Any) -> date | None:
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def pattern_problem(pattern: str) -> str | None:
    """Why `pattern` may not be used with `matches`, or None when it is acceptable."""
    if len(pattern) > PATTERN_MAX_LENGTH:
        return f"A pattern may have at most {PATTERN_MAX_LENGTH} characters."
    product = 1
    for match in _COUNTED_REPEAT.finditer(pattern):
        product *= max(1, int(match.group(2) or match.group(1)))
        if product > PATTERN_MAX_REPEAT_PRODUCT:
            return "The pattern repeats too much; use smaller {n,m} counts."
    if compiled_pattern(pattern) is None:
        return "The pattern is not a valid regular expression."
    return None


@functools.lru_cache(maxsize=1024)
def compiled_pattern(pattern: str) -> regex.Pattern[str] | None:
    try:
        return regex.compile(pattern)
    except (regex.error, ValueError, OverflowError, RecursionError, TypeError):
        return None


def _same(answer: Any, value: Any) -> bool:
    if isinstance(answer, bool) or isinstance(value, bool):
        return answer is value
    if is_number(answer) and is_number(value):
        return answer == value
    if isinstance(answer, str) and isinstance(value, str):
        return answer.casefold() == value.casefold()
    return False


def _items(answer: Any) -> list[Any]:
    return list(answer) if isinstance(answer, list | tuple) else [answer]


def _equals(answer: Any, value: Any) -> bool:
    return _same(answer, value)


def _contains(answer: Any, value: Any) -> bool:
    if isinstance(answer, str):
        return isinstance(value, str) and value.casefold() in answer.casefold()
    if isinstance(answer, list | tuple):
        return any(_same(item, value) for item in answer)
    return False


def _any_of(answer: Any, values: Any) -> bool:
    if not isinstance(values, list | tuple):
        return False
    return any(_same(item, value) for item in _items(answer) for value in values)


def _all_of(answer: Any, values: Any) -> bool:
    if not isinstance(values, list | tuple) or not values:
        return False
    items = _items(answer)
    return all(any(_same(item, value) for item in items) for value in values)


def _compare(test: Callable[[float, float], bool]) -> Callable[[Any, Any], bool]:
    def compare(answer: Any, value: Any) -> bool:
        return is_number(answer) and is_number(value) and test(answer, value)

    return compare


def _between(answer: Any, bounds: Any) -> bool:
    if not isinstance(bounds, list | tuple) or len(bounds) != 2:
        return False
    low, high = bounds
    if is_number(answer) and is_number(low) and is_number(high):
        return low <= answer <= high
    day, first, last = as_date(answer), as_date(low), as_date(high)
    return day is not None and first is not None and last is not None and first <= day <= last


def _dates(test: Callable[[date, date], bool]) -> Callable[[Any, Any], bool]:
    def compare(answer: Any, value: Any) -> bool:
        day, other = as_date(answer), as_date(value)
        return day is not None and other is not None and test(day, other)

    return compare


def _matches(answer: Any, pattern: Any) -> bool:
    if not isinstance(answer, str) or not isinstance(pattern, str):
        return False
    if pattern_problem(pattern) is not None:
        return False
    compiled = compiled_pattern(pattern)
    try:
        found = compiled.search(answer[:MATCH_INPUT_MAX_LENGTH], timeout=MATCH_TIMEOUT_SECONDS)
    except TimeoutError:
        return False
    return found is not None


def _negate(test: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def negated(answer: Any, value: Any) -> bool:
        return not test(answer, value)

    return negated


ValueShape = Literal["none", "scalar", "text", "list", "number", "range", "date", "pattern"]


@dataclass(frozen=True, slots=True)
class Operator:
    test: Callable[[Any, Any], bool]  # (present answer, condition value) -> holds
    value: ValueShape  # what the condition's "value" must be, checked when loading
    when_missing: bool  # the result when the answer is missing


OPERATORS: Mapping[str, Operator] = MappingProxyType(
    {
        "equals": Operator(_equals, "scalar", False),
        "not_equals": Operator(_negate(_equals), "scalar", True),
        "contains": Operator(_contains, "text", False),
        "not_contains": Operator(_negate(_contains), "text", True),
        "any_of": Operator(_any_of, "list", False),
        "all_of": Operator(_all_of, "list", False),
        "none_of": Operator(_negate(_any_of), "list", True),
        "gt": Operator(_compare(lambda a, b: a > b), "number", False),
        "gte": Operator(_compare(lambda a, b: a >= b), "number", False),
        "lt": Operator(_compare(lambda a, b: a < b), "number", False),
        "lte": Operator(_compare(lambda a, b: a <= b), "number", False),
        "between": Operator(_between, "range", False),
        "is_empty": Operator(lambda answer, value: False, "none", True),
        "is_not_empty": Operator(lambda answer, value: True, "none", False),
        "before": Operator(_dates(lambda a, b: a < b), "date", False),
        "after": Operator(_dates(lambda a, b: a > b), "date", False),
        "matches": Operator(_matches, "pattern", False),
    }
)


def evaluate(condition: Condition, context: Context) -> bool:
    if isinstance(condition, Group):
        results = (evaluate(item, context) for item in condition.items)
        return all(results) if condition.mode == "all" else any(results)
    operator = OPERATORS[condition.op]
    answer = context.lookup(condition)
    if is_missing(answer):
        return operator.when_missing
    return operator.test(answer, condition.value)


def leaves(condition: Condition | None) -> list[Leaf]:
    """The leaves of a condition tree, in document order."""
    if condition is None:
        return []
    if isinstance(condition, Leaf):
        return [condition]
    return [leaf for item in condition.items for leaf in leaves(item)]
