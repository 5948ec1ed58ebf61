"""What a shared link shows and where the share buttons send it: the runtime's title, meta
description, Open Graph tags and favicon, and the result page's share links (entries/sharing.py)."""

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache

from entries.models import Entry
from entries.sharing import plain_text, share_links
from tests.entries.documents import branching_quiz

pytestmark = pytest.mark.django_db

SITE = "https://quiz.example.com"


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    cache.clear()
    settings.SITE_URL = SITE


class Head(HTMLParser):
    """The page's <title>, meta tags by name or property, and <link> hrefs by rel."""

    def __init__(self, html: str):
        super().__init__()
        self.meta, self.links, self.title, self._in_title = {}, {}, "", False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("name" in attrs or "property" in attrs):
            self.meta[attrs.get("property") or attrs["name"]] = attrs["content"]
        elif tag == "link":
            self.links.setdefault(attrs["rel"], []).append(attrs["href"])
        self._in_title = tag == "title" and not self.title

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def quiz_document(**changes) -> dict:
    return {**branching_quiz(), "name": "Which brew are you?", **changes}


def completed_tea_entry(client, campaign) -> tuple[str, Entry]:
    url = client.post(f"/c/{campaign.slug}/").headers["Location"]
    client.post(url, {"step": "about", "name": "Bo"})
    client.post(url, {"step": "taste", "drink": "tea"})
    return url, Entry.objects.get(campaign=campaign)


def test_the_title_names_the_campaign_once(client, publish):
    # The intro's title is the campaign's name, as in the gallery's "Which coffee are you?".
    document = quiz_document(intro={**branching_quiz()["intro"], "title": "Which brew are you?"})
    campaign = publish(document)
    assert Head(client.get(f"/c/{campaign.slug}/").text).title == "Which brew are you?"
    url = client.post(f"/c/{campaign.slug}/").headers["Location"]
    assert Head(client.get(url).text).title == "Hi there · Which brew are you?"
    step = client.post(url, {"step": "about", "name": "Bo"}, HTTP_HX_REQUEST="true")
    assert "<title>Bo, pick one · Which brew are you?</title>" in step.text


def test_the_landing_page_describes_itself_to_search_engines_and_link_previews(client, publish):
    long_body = "<p>Three quick questions &amp; one <strong>honest</strong> answer. " \
        + "Find the brew that suits you. " * 10 + "</p>"
    campaign = publish(quiz_document(
        intro={**branching_quiz()["intro"], "body": long_body},
        theme={"primary": "#8a4b2a", "background": "#fffaf3", "text": "#2b1d14",
               "font": "system", "logo": "", "cover": "images/1/cover-00.jpg"}))
    head = Head(client.get(f"/c/{campaign.slug}/").text)
    description = head.meta["description"]
    assert description.startswith("Three quick questions & one honest answer. Find the brew")
    assert len(description) <= 160
    assert description.endswith("…")
    landing = f"{SITE}/c/{campaign.slug}/"
    assert head.links["canonical"] == [landing]
    assert head.meta["og:url"] == landing
    assert head.meta["og:title"] == head.meta["twitter:title"] == "Which brew are you?"
    assert head.meta["og:description"] == description
    assert head.meta["og:type"] == "website"
    assert head.meta["og:image"] == f"{SITE}/media/images/1/cover-00.jpg"
    assert head.meta["twitter:card"] == "summary_large_image"
    assert "robots" not in head.meta


def test_without_an_intro_the_description_is_the_campaigns_and_there_is_no_image(client,
                                                                                 publish):
    document = {k: v for k, v in quiz_document().items() if k != "intro"}
    campaign = publish({**document, "description": "Pick a <b>drink</b>, get a brew."})
    head = Head(client.get(f"/c/{campaign.slug}/").text)
    assert head.meta["description"] == "Pick a drink, get a brew."
    assert "og:image" not in head.meta
    assert head.meta["twitter:card"] == "summary"


def test_the_result_page_shares_the_outcome_but_points_at_the_landing_page(client, publish):
    campaign = publish(quiz_document())
    url, entry = completed_tea_entry(client, campaign)
    head = Head(client.get(url).text)
    assert head.meta["og:title"] == "A tea person"
    assert head.meta["description"] == "Calm and collected, Bo."
    # An entry's address is private (it continues the entry): never the canonical one.
    assert head.links["canonical"] == [f"{SITE}/c/{campaign.slug}/"]
    assert head.meta["og:url"] == f"{SITE}/c/{campaign.slug}/"
    assert entry.token not in head.meta["og:url"]
    assert head.meta["robots"] == "noindex"


def test_the_result_page_has_share_links_carrying_the_visitors_referral_code(client, publish):
    campaign = publish(quiz_document())
    url, entry = completed_tea_entry(client, campaign)
    page = client.get(url).text
    shared = f"{SITE}/c/{campaign.slug}/?ref={entry.referral_code}"
    assert f'id="share-link" type="url" readonly value="{shared}"' in page
    expected = share_links(shared, "Which brew are you?: I got “A tea person”")
    assert [link.network for link in expected] == ["X", "Facebook", "LinkedIn", "WhatsApp",
                                                   "Email"]
    for link in expected:
        assert f'href="{link.href.replace("&", "&amp;")}"' in page
    # Buttons that need a script stay hidden until runtime.js finds what they need.
    assert 'data-copy="share-link" hidden>Copy link</button>' in page
    assert "<li hidden data-share-native>" in page
    assert '<span class="visually-hidden">Share on </span>X' in page


def test_each_share_link_carries_the_url_and_text_where_the_network_reads_them():
    url = "https://quiz.example.com/c/brew/?ref=AbC123"
    links = {link.network: urlsplit(link.href) for link in share_links(url, "I got “Tea” & more")}
    assert parse_qs(links["X"].query) == {"url": [url], "text": ["I got “Tea” & more"]}
    assert parse_qs(links["Facebook"].query) == {"u": [url]}
    assert parse_qs(links["LinkedIn"].query) == {"url": [url]}
    assert parse_qs(links["WhatsApp"].query) == {"text": [f"I got “Tea” & more {url}"]}
    assert links["Email"].scheme == "mailto"
    assert "+" not in links["Email"].query
    assert parse_qs(links["Email"].query)["body"] == [f"I got “Tea” & more\n{url}"]


def test_plain_text_drops_markup_and_cuts_at_the_limit():
    assert plain_text("<p>Tea &amp; <em>cake</em></p>\n<p>now</p>") == "Tea & cake now"
    assert plain_text("word " * 100, limit=20) == "word word word word…"


def test_every_runtime_page_names_an_icon_and_favicon_ico_answers(client, publish):
    campaign = publish(quiz_document())
    head = Head(client.get(f"/c/{campaign.slug}/").text)
    assert {href.rsplit("/", 1)[-1] for href in head.links["icon"]} == {"favicon.ico",
                                                                         "favicon.svg"}
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[0][0].endswith("/static/img/favicon.ico")
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_an_optional_consent_box_says_so_and_a_required_one_does_not(client, publish):
    document = quiz_document()
    document["steps"][0]["questions"] += [
        {"key": "terms", "kind": "consent", "label": "I agree to the terms", "required": True},
        {"key": "news", "kind": "consent", "label": "Email me news", "required": False},
    ]
    campaign = publish(document)
    page = client.get(client.post(f"/c/{campaign.slug}/").headers["Location"]).text
    assert ('<label for="q-news">Email me news <span class="rt-optional">(optional)</span>'
            '</label>') in page
    assert '<label for="q-terms">I agree to the terms</label>' in page
