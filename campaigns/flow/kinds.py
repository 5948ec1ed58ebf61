"""Question kinds: one table row per kind with how it cleans, displays and can be compared.

`clean_answer` turns what a form posted (a list of strings; for file_upload a dict of metadata)
into the typed JSON value stored under the question's key, None when empty, or raises AnswerError
with a message for the visitor. The value types are the contract of README "Questions".
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from .conditions import as_date, is_number
from .emailaddr import EmailAddressError, parse_email
from .files import accepts, file_display_name, refused_type
from .messages import Message, format_number, message, plural_message
from .visitor_input import NUMBER_LIMIT, unstorable_reason, without_unstorable

if TYPE_CHECKING:
    from .definition import Question

FILE_PATH_MAX_LENGTH = 1_000

_PHONE = re.compile(r"\+?[0-9 ().\-]{6,40}")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")
_INTEGER = re.compile(r"[+-]?[0-9]{1,9}")
_TRUE = frozenset({"yes", "true", "1", "on"})
_FALSE = frozenset({"no", "false", "0", "off"})


class AnswerError(ValueError):
    """An answer the visitor must correct: `text` is shown next to the field, translated by the
    entries layer; `message` is its English."""

    def __init__(self, text: Message) -> None:
        super().__init__(str(text))
        self.text = text
        self.message = str(text)


def _raw_strings(raw: Any) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list | tuple) or not all(isinstance(item, str) for item in raw):
        raise AnswerError(message("This answer could not be read. Please try again."))
    return raw


def _strings(raw: Any) -> list[str]:
    """The posted strings, trimmed; refused when one holds what no database column can."""
    items = _raw_strings(raw)
    for item in items:
        if "\x00" in item:
            raise AnswerError(message("This answer contains a NUL character (an invisible "
                                      "control character), which we can't store. Please type "
                                      "it again."))
        if unstorable_reason(item):
            raise AnswerError(message("This answer contains broken Unicode (a lone surrogate), "
                                      "which we can't store. Please type it again."))
    return [item.strip() for item in items]


def _first(raw: Any) -> str:
    return next((item for item in _strings(raw) if item), "")


def _empty(question: Question, text: Message | None = None) -> None:
    if question.required:
        raise AnswerError(text or message("This field is required."))


def _text(*, multiline: bool) -> Callable[[Question, Any], str | None]:
    def clean(question: Question, raw: Any) -> str | None:
        text = _first(raw).replace("\r\n", "\n")
        if not multiline:
            text = " ".join(text.split())
        if not text:
            return _empty(question)
        low, high = question.validation["min_length"], question.validation["max_length"]
        if len(text) < low:
            raise AnswerError(plural_message("Enter at least {count} character.",
                                                 "Enter at least {count} characters.", low))
        if len(text) > high:
            raise AnswerError(plural_message("Enter at most {count} character.",
                                                 "Enter at most {count} characters.", high))
        return text

    return clean


def _clean_email(question: Question, raw: Any) -> str | None:
    text = _first(raw)
    if not text:
        return _empty(question)
    try:
        return str(parse_email(text))
    except EmailAddressError as error:
        raise AnswerError(error.text) from None


def _clean_phone(question: Question, raw: Any) -> str | None:
    text = _first(raw)
    if not text:
        return _empty(question)
    digits = "".join(char for char in text if "0" <= char <= "9")
    if not _PHONE.fullmatch(text) or not 6 <= len(digits) <= 20:
        raise AnswerError(message(
            "Enter a valid phone number, using digits and an optional leading +."))
    return ("+" if text.startswith("+") else "") + digits


def _clean_number(question: Question, raw: Any) -> int | float | None:
    text = _first(raw)
    if not text:
        return _empty(question)
    if len(text) > 40 or not _NUMBER.fullmatch(text):
        raise AnswerError(message("Enter a number."))
    value: int | float = float(text) if any(char in text for char in ".eE") else int(text)
    if not math.isfinite(value) or abs(value) > NUMBER_LIMIT:
        raise AnswerError(message("Enter a smaller number."))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    rules = question.validation
    if rules["integer"] and not isinstance(value, int):
        raise AnswerError(message("Enter a whole number."))
    if rules["min"] is not None and value < rules["min"]:
        raise AnswerError(message("Enter a number of at least {number}.",
                                  number=rules["min"]))
    if rules["max"] is not None and value > rules["max"]:
        raise AnswerError(message("Enter a number of at most {number}.",
                                  number=rules["max"]))
    return value


def _clean_date(question: Question, raw: Any) -> str | None:
    text = _first(raw)
    if not text:
        return _empty(question)
    day = as_date(text)
    if day is None:
        raise AnswerError(message("Enter a valid date (YYYY-MM-DD)."))
    earliest, latest = question.validation["min"], question.validation["max"]
    if earliest is not None and day < date.fromisoformat(earliest):
        raise AnswerError(message("Enter a date on or after {date}.", date=earliest))
    if latest is not None and day > date.fromisoformat(latest):
        raise AnswerError(message("Enter a date on or before {date}.", date=latest))
    return text


def _clean_single_choice(question: Question, raw: Any) -> str | None:
    chosen = {item for item in _strings(raw) if item}
    if not chosen:
        return _empty(question, message("Choose an option."))
    key = chosen.pop()
    if chosen or key not in question.choice_index:
        raise AnswerError(message("Pick one of the options shown."))
    return key


def _clean_multiple_choice(question: Question, raw: Any) -> list[str] | None:
    chosen = {item for item in _strings(raw) if item}
    if not chosen:
        return _empty(question, message("Choose at least one option."))
    if not chosen <= question.choice_index.keys():
        raise AnswerError(message("Pick one of the options shown."))
    fewest, most = question.validation["min_choices"], question.validation["max_choices"]
    if len(chosen) < fewest:
        raise AnswerError(plural_message("Choose at least {count} option.",
                                         "Choose at least {count} options.", fewest))
    if most is not None and len(chosen) > most:
        raise AnswerError(plural_message("Choose at most {count} option.",
                                         "Choose at most {count} options.", most))
    return [choice.key for choice in question.choices if choice.key in chosen]


def _clean_yes_no(question: Question, raw: Any) -> bool | None:
    text = _first(raw).casefold()
    if not text:
        return _empty(question, message("Choose Yes or No."))
    if text not in _TRUE | _FALSE:
        raise AnswerError(message("Choose Yes or No."))
    return text in _TRUE


def _scale(missing: Message, outside: Message) -> Callable[[Question, Any], int | None]:
    """`outside` names the scale's ends as {first} and {last}."""

    def clean(question: Question, raw: Any) -> int | None:
        text = _first(raw)
        if not text:
            return _empty(question, missing)
        first, last = scale_of(question)
        if not _INTEGER.fullmatch(text) or not first <= int(text) <= last:
            raise AnswerError(message(outside.text, first=first, last=last))
        return int(text)

    return clean


