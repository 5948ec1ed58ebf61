"""What a shared link shows and where the share buttons send it: the runtime's title, meta
description, Open Graph tags and favicon, and the result page's share links (entries/sharing.py)."""

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache

from campaigns.models import Campaign
from entries.models import Entry, Interaction, InteractionKind
from entries.sharing import plain_text, share_context, share_links
from entries.timeline import entry_detail
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
    # The landing's share card (which draws the cover), at an absolute, versioned address.
    card = f"{SITE}/c/{campaign.slug}/share/{campaign.published_version_id}/en"
    assert head.meta["og:image"] == head.meta["twitter:image"] == card
    assert head.meta["og:image:alt"] == "Which brew are you?"
    assert head.meta["og:locale"] == "en"
    assert head.meta["twitter:card"] == "summary_large_image"
    assert "robots" not in head.meta


def test_without_an_intro_the_description_is_the_campaigns_and_the_image_its_card(client,
                                                                                  publish):
    document = {k: v for k, v in quiz_document().items() if k != "intro"}
    campaign = publish({**document, "description": "Pick a <b>drink</b>, get a brew."})
    head = Head(client.get(f"/c/{campaign.slug}/").text)
    assert head.meta["description"] == "Pick a drink, get a brew."
    assert head.meta["og:image"] == f"{SITE}/c/{campaign.slug}/share/" \
        f"{campaign.published_version_id}/en"
    assert head.meta["twitter:card"] == "summary_large_image"


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
    card = f"{SITE}/c/{campaign.slug}/share/{entry.version_id}/en/{entry.outcome}"
    assert head.meta["og:image"] == head.meta["twitter:image"] == card
    assert head.meta["og:image:alt"] == "A tea person"
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
    # Each passes through the entry's share redirect, which counts it and goes on to the
    # network's own share page with the referral link.
    for link in expected:
        assert f'href="{url}share?to={link.key}"' in page
        response = client.get(f"{url}share", {"to": link.key})
        assert response.status_code == 302
        assert response.headers["Location"] == link.href
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


def test_a_share_is_recorded_and_sent_on_with_the_visitors_referral_code(client, publish):
    campaign = publish(quiz_document())
    url, entry = completed_tea_entry(client, campaign)
    response = client.get(f"{url}share", {"to": "whatsapp"})
    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    assert (target.scheme, target.netloc) == ("https", "wa.me")
    shared = f"{SITE}/c/{campaign.slug}/?ref={entry.referral_code}"
    assert parse_qs(target.query)["text"] == [f"Which brew are you?: I got “A tea person” {shared}"]
    # The entry's private address never reaches the network.
    assert entry.token not in response.headers["Location"]
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    share = Interaction.objects.get(entry=entry, kind=InteractionKind.SHARE)
    assert share.data == {"network": "whatsapp"}


def test_the_share_sheet_and_copy_report_themselves_with_a_post(client, publish):
    campaign = publish(quiz_document())
    url, entry = completed_tea_entry(client, campaign)
    page = client.get(url).text
    assert f'data-share-record="{url}share"' in page  # where runtime.js sends its beacon
    assert client.post(f"{url}share?to=copy").status_code == 204
    assert client.post(f"{url}share?to=native").status_code == 204
    # They have no page to go to: a GET is not followed, and not counted.
    assert client.get(f"{url}share", {"to": "copy"}).status_code == 404
    networks = Interaction.objects.filter(entry=entry, kind=InteractionKind.SHARE) \
        .values_list("data__network", flat=True)
    assert sorted(networks) == ["copy", "native"]


@pytest.mark.parametrize("to", ["", "myspace", "https://evil.example/"])
def test_an_unknown_network_is_not_found_and_nothing_is_recorded(client, publish, to):
    campaign = publish(quiz_document())
    url, entry = completed_tea_entry(client, campaign)
    assert client.get(f"{url}share", {"to": to}).status_code == 404
    assert not Interaction.objects.filter(kind=InteractionKind.SHARE).exists()


def test_an_unfinished_entry_has_nothing_to_share(client, publish):
    campaign = publish(quiz_document())
    url = client.post(f"/c/{campaign.slug}/").headers["Location"]
    assert client.get(f"{url}share", {"to": "x"}).status_code == 404
    assert client.get(f"/c/{campaign.slug}/e/not-a-token/share", {"to": "x"}).status_code == 404
    assert not Interaction.objects.filter(kind=InteractionKind.SHARE).exists()


def test_after_the_campaign_ends_a_share_link_still_works_uncounted_by_post(client, publish):
    campaign = publish(quiz_document())
    url, entry = completed_tea_entry(client, campaign)
    Campaign.objects.filter(pk=campaign.pk).update(status="ended")
    assert client.get(f"{url}share", {"to": "x"}).status_code == 302
    assert client.post(f"{url}share?to=copy").status_code == 204
    assert [i.data["network"] for i in Interaction.objects.filter(kind=InteractionKind.SHARE)] \
        == ["x"]


def test_without_the_entrys_token_the_links_go_straight_to_the_network():
    # An entry someone already has: their link goes straight to the network (no token here).
    context = share_context(slug="brew", referral_code="AbC123", text="Brew")
    assert context["record"] == ""
    assert context["links"] == share_links(f"{SITE}/c/brew/?ref=AbC123", "Brew")


def test_a_share_shows_in_the_entrys_timeline_with_its_network(client, publish):
    campaign = publish(quiz_document())
    url, entry = completed_tea_entry(client, campaign)
    client.get(f"{url}share", {"to": "linkedin"})
    [share] = [event for event in entry_detail(entry).timeline if event.kind == "share"]
    assert (share.label, share.detail) == ("Shared the result", "LinkedIn")
