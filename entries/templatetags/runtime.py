from django import template

from campaigns import flow
from entries.i18n import moment_text

register = template.Library()


@register.filter
def scale_to(low: int, high: int) -> range:
    """`{{ 1|scale_to:5 }}`: the points of a rating or opinion scale, inclusive."""
    return range(int(low), int(high) + 1)


@register.filter
def moment(value) -> str:
    """`{{ draw.drawn_at|moment }}`: the date and time in the active language's words."""
    return moment_text(value) if value else ""


@register.filter
def file_accept(question: flow.Question) -> str:
    """The `accept` of a file question's input: the types it takes (the browser's hint only;
    the server decides from the file's bytes)."""
    return ",".join(flow.file_types(question))
