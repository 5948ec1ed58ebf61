"""The runtime honours what the design and settings pages save: the theme and redirect_url."""

import pytest
from django.core.cache import cache

from campaigns.services.campaign_settings import campaign_settings_update
from tests.entries.documents import branching_quiz

pytestmark = pytest.mark.django_db

THEME = {"primary": "#0f766e", "background": "#fefce8", "text": "#1c1917", "font": "mono",
         "logo": "images/1/logo-0123456789abcdef.png", "cover": "images/1/cover-00.jpg"}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def _tea_entry(client, campaign) -> str:
    url = client.post(f"/c/{campaign.slug}/").headers["Location"]
    client.post(url, {"step": "about", "name": "Bo"})
    client.post(url, {"step": "taste", "drink": "tea"})
    return url


def test_the_published_theme_is_worn_by_every_page(client, publish):
    campaign = publish({**branching_quiz(), "theme": THEME})
    landing = client.get(f"/c/{campaign.slug}/").text
    assert "--primary: #0f766e; --bg: #fefce8; --text: #1c1917;" in landing
    assert '<body class="font-mono mode-card">' in landing
    assert '<img class="rt-logo" src="/media/images/1/logo-0123456789abcdef.png"' in landing
    assert '<img class="rt-cover" src="/media/images/1/cover-00.jpg"' in landing
    result = client.get(_tea_entry(client, campaign)).text
    assert "--primary: #0f766e;" in result
    assert "rt-logo" in result


def test_the_theme_is_frozen_until_the_next_publish(client, publish):
    campaign = publish({**branching_quiz(), "theme": THEME})
    campaign.theme = {**THEME, "primary": "#000000"}
    campaign.save()
    assert "--primary: #0f766e;" in client.get(f"/c/{campaign.slug}/").text


def test_the_result_page_offers_the_campaigns_redirect(client, publish):
    campaign = publish(branching_quiz())
    url = _tea_entry(client, campaign)
    assert "Continue" not in client.get(url).text
    campaign_settings_update(campaign=campaign, by=None, revision=campaign.revision,
                             values={"redirect_url": "https://shop.example.com/thanks?x=1&y=2"})
    result = client.get(url).text
    assert ('href="https://shop.example.com/thanks?x=1&amp;y=2" target="_top" '
            'rel="noopener">Continue') in result


def test_an_outcomes_own_redirect_wins(client, publish):
    document = branching_quiz()
    document["outcomes"][1]["redirect_url"] = "https://tea.example.com/"
    campaign = publish(document)
    campaign.settings = {"redirect_url": "https://shop.example.com/"}
    campaign.save()
    result = client.get(_tea_entry(client, campaign)).text
    assert 'href="https://tea.example.com/"' in result
    assert "shop.example.com" not in result
