"""Visitor input: what the database, a page and a CSV can hold, checked before anything is stored.

Everything a visitor sends passes here: form answers (through the kinds' `clean`), URL parameters
and the referrer kept as the entry's source, and interaction batches. The rules are the storage's:
PostgreSQL refuses NUL in text and jsonb; JSON columns refuse NaN and Infinity; a lone surrogate
cannot be encoded as UTF-8, so a row holding one breaks every page and CSV that shows it later;
deep nesting exhausts the JSON parser's stack. A refusal says why in words a person understands.

`printable` is the other side: text read back from rows stored before these checks existed,
made safe to render.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from .messages import Message, message

# Beyond this, numbers lose integer precision in JavaScript and in spreadsheets.
NUMBER_LIMIT = 1e15
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Strings are skipped when counting brackets; the unrolled loop keeps the regex linear.
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


class Unstorable(ValueError):
    """Visitor input refused before it reached the database; `message` says why, in English.
    `text`, when the refusal is shown to the visitor, is the translatable message."""

    def __init__(self, reason: str | Message) -> None:
        super().__init__(str(reason))
        self.message = str(reason)
        self.text = reason if isinstance(reason, Message) else message(str(reason))


def _named(char: str) -> str:
    if char == "\x00":
        return "a NUL character (an invisible control character)"
    return "broken Unicode (a lone surrogate)"


def unstorable_reason(text: str) -> str:
    """"" when `text` can be stored, else what in it cannot."""
    found = _UNSTORABLE.search(text)
    return _named(found.group()) if found else ""


def check_text(text: str, what: str) -> str:
    """`text` unchanged, or Unstorable naming `what` ("The link's utm_source parameter")."""
    if "\x00" in text:
        raise Unstorable(message("{what} contains a NUL character (an invisible control "
                                 "character), which we can't store.", what=what))
    if unstorable_reason(text):
        raise Unstorable(message("{what} contains broken Unicode (a lone surrogate), which we "
                                 "can't store.", what=what))
    return text


def without_unstorable(text: str) -> str:
    """`text` with NUL and lone surrogates dropped: for values the visitor cannot correct."""
    return _UNSTORABLE.sub("", text)


def printable(text: str) -> str:
    """Stored text made safe to encode as UTF-8: a lone surrogate shows as U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def check_number(value: int | float, what: str) -> int | float:
    if not math.isfinite(value):
        raise Unstorable(f"{what} is not a finite number.")
    if abs(value) > NUMBER_LIMIT:
        raise Unstorable(f"{what} is beyond ±{NUMBER_LIMIT:g}.")
    return value


def check_json(value: Any, what: str) -> Any:
    """`value` (a decoded JSON document) unchanged, or Unstorable naming the first bad part.

    Walked with an explicit stack, so any depth costs no recursion.
    """
    pending = [(value, "")]
    while pending:
        item, path = pending.pop()
        where = f"{what} at {path}" if path else what
        if item is None or isinstance(item, bool):
            continue
        if isinstance(item, str):
            check_text(item, where)
        elif isinstance(item, int | float):
            check_number(item, where)
        elif isinstance(item, list):
            pending.extend((child, f"{path}[{index}]") for index, child in enumerate(item))
        elif isinstance(item, dict):
            for key, child in item.items():
                if not isinstance(key, str):
                    raise Unstorable(f"{where} has a key that is not text.")
                check_text(key, f"{where}, in a key,")
                pending.append((child, f"{path}.{key}" if path else key))
        else:
            raise Unstorable(f"{where} is not JSON.")
    return value


def nesting(text: str) -> int:
    """How deeply the JSON `text` nests arrays and objects (brackets inside strings aside)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_JSON_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _refuse_constant(name: str) -> None:
    raise Unstorable(f"{name} is not a number JSON allows.")


def _bounded_int(digits: str) -> int:
    # Checked on the text first: Python refuses to parse over 4,300 digits, and slowly.
    if len(digits.lstrip("-")) > 16:
        raise Unstorable(f"The number {digits[:20]}… is beyond ±{NUMBER_LIMIT:g}.")
    return check_number(int(digits), f"The number {digits}")


def _finite_float(digits: str) -> float:
    return check_number(float(digits), f"The number {digits[:40]}")


def parse_json(body: bytes, what: str, *, max_bytes: int, max_depth: int) -> Any:
    """A JSON document a visitor sent, decoded only once it is known to be storable.

    Refused (Unstorable) when it is too big, not UTF-8, nested deeper than `max_depth`, not JSON,
    or holds NaN/Infinity, a number beyond NUMBER_LIMIT, NUL or a lone surrogate.
    """
    if len(body) > max_bytes:
        raise Unstorable(f"{what} is {len(body)} bytes; the most is {max_bytes}.")
    try:
        text = body.decode("utf-8")  # strict: json.loads would let encoded surrogates through
    except UnicodeDecodeError:
        raise Unstorable(f"{what} is not valid UTF-8.") from None
    if nesting(text) > max_depth:
        raise Unstorable(f"{what} nests deeper than {max_depth} levels.")
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_int=_bounded_int,
                           parse_float=_finite_float)
    except json.JSONDecodeError as error:
        raise Unstorable(f"{what} is not valid JSON: {error.msg} (at character {error.pos}).") \
            from None
    return check_json(value, what)
