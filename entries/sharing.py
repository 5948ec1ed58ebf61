"""What a shared link to a campaign shows, and where the result page's share buttons send it.

The description and Open Graph tags of the runtime's pages, and plain share URLs for the big
networks: no third-party script runs on the page, a button is just a link.
"""

from dataclasses import dataclass
from html import unescape
from urllib.parse import quote, urlencode

from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext

from campaigns import flow
from config.site import site_url
from entries.rendering import image_url, rich

DESCRIPTION_CHARS = 160


@dataclass(frozen=True)
class PageMeta:
    title: str  # og:title: the campaign's name, or the outcome's title on a result page
    description: str  # plain text, at most DESCRIPTION_CHARS
    url: str  # canonical: the landing page, never an entry's private address
    image: str  # absolute, or ""


@dataclass(frozen=True)
class ShareLink:
    network: str
    href: str
    new_tab: bool = True


def landing_url(slug: str) -> str:
    return site_url(reverse("entries:landing", args=[slug]))


def plain_text(html: str, limit: int = DESCRIPTION_CHARS) -> str:
    """Rich text as one plain line: tags dropped, entities decoded, cut at a word."""
    text = " ".join(unescape(strip_tags(html)).split())
    return Truncator(text).chars(limit)


def page_meta(slug: str, definition: flow.Definition) -> PageMeta:
    """The landing page's: the intro visitors read (else the campaign's description), and
    the intro's picture or the theme's cover."""
    intro = definition.intro
    text = rich(intro.body, {}) if intro and intro.body else definition.description
    image = (intro.image if intro else "") or definition.theme.cover
    return PageMeta(title=definition.name, description=plain_text(text),
                    url=landing_url(slug), image=site_url(image_url(image)))


def share_text(definition: flow.Definition, outcome_title: str) -> str:
    """What a shared post says: a quiz's result is worth telling, a form's or contest's is not."""
    if definition.kind == "quiz":
        return gettext("{campaign}: I got “{outcome}”").format(campaign=definition.name,
                                                             outcome=outcome_title)
    return definition.name


def share_url(slug: str, referral_code: str) -> str:
    """The landing page with the visitor's referral code: entries started from it are theirs."""
    return f"{landing_url(slug)}?{urlencode({'ref': referral_code})}"


def share_links(url: str, text: str) -> list[ShareLink]:
    return [
        ShareLink("X", "https://twitter.com/intent/tweet?" + urlencode({"text": text, "url": url})),
        ShareLink("Facebook", "https://www.facebook.com/sharer/sharer.php?"
                  + urlencode({"u": url})),
        ShareLink("LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?"
                  + urlencode({"url": url})),
        ShareLink("WhatsApp", "https://wa.me/?" + urlencode({"text": f"{text} {url}"})),
        # mailto wants %20, not +, for spaces (RFC 6068).
        ShareLink(gettext("Email"),
                  "mailto:?" + urlencode({"subject": text, "body": f"{text}\n{url}"},
                                         quote_via=quote), new_tab=False),
    ]


def share_context(*, slug: str, referral_code: str, text: str) -> dict:
    """What templates/entries/_share.html shows."""
    url = share_url(slug, referral_code)
    return {"url": url, "text": text, "links": share_links(url, text)}
