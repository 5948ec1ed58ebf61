from django import template

from campaigns import flow

register = template.Library()


@register.filter
def scale_to(low: int, high: int) -> range:
    """`{{ 1|scale_to:5 }}`: the points of a rating or opinion scale, inclusive."""
    return range(int(low), int(high) + 1)


@register.filter
def file_accept(question: flow.Question) -> str:
    """The `accept` of a file question's input: the types it takes (the browser's hint only;
    the server decides from the file's bytes)."""
    return ",".join(flow.file_types(question))
