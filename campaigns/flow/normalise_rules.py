"""Normalising a step's rules: conditions (groups and leaves) and actions."""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from .conditions import OPERATORS, PATTERN_MAX_LENGTH, as_date, is_number, pattern_problem
from .schema import (
    ADJUSTMENTS,
    JUMPS,
    MAX_CONDITION_DEPTH,
    MAX_GROUP_ITEMS,
    MAX_TOTAL_CONDITION_NODES,
    MAX_VALUE_ITEMS,
    NUMBER_LIMIT,
    POINTS_LIMIT,
    Checker,
    Fields,
    join,
    shown,
    type_name,
)

_FIELD = re.compile(r"score|(?:answers|vars)\.[a-z0-9][a-z0-9_-]{0,62}")
_TARGET = re.compile(r"score|vars\.[a-z0-9][a-z0-9_-]{0,62}")
ACTION_FIELDS = {
    "goto_step": ("type", "step"),
    "goto_outcome": ("type", "outcome"),
    "end": ("type",),
    **{adjustment: ("type", "target", "value") for adjustment in ADJUSTMENTS},
}


def normalise_rule(check: Checker, raw: Any, path: str) -> dict[str, Any] | None:
    obj = check.object(raw, path, ("when", "action"), required=("action",))
    if obj is None:
        return None
    read = Fields(obj, path)
    return {
        "when": read("when", partial(_when, check), None),
        "action": read("action", partial(_action, check), {"type": "end"}),
    }


def _when(check: Checker, raw: Any, path: str) -> dict[str, Any] | None:
    return None if raw is None else _condition(check, raw, path, depth=0)


def _condition(check: Checker, raw: Any, path: str, *, depth: int) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        check.add(path, "wrong_type", f"Expected a condition object, got {type_name(raw)}.")
        return None
    if not check.count("condition nodes", MAX_TOTAL_CONDITION_NODES, path):
        return None
    mode = "all" if "all" in raw else "any" if "any" in raw else None
    if mode is None:
        return _leaf(check, raw, path)
    check.object(raw, path, (mode,))
    if depth >= MAX_CONDITION_DEPTH:
        check.add(path, "too_deep", f"Conditions nest at most {MAX_CONDITION_DEPTH} groups deep.")
        return None
    items = check.items(raw[mode], join(path, mode), limit=MAX_GROUP_ITEMS)
    nested = [
        _condition(check, item, join(join(path, mode), index), depth=depth + 1)
        for index, item in enumerate(items)
    ]
    return {mode: nested}


def _leaf(check: Checker, raw: dict[str, Any], path: str) -> dict[str, Any]:
    check.object(raw, path, ("field", "op", "value"), required=("field", "op"))
    read = Fields(raw, path)
    field_name = partial(
        check.text,
        limit=80,
        pattern=_FIELD,
        expected="answers.<question key>, score or vars.<name>",
    )
    field = read("field", field_name, "")
    op = read("op", partial(check.one_of, options=tuple(OPERATORS), default=""), "")
    shape = OPERATORS[op].value if op in OPERATORS else None
    if shape == "none":
        if raw.get("value") is not None:
            check.add(read.at("value"), "invalid_value", f"{op} takes no value; remove it.")
        return {"field": field, "op": op, "value": None}
    if shape is not None and "value" not in raw:
        check.add(read.at("value"), "missing_field", f"{op} needs a value.")
    return {"field": field, "op": op, "value": read("value", partial(_value, check, shape), None)}


def _value(check: Checker, shape: str | None, raw: Any, path: str) -> Any:
    if shape is None:  # the operator itself was reported
        return raw
    if shape == "scalar" and not isinstance(raw, str):
        return raw if isinstance(raw, bool) else check.number(raw, path, limit=NUMBER_LIMIT)
    return _VALUE_READERS.get(shape, _pattern)(check, raw, path)


def _list(check: Checker, raw: Any, path: str) -> list[Any]:
    items = check.items(raw, path, limit=MAX_VALUE_ITEMS, at_least=1)
    return [_value(check, "scalar", item, join(path, index)) for index, item in enumerate(items)]


def _date(check: Checker, raw: Any, path: str) -> Any:
    if as_date(raw) is None:
        check.add(path, "invalid_value", f"{shown(raw)} is not a date (YYYY-MM-DD).")
    return raw


def _pattern(check: Checker, raw: Any, path: str) -> str:
    value = check.text(raw, path, limit=PATTERN_MAX_LENGTH)
    problem = pattern_problem(value) if len(value) <= PATTERN_MAX_LENGTH else None
    if problem is not None:
        check.add(path, "invalid_value", problem)
    return value


def _range(check: Checker, raw: Any, path: str) -> list[Any]:
    if not isinstance(raw, list) or len(raw) != 2:
        check.add(path, "invalid_value", "between needs [low, high].")
        return [0, 0]
    low, high = raw
    if is_number(low) and is_number(high):
        if max(abs(low), abs(high)) > NUMBER_LIMIT:
            check.add(path, "invalid_value", f"Numbers must lie within ±{NUMBER_LIMIT:g}.")
        ordered = low <= high
    elif as_date(low) is not None and as_date(high) is not None:
        ordered = as_date(low) <= as_date(high)
    else:
        check.add(path, "invalid_value", "between needs two numbers or two dates (YYYY-MM-DD).")
        return [0, 0]
    if not ordered:
        check.add(path, "invalid_value", "between needs the low bound first: [low, high].")
    return [low, high]


# How a condition's value is read, by its operator's shape (a scalar that is no text was read
# above); any other shape is a pattern.
_VALUE_READERS = {
    "text": lambda check, raw, path: check.text(raw, path, limit=1_000),
    "scalar": lambda check, raw, path: check.text(raw, path, limit=1_000),
    "list": _list,
    "number": lambda check, raw, path: check.number(raw, path, limit=NUMBER_LIMIT),
    "date": _date,
    "range": _range,
}


def _action(check: Checker, raw: Any, path: str) -> dict[str, Any]:
    action_type = raw.get("type") if isinstance(raw, dict) else None
    known = isinstance(action_type, str) and action_type in ACTION_FIELDS
    fields = ACTION_FIELDS[action_type] if known else ("type", "step", "outcome", "target", "value")
    obj = check.object(raw, path, fields, required=fields if known else ("type",))
    if obj is None:
        return {"type": "end"}
    read = Fields(obj, path)
    action_types = (*JUMPS, *ADJUSTMENTS)
    action = {
        "type": read("type", partial(check.one_of, options=action_types, default="end"), "end")
    }
    if action["type"] == "goto_step":
        action["step"] = read("step", check.slug, "")
    elif action["type"] == "goto_outcome":
        action["outcome"] = read("outcome", check.slug, "")
    elif action["type"] in ADJUSTMENTS:
        target = partial(check.text, limit=80, pattern=_TARGET, expected="score or vars.<name>")
        action["target"] = read("target", target, "score")
        action["value"] = read("value", partial(check.number, limit=POINTS_LIMIT), 0)
    return action
