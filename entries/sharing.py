"""What a shared link to a campaign shows, and where the result page's share buttons send it.

The description and Open Graph tags of the runtime's pages, their share image (drawn by
entries/share_images.py, stored once per published version, outcome and language), and plain share
URLs for the big networks: no third-party script runs on the page, a button is just a link, which
passes through our own redirect (entries/share_views.py) so the share is counted.
"""

import hashlib
import mimetypes
from dataclasses import dataclass
from html import unescape
from urllib.parse import quote, urlencode, urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext

from campaigns import flow
from campaigns.versions import definition_for
from config.site import site_url
from entries import share_images
from entries.rendering import image_url, plain, rich

DESCRIPTION_CHARS = 160
DEFAULT_LANGUAGE = "en"
# Part of every stored image's name: a change to how cards are drawn bumps it, so none drawn
# the old way is served again.
CARD_DESIGN = 1


@dataclass(frozen=True)
class PageMeta:
    title: str  # og:title: the campaign's name, or the outcome's title on a result page
    description: str  # plain text, at most DESCRIPTION_CHARS
    url: str  # canonical: the landing page, never an entry's private address
    image: str  # absolute, or ""
    image_alt: str = ""
    locale: str = DEFAULT_LANGUAGE


@dataclass(frozen=True)
class ShareLink:
    network: str
    href: str
    new_tab: bool = True
    key: str = ""  # what the share redirect and Results call the network


# The networks a share is counted for, as Results names them. "native" is the device's share
# sheet, "copy" the Copy button: both report themselves from runtime.js.
NETWORKS = {"x": "X", "facebook": "Facebook", "linkedin": "LinkedIn", "whatsapp": "WhatsApp",
            "email": "Email", "native": "Share sheet", "copy": "Copied link"}


@dataclass(frozen=True)
class StoredImage:
    name: str  # in default_storage
    etag: str  # quoted, as the ETag header carries it
    content_type: str
    custom: bool  # the marketer's own upload, not a drawn card


def languages(definition: flow.Definition) -> tuple[str, ...]:
    """The languages a version is shown in, its default first: the one place share images and
    tags read them from, so per-language content only changes this."""
    return (DEFAULT_LANGUAGE,)


def share_image_path(*, version_id: int, slug: str, language: str, outcome_key: str = "") -> str:
    """The version in the URL makes it immutable, so it is cached for a year."""
    if outcome_key:
        return reverse("entries:share_image_outcome",
                       args=[slug, version_id, language, outcome_key])
    return reverse("entries:share_image", args=[slug, version_id, language])


def share_image_url(*, version_id: int, slug: str, language: str, outcome_key: str = "") -> str:
    return site_url(share_image_path(version_id=version_id, slug=slug, language=language,
                                     outcome_key=outcome_key))


@dataclass(frozen=True)
class SharePreview:
    key: str  # the outcome's, "" for the landing page's
    title: str
    path: str


def live_share_images(campaign) -> list[SharePreview]:
    """The live version's share images, the landing's first, in its default language, as the
    builder shows them; none before the first publish."""
    if campaign.published_version_id is None:
        return []
    definition = definition_for(campaign.published_version_id)
    language = languages(definition)[0]
    pairs = [("", definition.name)] + [(o.key, o.title) for o in definition.outcomes]
    return [SharePreview(key, title, share_image_path(
        version_id=campaign.published_version_id, slug=campaign.slug, language=language,
        outcome_key=key)) for key, title in pairs]


def stored_image(*, version_id: int, definition: flow.Definition, language: str,
                 outcome_key: str = "") -> StoredImage:
    """Where the share image of this version, language and outcome ("" for the landing) is
    kept: the outcome's uploaded share image if it has one, else the drawn card's place (which
    `share_image_bytes` fills the first time it is asked). Both are in the default (media)
    storage: nothing on a card is private (the published title, picture and theme), and every
    web process shares that storage, so a card is drawn once for all of them."""
    outcome = definition.outcomes_by_key.get(outcome_key)
    # Only an upload of ours is served from here; a web address in an imported blueprint is not.
    if outcome is not None and outcome.share_image and ":" not in outcome.share_image:
        name = outcome.share_image
        return StoredImage(name=name, etag=_etag(name), custom=True,
                           content_type=mimetypes.guess_type(name)[0] or "image/jpeg")
    name = f"share/d{CARD_DESIGN}/{version_id}/{language}/{outcome_key or '-'}.jpg"
    return StoredImage(name=name, etag=_etag(name), content_type="image/jpeg", custom=False)


def _etag(name: str) -> str:
    return '"' + hashlib.sha256(name.encode()).hexdigest()[:24] + '"'


