"""Formatting for the results page: counts, shares, durations."""

import re

from django import template

register = template.Library()

_RECALL = re.compile(r"\{\{.*?\}\}")


@register.filter
def number(value: int | float) -> str:
    return f"{value:,.0f}"


@register.filter
def percent(rate: float) -> str:
    return f"{100 * rate:.1f}%" if rate and rate < 0.1 else f"{100 * rate:.0f}%"


@register.filter
def share(part: int, whole: int) -> str:
    return percent(part / whole) if whole else "—"


@register.filter
def duration(seconds: float) -> str:
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, rest = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


@register.filter
def plain_title(title: str) -> str:
    """A step title without recall tags, which only mean something inside one entry."""
    return _RECALL.sub("…", title).strip() or title


@register.filter
def get(mapping: dict, key: str):
    return mapping.get(key)
