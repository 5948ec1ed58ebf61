"""Template helpers of the content editor."""

from django import template
from django.utils.safestring import SafeString

from builder.editor.forms import KIND_LABELS
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
    return KIND_LABELS.get(kind, kind)


@register.filter
def image_src(path: str) -> str:
    return image_url(path)
