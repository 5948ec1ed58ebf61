"""Words for a visitor, without Django: a message is its English text with `{name}` placeholders
and the values that fill them. The English text is the translation catalogue's msgid; the
entries layer looks it up in the visitor's language (`entries.i18n.translated`), and `str()`
gives the English. `message` and `plural_message` are keywords of `makemessages`
(campaigns/management/commands/makemessages.py), so every text here lands in the catalogues.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


def format_number(value: float) -> str:
    """A number as a person writes it: no ".0" on a whole number, no float noise."""
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


@dataclass(frozen=True, slots=True)
class Message:
    text: str  # the singular (or only) form, English
    plural: str = ""  # the plural form, English, when `params["count"]` picks the form
    params: tuple[tuple[str, Any], ...] = ()  # numbers stay numbers, to be written the local way

    @property
    def values(self) -> dict[str, Any]:
        return dict(self.params)

    def fill(self, text: str) -> str:
        return text.format(**{name: format_number(value) if _is_number(value) else value
                              for name, value in self.params})

    def __str__(self) -> str:
        if self.plural and self.values["count"] != 1:
            return self.fill(self.plural)
        return self.fill(self.text)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def message(text: str, **params: Any) -> Message:
    return Message(text, "", tuple(params.items()))


def plural_message(singular: str, plural: str, count: int, **params: Any) -> Message:
    return Message(singular, plural, (("count", count), *params.items()))
