"""Checking the structure of a blueprint (README "Blueprint format, schema 1"): its limits, and
the readers normalise() uses, which report a problem at its JSON path and carry on with a default.

Whatever the input holds (wrong types anywhere, huge strings, deep nesting), these readers only
ever add problems: BlueprintError lists them all. Whether the flow makes sense (reachability,
references between keys, score ranges) is validate()'s job, not this module's.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .conditions import as_date

MAX_STEPS = 2_000
MAX_QUESTIONS_PER_STEP = 50
MAX_CHOICES = 200
MAX_RULES_PER_STEP = 100
MAX_OUTCOMES = 200
MAX_EMAILS = 50
MAX_CONDITION_DEPTH = 8  # nested groups; a leaf inside the 8th group is still fine
MAX_GROUP_ITEMS = 50
MAX_VALUE_ITEMS = 200
MAX_TOTAL_QUESTIONS = 10_000
MAX_TOTAL_CHOICES = 50_000
MAX_TOTAL_CONDITION_NODES = 50_000
MAX_PROBLEMS = 500
POINTS_LIMIT = 1e9
NUMBER_LIMIT = 1e15

MAX_LANGUAGES = 30
MAX_TEXTS = 100_000  # translated texts per language
DEFAULT_LANGUAGE = "en"
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})?")
TEXT_ID = re.compile(r"[a-z]+(\.[a-z0-9_-]{1,63}){0,3}")

SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")
# Neither can be stored in a PostgreSQL jsonb column.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

CAMPAIGN_KINDS = ("quiz", "form", "contest", "giveaway", "survey")
SCORING_MODES = ("none", "score", "weights")
FONTS = ("system", "serif", "rounded", "mono")
# How the runtime shows a step: a card of its questions, one question per screen, or a chat.
DISPLAY_MODES = ("card", "focus", "chat")
PERSONA_NAME_LIMIT = 60
EMAIL_TRIGGERS = ("completed", "outcome", "winner", "resume", "reminder")
JUMPS = ("goto_step", "goto_outcome", "end")
ADJUSTMENTS = ("add", "subtract", "set")
DEFAULT_THEME = {
    "primary": "#4f46e5",
    "background": "#ffffff",
    "text": "#111827",
    "font": "system",
    "logo": "",
    "cover": "",
    "mode": "card",
    # Chat mode's persona: who asks the questions (name and avatar image).
    "persona": "",
    "avatar": "",
}


@dataclass(frozen=True, slots=True)
class SchemaProblem:
    path: str  # e.g. "steps[2].questions[0].kind"; "" is the document itself
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '(document)'}: {self.message}"


class BlueprintError(ValueError):
    def __init__(self, problems: list[SchemaProblem]) -> None:
        self.problems = tuple(problems)
        shown = "; ".join(str(problem) for problem in self.problems[:5])
        more = f" (+{len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        super().__init__(f"Invalid blueprint: {shown}{more}")


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def shown(value: Any) -> str:
    if not isinstance(value, str | int | float | bool | None):
        return type_name(value)  # never repr() a container: it may be huge or deeply nested
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def type_name(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null"}
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), "an unsupported value")


class Checker:
    """Collects problems; every reader returns a usable default after reporting one."""

    def __init__(self) -> None:
        self.problems: list[SchemaProblem] = []
        self.totals = {"questions": 0, "choices": 0, "condition nodes": 0}

    def add(self, path: str, code: str, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(SchemaProblem(path, code, message))
        elif len(self.problems) == MAX_PROBLEMS:
            self.problems.append(
                SchemaProblem("", "too_many_problems", "Too many problems; fix these first.")
            )

    def count(self, what: str, limit: int, path: str) -> bool:
        """Counts one more `what` in the document; False once there are too many."""
        self.totals[what] += 1
        if self.totals[what] == limit + 1:
            self.add(path, "too_big", f"The document has more than {limit} {what}.")
        return self.totals[what] <= limit

    def object(
        self, raw: Any, path: str, fields: tuple[str, ...], required: tuple[str, ...] = ()
    ) -> dict[str, Any] | None:
        if not isinstance(raw, dict):
            self.add(path, "wrong_type", f"Expected an object, got {type_name(raw)}.")
            return None
        for key in raw:
            if key not in fields:
                self.add(
                    join(path, key) if isinstance(key, str) else path,
                    "unknown_field",
                    f"Unknown field {shown(key)}; allowed: {', '.join(fields)}.",
                )
        for key in required:
            if key not in raw:
                self.add(join(path, key), "missing_field", f"The field {key!r} is required.")
        return raw

    def items(self, raw: Any, path: str, *, limit: int, at_least: int = 0) -> list[Any]:
        if not isinstance(raw, list):
            self.add(path, "wrong_type", f"Expected a list, got {type_name(raw)}.")
            return []
        if len(raw) < at_least:
            self.add(path, "too_few", f"Add at least {at_least} item(s).")
        if len(raw) > limit:
            self.add(path, "too_many", f"At most {limit} items are allowed; this has {len(raw)}.")
            return raw[:limit]
        return raw

    def text(
        self,
        raw: Any,
        path: str,
        *,
        limit: int,
        at_least: int = 0,
        pattern: re.Pattern[str] | None = None,
        expected: str = "",
    ) -> str:
        if not isinstance(raw, str):
            self.add(path, "wrong_type", f"Expected text, got {type_name(raw)}.")
            return ""
        if len(raw) > limit:
            self.add(path, "too_long", f"At most {limit} characters are allowed.")
        elif len(raw) < at_least:
            self.add(path, "too_short", "This text must not be empty.")
        elif _UNSTORABLE.search(raw):
            self.add(path, "invalid_value", "Remove NUL characters and unpaired surrogates.")
        elif pattern is not None and not pattern.fullmatch(raw):
            self.add(path, "invalid_value", f"{shown(raw)} is not {expected}.")
        return raw

    def slug(self, raw: Any, path: str) -> str:
        return self.text(
            raw,
            path,
            limit=63,
            at_least=1,
            pattern=SLUG,
            expected="a key (lower-case letters, digits, '-' and '_', starting with a letter "
            "or digit)",
        )

    def one_of(self, raw: Any, path: str, options: tuple[str, ...], default: str) -> str:
        if raw in options if isinstance(raw, str) else False:
            return raw
        self.add(path, "invalid_value", f"{shown(raw)} is not one of: {', '.join(options)}.")
        return default

    def number(
        self, raw: Any, path: str, *, limit: float, nullable: bool = False, integer: bool = False
    ) -> Any:
        if raw is None and nullable:
            return None
        valid = isinstance(raw, int | float) and not isinstance(raw, bool)
        if not valid or (integer and not isinstance(raw, int)):
            wanted = "a whole number" if integer else "a number"
            self.add(path, "wrong_type", f"Expected {wanted}, got {type_name(raw)}.")
            return None if nullable else 0
        # abs() first: math.isfinite(10**400) raises, while comparing big ints is exact.
        if abs(raw) > limit or not math.isfinite(raw):
            self.add(path, "invalid_value", f"Numbers must lie between -{limit:g} and {limit:g}.")
            return None if nullable else 0
        return raw

    def boolean(self, raw: Any, path: str) -> bool:
        if isinstance(raw, bool):
            return raw
        self.add(path, "wrong_type", f"Expected true or false, got {type_name(raw)}.")
        return False

    def date(self, raw: Any, path: str) -> str | None:
        if raw is None:
            return None
        if as_date(raw) is None:
            self.add(path, "invalid_value", f"{shown(raw)} is not a date (YYYY-MM-DD).")
            return None
        return raw

    def image(self, raw: Any, path: str) -> str:
        value = self.text(raw, path, limit=500)
        # Only relative paths and web addresses, so no javascript: or data: URL reaches a page.
        if ":" in value and not value.startswith(("https://", "http://")):
            self.add(path, "invalid_value", "Use an image path or an http(s) address.")
        return value

    def url(self, raw: Any, path: str) -> str:
        value = self.text(raw, path, limit=2_000)
        if value and not value.startswith(("https://", "http://")):
            self.add(path, "invalid_value", "Use an address starting with https:// or http://.")
        return value


class Fields:
    """The fields of one checked object: `fields(key, read, default)` reads one of them."""

    def __init__(self, raw: dict[str, Any], path: str) -> None:
        self.raw, self.path = raw, path

    def __call__(self, key: str, read: Callable[[Any, str], Any], default: Any) -> Any:
        # An absent required field was reported by Checker.object; its default keeps going.
        if key not in self.raw:
            return default
        return read(self.raw[key], join(self.path, key))

    def at(self, key: str) -> str:
        return join(self.path, key)


def unique_keys(check: Checker, keyed: list[tuple[str, Any]], what: str) -> None:
    """Reports each (item path, key) whose key repeats an earlier one, at its "key" field."""
    first_at: dict[str, str] = {}
    for path, key in keyed:
        if not isinstance(key, str) or not key:
            continue
        if key in first_at:
            check.add(
                join(path, "key"),
                "duplicate_key",
                f"The {what} key {key!r} is already used at {first_at[key]}; keys must be unique.",
            )
        else:
            first_at[key] = path
