"""Every runtime write meets the same guards in the same order (entries/guards.py): the campaign
takes entries, the entry is found by its token, the post comes from an allowed site, the IP is
within its rate; each view says no in its own form (a page, a stage, JSON)."""

import html
import json

import pytest
from django.core.cache import cache

from campaigns.models import Status
from entries import guards
from entries.models import Entry, Interaction, OutboundEmail
from entries.services.runtime import entry_start
from tests.entries.documents import branching_quiz

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
EVIL = {"HTTP_ORIGIN": "https://evil.example"}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def quiz(publish):
    return publish(branching_quiz(), settings={"embed_origins": ["https://shop.example"]})


@pytest.fixture
def entry(quiz):
    return entry_start(campaign=quiz, source={})


def _writes(entry):
    """Each runtime write of an entry: (rate action, URL, form data)."""
    base = f"/c/{entry.campaign.slug}/e/{entry.token}/"
    return [("submit", base, {"step": entry.current_step}),
            ("resume", f"{base}later/", {"email": "bo@example.com"})]


def _batch(entry) -> str:
    return json.dumps({"events": [{"kind": "focus", "step": entry.current_step, "at": 1,
                                   "data": {}}]})


def test_another_sites_writes_are_refused_and_save_nothing(client, quiz, entry):
    assert client.post(f"/c/{quiz.slug}/", **EVIL).status_code == 403
    for _, url, data in _writes(entry):
        refused = client.post(url, data, **EVIL)
        assert refused.status_code == 403
        assert "can't be sent from that site" in html.unescape(refused.text)
    events = client.post(f"/c/{quiz.slug}/e/{entry.token}/events", _batch(entry),
                         content_type="application/json", **EVIL)
    assert events.status_code == 403
    assert "can't be sent from that site" in events.json()["error"]
    assert Entry.objects.count() == 1
    assert Entry.objects.get().trail == entry.trail
    assert not OutboundEmail.objects.exists()
    assert not Interaction.objects.exclude(kind="view").exists()


@pytest.mark.parametrize("action", ["submit", "resume"])
def test_an_entrys_writes_over_the_rate_answer_429(client, monkeypatch, entry, action):
    monkeypatch.setitem(guards.RATE_LIMITS, action, 1)
    url, data = next((url, data) for name, url, data in _writes(entry) if name == action)
    assert client.post(url, data).status_code in {200, 303}
    refused = client.post(url, data)
    assert refused.status_code == 429
    assert "Too many requests from your network" in refused.text
    # HTMX 2 swaps only a 2xx: the same words come in the stage.
    swapped = client.post(url, data, **HTMX)
    assert swapped.status_code == 200
    assert "<html" not in swapped.text
    assert "Too many requests from your network" in swapped.text


def test_a_rate_limited_resume_sends_nothing_and_leads_back_to_the_form(client, monkeypatch,
                                                                        entry):
    monkeypatch.setitem(guards.RATE_LIMITS, "resume", 0)
    refused = client.post(f"/c/{entry.campaign.slug}/e/{entry.token}/later/",
                          {"email": "bo@example.com"})
    assert refused.status_code == 429
    assert "Back to the form" in refused.text
    assert not OutboundEmail.objects.exists()


def test_events_over_the_rate_answer_429_in_json(client, monkeypatch, entry):
    monkeypatch.setitem(guards.RATE_LIMITS, "events", 0)
    refused = client.post(f"/c/{entry.campaign.slug}/e/{entry.token}/events", _batch(entry),
                          content_type="application/json")
    assert refused.status_code == 429
    assert "Too many requests" in refused.json()["error"]


def test_another_sites_posts_use_up_no_visitors_rate(client, monkeypatch, quiz):
    monkeypatch.setitem(guards.RATE_LIMITS, "start", 1)
    for _ in range(3):
        assert client.post(f"/c/{quiz.slug}/", **EVIL).status_code == 403
    assert client.post(f"/c/{quiz.slug}/").status_code == 303


def test_a_closed_campaign_answers_closed_before_any_other_guard(client, monkeypatch, quiz,
                                                                 entry):
    monkeypatch.setitem(guards.RATE_LIMITS, "start", 0)
    quiz.status = Status.PAUSED
    quiz.save()
    start = client.post(f"/c/{quiz.slug}/", **EVIL)
    assert start.status_code == 200
    assert "Taking a short break" in start.text
    for _, url, data in _writes(entry):
        closed = client.post(url, data, **EVIL)
        assert "Taking a short break" in closed.text
    assert Entry.objects.count() == 1
