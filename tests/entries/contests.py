"""Helpers for contest tests: a published giveaway and entrants who complete it."""

import copy
from datetime import timedelta

from django.utils import timezone

from campaigns.blueprints import gallery_template
from entries.models import Entry, EntryStatus
from tests.factories import EntryFactory


def giveaway_document() -> dict:
    """The gallery's giveaway: pick a cabin, then name, email, rules consent, marketing consent."""
    return copy.deepcopy(gallery_template("giveaway").document)


def email_first_document() -> dict:
    """A giveaway that asks for the email on its first step, then two more steps."""
    return {
        "schema": 1, "name": "Early email giveaway", "kind": "giveaway",
        "campaign_settings": {"rules_text": "<p>Prize: a mug. Sponsor: Early Mugs Ltd.</p>"},
        "intro": {"title": "Win", "body": "", "button": "Start"},
        "steps": [
            {"key": "contact", "title": "Your email", "questions": [
                {"key": "email", "kind": "email", "label": "Email", "required": True}]},
            {"key": "taste", "title": "Pick", "questions": [
                {"key": "colour", "kind": "short_text", "label": "Colour", "required": True}]},
            {"key": "rules", "title": "Rules", "questions": [
                {"key": "rules_consent", "kind": "consent", "label": "I agree to the rules.",
                 "required": True}]},
        ],
    }


def start(client, campaign, query="", **extra):
    response = client.post(f"/c/{campaign.slug}/{query}", extra.pop("data", {}), **extra)
    assert response.status_code == 303, response.content[:800]
    return response.headers["Location"]


def enter(client, campaign, email, *, name="Ada", query="", consent=True, ip="10.0.0.1",
          **headers):
    """Complete the giveaway as one visitor; returns the last response (303 when it went in)."""
    url = start(client, campaign, query, REMOTE_ADDR=ip)
    client.post(url, {"step": "pick_cabin", "cabin": "lakeside"}, REMOTE_ADDR=ip)
    data = {"step": "enter", "first_name": name, "email": email}
    if consent:
        data["rules_consent"] = "yes"
    return client.post(url, data, REMOTE_ADDR=ip, **headers), url


def eligible_entry(campaign, **fields) -> Entry:
    """A completed, consented entry made directly (draw tests need many, fast)."""
    now = timezone.now()
    defaults = {
        "campaign": campaign, "version": campaign.published_version,
        "status": EntryStatus.COMPLETED, "completed_at": now - timedelta(minutes=5),
        "consent": {"rules": {"question": "rules_consent", "wording": "I agree",
                              "rules_version": 1, "at": now.isoformat()}},
    }
    return EntryFactory(**{**defaults, **fields})