def _clean_consent(question: Question, raw: Any) -> bool:
    text = _first(raw).casefold()
    # An unticked checkbox posts nothing: no answer means "not given", which is a real answer.
    if text and text not in _TRUE | _FALSE:
        raise AnswerError(message("Tick the box or leave it empty."))
    given = text in _TRUE
    if question.required and not given:
        raise AnswerError(message("Tick this box to continue."))
    return given


def _clean_hidden(question: Question, raw: Any) -> str | None:
    # Hidden values come from the URL, where the visitor cannot correct them: trim, never refuse.
    strings = (without_unstorable(item).strip() for item in _raw_strings(raw))
    text = next((item for item in strings if item), "")[: question.validation["max_length"]]
    return text or None


def _clean_statement(question: Question, raw: Any) -> None:
    return None


def _clean_file(question: Question, raw: Any) -> dict[str, Any] | None:
    """`raw` is the upload's metadata; its content_type is the one the runtime decided from the
    file's bytes ("" when it recognised none), never what the browser claimed."""
    if _is_empty_upload(raw):
        return _empty(question, message("Choose a file to upload."))
    if not isinstance(raw, Mapping):
        raise AnswerError(message("The upload could not be read. Please try again."))
    name, size = raw.get("name"), raw.get("size")
    content_type, path = raw.get("content_type"), raw.get("path")
    readable = (
        isinstance(name, str)
        and isinstance(size, int)
        and not isinstance(size, bool)
        and size >= 0
        and isinstance(content_type, str)
        and len(content_type) <= 255
        and isinstance(path, str)
        and 0 < len(path) <= FILE_PATH_MAX_LENGTH
    )
    if not readable:
        raise AnswerError(message("The upload could not be read. Please try again."))
    limit_mb = question.validation["max_size_mb"]
    if size > limit_mb * 1024 * 1024:
        raise AnswerError(message("The file is too big: at most {size} MB.",
                                  size=limit_mb))
    content_type = content_type.strip().lower()
    if not accepts(question.validation["accept"], content_type):
        raise AnswerError(refused_type(question))
    return {"name": file_display_name(name), "size": size,
            "content_type": content_type, "path": without_unstorable(path)}


def _is_empty_upload(raw: Any) -> bool:
    """No file: nothing, or what a form posts for a file input left empty ("" or [""])."""
    if isinstance(raw, list | tuple):
        return all(isinstance(item, str) and not item.strip() for item in raw)
    return raw is None or (isinstance(raw, Mapping | str) and not raw)


def _show_text(question: Question, value: Any) -> str:
    return value if isinstance(value, str) else ""


def _show_number(question: Question, value: Any) -> str:
    return format_number(value) if is_number(value) else ""


