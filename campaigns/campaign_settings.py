"""The keys of `Campaign.settings`: what a campaign does outside its flow, with their defaults.

The builder's settings page writes them, the runtime and contests read them; both go through
`campaign_setting` so a campaign saved before a key existed reads its default.
"""

from typing import Any

DEFAULTS: dict[str, Any] = {
    # Origins allowed to frame the runtime and post to it; ["*"] means anywhere.
    "embed_origins": ["*"],
    # One entry per normalised email address (contests and giveaways default to it).
    "one_entry_per_person": False,
    # Contest rules (rich text) and the wording of the consent to them; the version is bumped
    # whenever the text changes, and stored with each entrant's consent.
    "rules_text": "",
    "rules_version": 1,
    "consent_wording": "I have read and agree to the official rules.",
    # Age gate: entrants must confirm a date of birth at least this many years ago; None is off.
    "min_age": None,
    # Quiz gate: only entries with one of these outcomes and at least this score may win.
    "gate_outcomes": [],
    "gate_min_score": None,
    # Extra draw tickets a referrer earns for each referred person's valid, completed entry.
    "referral_bonus": 1,
    # Draws: winners and ranked alternates, days a winner has to claim, draw when the contest ends.
    "winners": 1,
    "alternates": 3,
    "claim_days": 7,
    "auto_draw": False,
    # Where the visitor goes after the result page ("" stays on it).
    "redirect_url": "",
    # The IANA time zone the schedule is entered and shown in (starts_at/ends_at are stored UTC).
    "timezone": "UTC",
}

CONTEST_KINDS = ("contest", "giveaway")


def campaign_setting(campaign, key: str) -> Any:
    if key not in DEFAULTS:
        raise KeyError(f"unknown campaign setting {key!r}")
    if key == "one_entry_per_person" and key not in campaign.settings:
        return campaign.kind in CONTEST_KINDS
    return campaign.settings.get(key, DEFAULTS[key])
