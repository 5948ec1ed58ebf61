"""Template helpers of the content editor."""

import re
from html import unescape

from django import template
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from campaigns.flow import KINDS
from entries.rendering import image_url

register = template.Library()


@register.filter
def widget(field) -> SafeString:
    """The field's input, described by its help text and its errors for screen readers."""
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_helptext")
    if field.errors:
        described.append(f"{field.auto_id}_error")
    attrs = {"aria-describedby": " ".join(described)} if described else {}
    return field.as_widget(attrs=attrs)


@register.filter
def kind_label(kind: str) -> str:
    return KINDS[kind].label if kind in KINDS else kind


@register.filter
def image_src(path: str) -> str:
    return image_url(path)


_TAG = re.compile(r"(\{\{[^{}]*\}\})")


@register.filter
def recall_chips(text: str) -> SafeString:
    """Marketer text with its recall tags set off, so "Hi {{ answers.name }}" reads as a
    greeting with a placeholder (the text itself is unchanged, and escaped)."""
    parts = _TAG.split(str(text))
    return mark_safe("".join(
        f'<span class="recall-chip">{escape(part)}</span>' if index % 2 else escape(part)
        for index, part in enumerate(parts)))


_BLOCK_END = re.compile(r"</(p|li|h2|h3|blockquote)>|<br\s*/?>", re.IGNORECASE)


@register.filter
def excerpt(html: str, length: int = 140) -> str:
    """Rich text as one line of plain text (paragraphs apart), for a card's summary."""
    text = strip_tags(_BLOCK_END.sub(" ", html or ""))
    text = " ".join(unescape(text).split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
