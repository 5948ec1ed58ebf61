"""The flow engine's texts for a visitor (campaigns/flow/messages.py), and moments, in the active
language."""

from datetime import datetime
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext, ngettext, pgettext

from campaigns.flow.messages import Message, format_number


def translated(text: Message) -> str:
    """`text` from the catalogue of the active language, its numbers written the local way."""
    values = {name: _local(value) if isinstance(value, int | float) else value
              for name, value in text.values.items()}
    if text.plural:
        return ngettext(text.text, text.plural, text.values["count"]).format(**values)
    return gettext(text.text).format(**values)


def _local(number: float) -> str:
    """2.5 as "2,5" in Spanish; whole numbers without ".0", floats without their noise."""
    return number_format(Decimal(format_number(number)))


def moment_text(moment: datetime) -> str:
    """A date and time as the active language writes it: "8 June 2026, 14:30", "8 de junio de
    2026, 14:30". The format is in the catalogue, so each language words it its own way."""
    return date_format(moment, pgettext("date and time format", "j E Y, H:i"))