def _show_choice(question: Question, value: Any) -> str:
    if not isinstance(value, str):
        return ""
    choice = question.choice_index.get(value)
    return choice.label if choice is not None else value


def _show_choices(question: Question, value: Any) -> str:
    if not isinstance(value, list | tuple):
        return ""
    return ", ".join(_show_choice(question, item) for item in value)


def _show_bool(question: Question, value: Any) -> str:
    return {True: "Yes", False: "No"}.get(value, "") if isinstance(value, bool) else ""


def _show_file(question: Question, value: Any) -> str:
    name = value.get("name") if isinstance(value, Mapping) else None
    return name if isinstance(name, str) else ""


def _show_nothing(question: Question, value: Any) -> str:
    return ""


_TEXT_OPS = ("equals", "not_equals", "contains", "not_contains", "any_of", "none_of", "matches")
_NUMBER_OPS = ("equals", "not_equals", "gt", "gte", "lt", "lte", "between", "any_of", "none_of")
_DATE_OPS = ("equals", "not_equals", "before", "after", "between")
_CHOICE_OPS = ("equals", "not_equals", "any_of", "none_of")
_MULTIPLE_OPS = ("contains", "not_contains", "any_of", "all_of", "none_of")
_BOOL_OPS = ("equals", "not_equals")
_EMPTINESS_OPS = ("is_empty", "is_not_empty")
SCORE_OPERATORS = ("equals", "not_equals", "gt", "gte", "lt", "lte", "between")

# What an answer of a kind is; the families every other module asks about are read from it.
Answer = Literal["text", "number", "date", "choice", "choices", "bool", "file", "none"]

COUNT_LIMIT = 100_000
FILE_SIZE_LIMIT_MB = 100
SETTING_LABEL_LIMIT = 100
ACCEPT_LIMIT = 50
OPINION_SCALE = (0, 10)
RATING_TOP = 10  # the highest a rating scale may end at


@dataclass(frozen=True, slots=True)
class Setting:
    """One validation setting of a kind. A None default means it may be null. `low`/`high` bound
    a count, number or size (a size must be above `low`); a label's `high` is its longest length
    and a content_types list's its most items. The blueprint import (flow.normalise) and the
    content service (campaigns.services.content.settings) both check against these bounds;
    `label` and `help` are what the editor shows beside its field."""

    type: str
    default: Any
    low: float | None = None
    high: float | None = None
    label: str = ""
    help: str = ""


def _count(default: int | None, label: str, help: str = "") -> Setting:
    return Setting("count", default, 0, COUNT_LIMIT, label, help)


def _number_setting(label: str) -> Setting:
    return Setting("number", None, -NUMBER_LIMIT, NUMBER_LIMIT, label, "Empty: no limit.")


def _date_setting(label: str) -> Setting:
    return Setting("date", None, label=label, help="Empty: no limit.")


def _max_length(default: int) -> Setting:
    return _count(default, "Maximum length", "In characters.")


_LENGTH = {"min_length": _count(0, "Minimum length", "In characters; 0 for none."),
           "max_length": _max_length(255)}
_SCALE_LABELS = {
    "min_label": Setting("label", "", None, SETTING_LABEL_LIMIT, "Label at the low end",
                         "For example “Not likely”."),
    "max_label": Setting("label", "", None, SETTING_LABEL_LIMIT, "Label at the high end",
                         "For example “Very likely”."),
}
_ACCEPT_HELP = ("Comma-separated, like image/*, application/pdf. Empty: pictures, PDF, text, CSV "
                "and office documents. Web pages, SVG and programs are never accepted.")


@dataclass(frozen=True, slots=True)
class Kind:
    label: str  # what the editor calls it
    answer: Answer
    clean: Callable[[Question, Any], Any]
    display: Callable[[Question, Any], str]
    operators: tuple[str, ...]
    validation: Mapping[str, Setting]
    # What an answer of this kind may say about the entrant ("email", "name"): README
    # "Contact roles".
    contact_roles: tuple[str, ...] = ()
    scale: bool = False  # a whole number on a scale (see scale_of)
    placeholder: bool = False  # its field shows example text while empty
    can_require: bool = True

    @property
    def has_choices(self) -> bool:
        return self.answer in ("choice", "choices")

    @property
    def multiple(self) -> bool:
        return self.answer == "choices"

    @property
    def is_text(self) -> bool:
        return self.answer == "text"

    @property
    def is_numeric(self) -> bool:
        return self.answer == "number"

    @property
    def takes_value(self) -> bool:
        return self.answer != "none"


