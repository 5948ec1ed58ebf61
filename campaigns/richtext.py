"""Rich text marketers write outside the flow (contest rules), sanitised when it is saved.

The allow-list is the runtime's own (entries/rendering.py sanitises flow text when it is shown):
rules show on the same pages, so they may use exactly the same tags.
"""

import nh3

RICH_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "a", "ul", "ol", "li", "h2", "h3",
             "blockquote", "small", "span"}
RICH_ATTRIBUTES = {"a": {"href", "title"}}


def sanitise(html: str) -> str:
    """Only the allowed tags and attributes survive; links get rel=noopener noreferrer nofollow."""
    return nh3.clean(html, tags=RICH_TAGS, attributes=RICH_ATTRIBUTES,
                     link_rel="noopener noreferrer nofollow")
