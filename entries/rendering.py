"""Marketer-written text made safe to show: recall tags filled in, rich text sanitised."""

from django.conf import settings
from django.templatetags.static import static
from django.utils.safestring import SafeString, mark_safe

from campaigns import flow
from campaigns.richtext import sanitise


def rich(text: str, context: dict[str, str]) -> SafeString:
    """Recall filled in (values escaped), then the whole sanitised by nh3."""
    return mark_safe(sanitise(flow.render(text, context, html=True)))


def plain(text: str, context: dict[str, str]) -> str:
    """For titles and labels: recall filled in; Django's autoescape does the rest."""
    return flow.render(text, context, html=False)


def image_url(path: str) -> str:
    """Gallery images ship as static files; uploaded ones live under MEDIA_URL."""
    if not path:
        return ""
    if path.startswith("gallery/"):
        return static(path)
    return settings.MEDIA_URL + path
