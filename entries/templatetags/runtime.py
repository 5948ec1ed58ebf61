from django import template

register = template.Library()


@register.filter
def scale_to(low: int, high: int) -> range:
    """`{{ 1|scale_to:5 }}`: the points of a rating or opinion scale, inclusive."""
    return range(int(low), int(high) + 1)