def _kind(
    label: str,
    answer: Answer,
    clean: Callable[[Question, Any], Any],
    display: Callable[[Question, Any], str],
    operators: tuple[str, ...] | None,
    validation: Mapping[str, Setting] | None = None,
    **traits: Any,
) -> Kind:
    """`operators=None` marks a kind without an answer, which no condition can test."""
    answer_operators = operators + _EMPTINESS_OPS if operators is not None else ()
    settings = MappingProxyType(dict(validation or {}))
    return Kind(label, answer, clean, display, answer_operators, settings, **traits)


def _choice_kind(label: str, *, placeholder: bool = False) -> Kind:
    return _kind(label, "choice", _clean_single_choice, _show_choice, _CHOICE_OPS,
                 placeholder=placeholder)


KINDS: Mapping[str, Kind] = MappingProxyType(
    {
        "short_text": _kind(
            "Short text", "text", _text(multiline=False), _show_text, _TEXT_OPS, _LENGTH,
            contact_roles=("name",), placeholder=True,
        ),
        "long_text": _kind(
            "Long text", "text", _text(multiline=True), _show_text, _TEXT_OPS,
            {**_LENGTH, "max_length": _max_length(5000)}, placeholder=True,
        ),
        "email": _kind("Email", "text", _clean_email, _show_text, _TEXT_OPS,
                       contact_roles=("email",), placeholder=True),
        "phone": _kind("Phone", "text", _clean_phone, _show_text, _TEXT_OPS, placeholder=True),
        "number": _kind(
            "Number", "number", _clean_number, _show_number, _NUMBER_OPS,
            {"min": _number_setting("Lowest number"), "max": _number_setting("Highest number"),
             "integer": Setting("bool", False, label="Whole numbers only")},
            placeholder=True,
        ),
        "date": _kind("Date", "date", _clean_date, _show_text, _DATE_OPS,
                      {"min": _date_setting("Earliest date"),
                       "max": _date_setting("Latest date")}),
        "single_choice": _choice_kind("Single choice"),
        "image_choice": _choice_kind("Image choice"),
        "dropdown": _choice_kind("Dropdown", placeholder=True),
        "multiple_choice": _kind(
            "Multiple choice", "choices", _clean_multiple_choice, _show_choices, _MULTIPLE_OPS,
            {"min_choices": _count(0, "Choose at least", "0 for no minimum."),
             "max_choices": _count(None, "Choose at most", "Empty: no limit.")},
        ),
        "yes_no": _kind("Yes / No", "bool", _clean_yes_no, _show_bool, _BOOL_OPS),
        "rating": _kind(
            "Rating", "number",
            _scale(message("Choose a rating."),
                   message("Choose a rating from {first} to {last}.")),
            _show_number, _NUMBER_OPS,
            {"min": _count(1, "Scale starts at", "0 or 1."),
             "max": _count(5, "Scale ends at", f"Up to {RATING_TOP}."), **_SCALE_LABELS},
            scale=True,
        ),
        "opinion_scale": _kind(
            "Opinion scale (0–10)", "number",
            _scale(message("Choose a number."),
                   message("Choose a number from {first} to {last}.")),
            _show_number, _NUMBER_OPS, _SCALE_LABELS, scale=True,
        ),
        "consent": _kind("Consent checkbox", "bool", _clean_consent, _show_bool, _BOOL_OPS),
        "hidden": _kind("Hidden field", "text", _clean_hidden, _show_text, _TEXT_OPS,
                        {"max_length": _max_length(255)}, can_require=False),
        "statement": _kind("Statement (no answer)", "none", _clean_statement, _show_nothing, None,
                           can_require=False),
        "file_upload": _kind(
            "File upload", "file", _clean_file, _show_file, (),
            {"max_size_mb": Setting("size_mb", 10, 0, FILE_SIZE_LIMIT_MB, "Largest file (MB)"),
             "accept": Setting("content_types", [], None, ACCEPT_LIMIT, "Accepted file types",
                               _ACCEPT_HELP)},
        ),
    }
)


def kind_of(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise LookupError(f"Unknown question kind {name!r}.") from None


def clean_answer(question: Question, raw: Any) -> Any:
    """The typed value to store for `raw`, None when empty; raises AnswerError if refused."""
    return kind_of(question.kind).clean(question, raw)


def display(question: Question, value: Any) -> str:
    """A stored value as text for recall and exports ("" when there is none)."""
    if value is None:
        return ""
    return kind_of(question.kind).display(question, value)


def operators_for(kind: str) -> tuple[str, ...]:
    """The operators a condition on an answer of this kind may use, in dropdown order."""
    return kind_of(kind).operators


def scale_of(question: Question) -> tuple[int, int]:
    """The first and last point of a scale question (a rating's are its settings)."""
    if question.kind == "opinion_scale":
        return OPINION_SCALE
    return question.validation["min"], question.validation["max"]


def answer_of(name: str | None) -> Answer | None:
    """What an answer of the kind called `name` is; None for no known kind."""
    kind = KINDS.get(name) if name is not None else None
    return kind.answer if kind is not None else None
