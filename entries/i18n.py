"""The flow engine's texts for a visitor (campaigns/flow/messages.py), in the active language."""

from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

from campaigns.flow.messages import Message


def translated(text: Message) -> str:
    """`text` from the catalogue of the active language, its numbers written the local way."""
    values = {name: number_format(value) if isinstance(value, int | float) else value
              for name, value in text.values.items()}
    if text.plural:
        return ngettext(text.text, text.plural, text.values["count"]).format(**values)
    return gettext(text.text).format(**values)
