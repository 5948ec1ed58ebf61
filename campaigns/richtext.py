"""Rich text marketers write: step, intro and outcome bodies (sanitised when shown, after
recall fills them in) and contest rules (sanitised when saved). One allow-list for both, since
they show on the same pages.
"""

import nh3

RICH_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "a", "ul", "ol", "li", "h2", "h3",
             "blockquote", "small", "span"}
RICH_ATTRIBUTES = {"a": {"href", "title"}}


def sanitise(html: str) -> str:
    """Only the allowed tags and attributes survive; links get rel=noopener noreferrer nofollow."""
    return nh3.clean(html, tags=RICH_TAGS, attributes=RICH_ATTRIBUTES,
                     link_rel="noopener noreferrer nofollow")
