from django import template

from campaigns import flow

register = template.Library()


@register.filter
def untagged(text: str) -> str:
    """Marketer text shown about entries rather than to one visitor: recall tags as "…"."""
    return flow.untagged(text or "")
