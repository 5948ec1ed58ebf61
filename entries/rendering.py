"""Marketer-written text made safe to show: recall tags filled in, rich text sanitised."""

import nh3
from django.conf import settings
from django.templatetags.static import static
from django.utils.safestring import SafeString, mark_safe

from campaigns import flow

# What marketers may use in step, intro and outcome bodies; everything else is dropped.
RICH_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "a", "ul", "ol", "li", "h2", "h3",
             "blockquote", "small", "span"}
RICH_ATTRIBUTES = {"a": {"href", "title"}}


def rich(text: str, context: dict[str, str]) -> SafeString:
    """Recall filled in (values escaped), then the whole sanitised by nh3."""
    html = flow.render(text, context, html=True)
    return mark_safe(nh3.clean(html, tags=RICH_TAGS, attributes=RICH_ATTRIBUTES,
                               link_rel="noopener noreferrer nofollow"))


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
