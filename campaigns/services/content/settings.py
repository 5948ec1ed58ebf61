"""A question kind's settings (`Question.validation`), checked with a message per setting.

The kinds and their settings are the engine's table (`flow.KINDS`); this module says what makes a
value sensible for a marketer (a maximum above its minimum, a rating scale a visitor can use).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError

from campaigns.flow import KINDS
from campaigns.flow.files import CONTENT_TYPE
from campaigns.flow.kinds import RATING_TOP, Setting

# Pairs checked together: (low, high, what the message calls them).
_RANGES = (("min_length", "max_length", "length"), ("min", "max", "value"),
           ("min_choices", "max_choices", "number of choices"))


def setting_type(kind: str, name: str) -> str | None:
    setting = KINDS[kind].validation.get(name)
    return setting.type if setting else None


def validation_defaults(kind: str) -> dict[str, Any]:
    return {name: _default(setting) for name, setting in KINDS[kind].validation.items()}


def _default(setting: Setting) -> Any:
    return list(setting.default) if isinstance(setting.default, list) else setting.default


def validation_carry(old_kind: str, new_kind: str, validation: dict[str, Any]) -> dict[str, Any]:
    """What of `validation` (settings of `old_kind`) still applies to `new_kind`: the settings
    both kinds have with the same meaning (a number's `min` is no date's); the others start at
    the new kind's defaults."""
    carried = validation_defaults(new_kind)
    for name in carried:
        if name in validation and setting_type(old_kind, name) == setting_type(new_kind, name):
            carried[name] = validation[name]
    return carried


def validation_clean(kind: str, validation: dict[str, Any]) -> dict[str, Any]:
    """Every setting of `kind`, from `validation` or its default; ValidationError keyed by the
    setting's name for each value a marketer must change."""
    clean, errors = validation_defaults(kind), {}
    for name, setting in KINDS[kind].validation.items():
        if name not in validation:
            continue
        try:
            clean[name] = _value(setting, validation[name])
        except ValueError as error:
            errors[name] = str(error)
    for low, high, what in _RANGES:
        if low in errors or high in errors or low not in clean or high not in clean:
            continue
        if clean[low] is not None and clean[high] is not None and clean[low] > clean[high]:
            errors[high] = f"The maximum {what} must not be below the minimum."
    if clean.get("max_length") == 0:
        errors["max_length"] = "Allow at least 1 character."
    if clean.get("max_choices") == 0:
        errors["max_choices"] = "Allow at least 1 choice, or leave it empty for no limit."
    if kind == "rating":
        _check_rating(clean, errors)
    if errors:
        raise ValidationError(errors)
    return clean


def _check_rating(clean: dict[str, Any], errors: dict[str, str]) -> None:
    if "min" not in errors and clean["min"] not in (0, 1):
        errors["min"] = "A rating scale starts at 0 or 1."
    if "max" not in errors and not 2 <= clean["max"] <= RATING_TOP:
        errors["max"] = f"A rating scale ends between 2 and {RATING_TOP}."
    elif "max" not in errors and "min" not in errors and clean["max"] <= clean["min"]:
        errors["max"] = "The scale must end above where it starts."


def _value(setting: Setting, value: Any) -> Any:
    """A typed setting; left empty it is its default (for min/max: no limit)."""
    if value is None or value == "":
        return _default(setting)
    return _BY_TYPE[setting.type](setting, value)


# One check per setting type (kinds.Setting.type), each raising ValueError with the message.
def _count(setting: Setting, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise ValueError("Enter a whole number.")
    if not setting.low <= value <= setting.high:
        raise ValueError(f"Use a number from {setting.low:,} to {setting.high:,}.")
    return int(value)


def _number(setting: Setting, value: Any) -> int | float:
    if not _is_number(value):
        raise ValueError("Enter a number.")
    if abs(value) > setting.high:
        raise ValueError("Enter a smaller number.")
    return int(value) if float(value).is_integer() else float(value)


def _date(setting: Setting, value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ValueError("Enter a date as YYYY-MM-DD.") from None


def _label(setting: Setting, value: Any) -> str:
    text = " ".join(str(value or "").split())
    if len(text) > setting.high:
        raise ValueError(f"Keep this label under {setting.high} characters.")
    return text


def _size_mb(setting: Setting, value: Any) -> int | float:
    if not _is_number(value):
        raise ValueError("Enter a size in MB.")
    if not setting.low < value <= setting.high:
        raise ValueError(f"Use a size above {setting.low} and at most {setting.high} MB.")
    return int(value) if float(value).is_integer() else float(value)


def _content_types(setting: Setting, value: Any) -> list[str]:
    items = value.split(",") if isinstance(value, str) else list(value or [])
    types = [str(item).strip().lower() for item in items if str(item).strip()]
    wrong = [item for item in types if not CONTENT_TYPE.fullmatch(item)]
    if wrong:
        raise ValueError(f"“{wrong[0]}” is not a file type. Use types like image/*, "
                         "application/pdf, separated by commas.")
    if len(types) > setting.high:
        raise ValueError(f"List at most {setting.high} file types.")
    return list(dict.fromkeys(types))


_BY_TYPE: dict[str, Callable[[Setting, Any], Any]] = {
    "count": _count, "number": _number, "bool": lambda setting, value: bool(value),
    "date": _date, "label": _label, "size_mb": _size_mb, "content_types": _content_types,
}


def _is_number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value)