def share_image_bytes(image: StoredImage, *, definition: flow.Definition, language: str,
                      outcome_key: str = "") -> bytes:
    """The stored image, drawn and stored first if this is the first time it is asked for.
    Two first requests at once may both draw it; only one copy is kept."""
    try:
        with default_storage.open(image.name) as stored:
            return stored.read()
    except FileNotFoundError:
        if image.custom:
            raise
    data = share_images.card_render(share_card(definition, language=language,
                                               outcome_key=outcome_key))
    saved = default_storage.save(image.name, ContentFile(data))
    if saved != image.name:  # another request stored it meanwhile
        default_storage.delete(saved)
    return data


def share_card(definition: flow.Definition, *, language: str,
               outcome_key: str = "") -> share_images.Card:
    """What the card says: an outcome's title under the campaign's name, or on the landing's
    card the campaign's name over its description. Recall tags are blank: the card is the
    outcome's, shared by everyone who got it, not one visitor's."""
    theme = definition.theme
    outcome = definition.outcomes_by_key.get(outcome_key)
    if outcome is not None:
        title, subtitle = " ".join(plain(outcome.title, {}).split()), definition.name
        picture = outcome.image or theme.cover
    else:
        intro = definition.intro
        title = definition.name
        subtitle = plain_text(definition.description or (rich(intro.body, {}) if intro else ""))
        picture = (intro.image if intro else "") or theme.cover
    return share_images.Card(
        title=title or definition.name, subtitle=subtitle,
        footer=urlsplit(settings.SITE_URL).netloc, background=theme.background,
        text=theme.text, accent=theme.primary, font=theme.font, picture=picture,
        logo=theme.logo, language=language)


def landing_url(slug: str) -> str:
    return site_url(reverse("entries:landing", args=[slug]))


def plain_text(html: str, limit: int = DESCRIPTION_CHARS) -> str:
    """Rich text as one plain line: tags dropped, entities decoded, cut at a word."""
    text = " ".join(unescape(strip_tags(html)).split())
    return Truncator(text).chars(limit)


def page_meta(slug: str, definition: flow.Definition, *, version_id: int | None,
              language: str = DEFAULT_LANGUAGE) -> PageMeta:
    """The landing page's: the intro visitors read (else the campaign's description), and
    the landing's share card (the draft's preview, which has no version, shows the intro's
    picture or the theme's cover)."""
    intro = definition.intro
    text = rich(intro.body, {}) if intro and intro.body else definition.description
    if version_id is None:
        image = site_url(image_url((intro.image if intro else "") or definition.theme.cover))
    else:
        image = share_image_url(version_id=version_id, slug=slug, language=language)
    return PageMeta(title=definition.name, description=plain_text(text), url=landing_url(slug),
                    image=image, image_alt=definition.name if image else "", locale=language)


def result_meta(landing: PageMeta, *, slug: str, version_id: int | None, outcome_key: str,
                title: str, description: str, picture: str,
                language: str = DEFAULT_LANGUAGE) -> PageMeta:
    """A result page's: the outcome's title and share image (the landing's card when there is
    no outcome), the landing's address. The draft's preview (no version) shows `picture`."""
    if version_id is None:
        image = site_url(picture) or landing.image
    else:
        image = share_image_url(version_id=version_id, slug=slug, language=language,
                                outcome_key=outcome_key)
    return PageMeta(title=title, description=description or landing.description,
                    url=landing.url, image=image, image_alt=title, locale=language)


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
        ShareLink("X", "https://twitter.com/intent/tweet?" + urlencode({"text": text, "url": url}),
                  key="x"),
        ShareLink("Facebook", "https://www.facebook.com/sharer/sharer.php?"
                  + urlencode({"u": url}), key="facebook"),
        ShareLink("LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?"
                  + urlencode({"url": url}), key="linkedin"),
        ShareLink("WhatsApp", "https://wa.me/?" + urlencode({"text": f"{text} {url}"}),
                  key="whatsapp"),
        # mailto wants %20, not +, for spaces (RFC 6068).
        ShareLink(gettext("Email"),
                  "mailto:?" + urlencode({"subject": text, "body": f"{text}\n{url}"},
                                         quote_via=quote), new_tab=False, key="email"),
    ]


def share_context(*, slug: str, referral_code: str, text: str, token: str = "") -> dict:
    """What templates/entries/_share.html shows. With the entry's `token` each link passes
    through the share redirect, which counts it; without (another entry's link, shown to someone
    who already took part) the links go straight to the network."""
    url = share_url(slug, referral_code)
    links = share_links(url, text)
    record = reverse("entries:share", args=[slug, token]) if token else ""
    if record:
        links = [ShareLink(link.network, f"{record}?{urlencode({'to': link.key})}",
                           link.new_tab, link.key) for link in links]
    return {"url": url, "text": text, "links": links, "record": record}
