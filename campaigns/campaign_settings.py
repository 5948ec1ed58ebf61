"""The keys of `Campaign.settings`, declared once: type, bounds, default and the words shown.

`SETTINGS` is read by the settings service (campaigns.services.campaign_settings, which checks a
value by its type and bounds), the builder's settings form (which builds its fields from it) and
a blueprint's `campaign_settings` (checked by the same service). The runtime and contests read a
value through `campaign_setting`, so a campaign saved before a key existed reads its default.
"""

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

CONTEST_KINDS = ("contest", "giveaway")


@dataclass(frozen=True, slots=True)
class CampaignSetting:
    """`type` picks the check and the form field: bool, whole (a whole number from `low` to
    `high`), number, text and rich_text (at most `high` characters), url, origins, outcomes,
    timezone, or internal (kept by the service, never entered). `empty` says what an empty
    value means (None: it cannot be empty, the form requires it); `noun` names it in messages."""

    type: str
    default: Any
    label: str = ""
    help: str = ""
    low: int | None = None
    high: int | None = None
    empty: str | None = ""
    noun: str = ""
    contest: bool = False  # contests and giveaways only


SETTINGS: MappingProxyType[str, CampaignSetting] = MappingProxyType({
    # One entry per normalised email address (contests and giveaways default to it).
    "one_entry_per_person": CampaignSetting(
        "bool", False, "One entry per person",
        "By the entrant's email address (see each email question), ignoring dots and +tags at "
        "Gmail (a.b+x@gmail.com is ab@gmail.com). Any kind of campaign."),
    # Age gate: entrants must confirm a date of birth at least this many years ago; None is off.
    "min_age": CampaignSetting(
        "whole", None, "Minimum age",
        "Entrants confirm a date of birth at least this many years ago. Empty: no age gate.",
        low=1, high=120, empty="no age gate"),
    # Origins allowed to frame the runtime and post to it; ["*"] means anywhere.
    "embed_origins": CampaignSetting(
        "origins", ["*"], "Sites that may embed it",
        "One origin per line, like https://shop.example.com (no path). * allows any site. "
        "Empty: only the public link works, no embeds.", high=50),
    # Where the visitor goes after the result page ("" stays on it).
    "redirect_url": CampaignSetting(
        "url", "", "After the result page, continue to",
        "A “Continue” button on every result page links here (an outcome's own link wins). "
        "Empty: visitors stay on the result page.", high=2000),
    # The IANA time zone the schedule is entered and shown in (starts_at/ends_at are stored UTC).
    "timezone": CampaignSetting("timezone", "UTC", "Time zone", empty=None),
    # Contest rules (rich text) and the wording of the consent to them; the version is bumped
    # whenever the text changes, and stored with each entrant's consent.
    "rules_text": CampaignSetting(
        "rich_text", "", "Official rules",
        "Rich text: paragraphs, bold, italics, lists and links. Changing it starts a new rules "
        "version; each consent records the version it agreed to.",
        high=50_000, noun="the rules", contest=True),
    "rules_version": CampaignSetting("internal", 1),
    "consent_wording": CampaignSetting(
        "text", "I have read and agree to the official rules.", "Consent wording",
        high=500, empty=None, noun="the consent wording", contest=True),
    # Quiz gate: only entries with one of these outcomes and at least this score may win.
    "gate_outcomes": CampaignSetting(
        "outcomes", [], "Only entries with one of these outcomes may win",
        "None ticked: every outcome qualifies.", contest=True),
    "gate_min_score": CampaignSetting(
        "number", None, "Minimum score to qualify", "Empty: no minimum score.",
        empty="no minimum score", contest=True),
    # Extra draw tickets a referrer earns for each referred person's valid, completed entry.
    "referral_bonus": CampaignSetting(
        "whole", 1, "Bonus tickets per referral",
        "Extra tickets a person earns for each friend who completes a valid entry through "
        "their link.", low=0, high=100, empty=None, contest=True),
    # Draws: winners and ranked alternates, days a winner has to claim, draw when the contest ends.
    "winners": CampaignSetting("whole", 1, "Winners", "How many prizes are drawn.",
                               low=1, high=1000, empty=None, contest=True),
    "alternates": CampaignSetting(
        "whole", 3, "Alternates", "Ranked reserves: a forfeited prize passes to the next one.",
        low=0, high=100, empty=None, contest=True),
    "claim_days": CampaignSetting(
        "whole", 7, "Days to claim",
        "After this, an unclaimed prize passes to the next alternate.",
        low=1, high=365, empty=None, contest=True),
    # A language with missing or stale texts: False (the default) blocks publishing until every
    # text is translated; True publishes and shows those texts in the default language, with a
    # note telling the visitor so.
    "translation_fallback": CampaignSetting(
        "bool", False, "Publish languages with missing translations",
        "Off: every text must be translated before publishing. On: a missing text shows in the "
        "default language, and the page says some of it is untranslated."),
    "auto_draw": CampaignSetting("bool", False, "Draw automatically when it closes",
                                 contest=True),
})
DEFAULTS: MappingProxyType[str, Any] = MappingProxyType(
    {key: setting.default for key, setting in SETTINGS.items()})
# The campaign's own text fields the settings page edits, with their longest length.
FIELD_LIMITS = MappingProxyType({"name": 200, "slug": 80, "description": 300})


# The settings a person enters (on the settings page or in a blueprint), of any kind of campaign.
ENTERED = tuple(key for key, setting in SETTINGS.items() if setting.type != "internal")


def settable(kind: str) -> tuple[str, ...]:
    """The settings a campaign of `kind` enters: contest-only ones for contests only."""
    return tuple(key for key in ENTERED if kind in CONTEST_KINDS or not SETTINGS[key].contest)


def campaign_setting(campaign, key: str) -> Any:
    if key not in DEFAULTS:
        raise KeyError(f"unknown campaign setting {key!r}")
    if key == "one_entry_per_person" and key not in campaign.settings:
        return campaign.kind in CONTEST_KINDS
    return campaign.settings.get(key, DEFAULTS[key])


def campaign_texts(campaign) -> dict[str, str]:
    """The campaign's own texts that visitors read, by text id, translated like its flow's
    (campaigns/flow/translations.py): a contest's official rules."""
    rules = campaign_setting(campaign, "rules_text") if campaign.kind in CONTEST_KINDS else ""
    return {"rules.text": rules} if rules.strip() else {}
