"""Saving a campaign's settings page: name and public address, schedule, entry rules, contests.

Name, slug and description are part of the draft (the name is frozen into each version); the
schedule and `Campaign.settings` apply at once, even to a live campaign. One save is one draft
revision either way, so two editors on the settings page never overwrite each other.
"""

import zoneinfo
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError
from django.utils.text import slugify

from campaigns.campaign_settings import CONTEST_KINDS, DEFAULTS, campaign_setting
from campaigns.models import Campaign
from campaigns.origins import ANY, NotAnOrigin, origin_canonical
from campaigns.richtext import sanitise
from campaigns.services.drafts import draft_edit

MAX_ORIGINS = 50
MAX_RULES_CHARS = 50_000
# (low, high) for each whole-number setting; None is allowed where the setting can be off.
NUMBER_LIMITS = {"min_age": (1, 120), "referral_bonus": (0, 100), "winners": (1, 1000),
                 "alternates": (0, 100), "claim_days": (1, 365)}
CONTEST_ONLY = ("rules_text", "consent_wording", "gate_outcomes", "gate_min_score",
                "referral_bonus", "winners", "alternates", "claim_days", "auto_draw")
CAMPAIGN_FIELDS = ("name", "slug", "description", "starts_at", "ends_at")
EVERY_KIND = ("one_entry_per_person", "min_age", "embed_origins", "redirect_url", "timezone")
_url = URLValidator(schemes=["http", "https"])


def origins_parse(text: str) -> list[str]:
    """One origin per line (`https://shop.example.com`, `http://localhost:3000`) or `*`.

    Returns them canonical (see `campaigns.origins`) without duplicates; raises ValidationError
    naming every line that is not an origin.
    """
    return origins_clean([line.strip() for line in text.splitlines() if line.strip()])


def origins_clean(entries: list) -> list[str]:
    """`origins_parse` for a list (a blueprint's, an API's): each entry must be one origin."""
    if len(entries) > MAX_ORIGINS:
        raise ValidationError(f"At most {MAX_ORIGINS} origins; use * to allow any site.")
    origins: list[str] = []
    problems: list[str] = []
    for number, entry in enumerate(entries, 1):
        shown = f"Line {number} “{str(entry)[:80]}”"
        try:
            origin = ANY if entry == ANY else origin_canonical(entry)
        except NotAnOrigin as problem:
            problems.append(f"{shown}: {problem}")
            continue
        if origin not in origins:
            origins.append(origin)
    if problems:
        raise ValidationError(problems)
    return origins


def campaign_settings_check(*, campaign: Campaign, values: dict) -> dict[str, list[str]]:
    """What `campaign_settings_update` would refuse, by field; {} when it would save."""
    return _checked(campaign, values)[0]


# What a blueprint's `campaign_settings` may hold: every setting the settings page saves. The
# rules version is not among them: a new campaign's rules start at version 1.
BLUEPRINT_KEYS = (*EVERY_KIND, *CONTEST_ONLY)


def campaign_settings_from_blueprint(*, campaign: Campaign, values: dict) -> Campaign:
    """A new campaign's settings from its blueprint (a gallery template, an import, a copy),
    checked as the settings page checks them. Raises ValidationError by key (nothing saved).
    Keys not given keep their defaults; contest-only keys are ignored for other kinds. An
    automatic draw stays off: it needs an end date, which a new campaign does not have yet."""
    unknown = sorted(str(key) for key in values if key not in BLUEPRINT_KEYS)
    if unknown:
        raise ValidationError({key: ["This is not a campaign setting."] for key in unknown})
    values = dict(values)
    if values.get("auto_draw") and not campaign.ends_at:
        values.pop("auto_draw")
    origins = values.get("embed_origins")
    if isinstance(origins, list) and all(isinstance(o, str) for o in origins):
        values["embed_origins"] = "\n".join(origins)  # parsed and checked like the page's box
    elif "embed_origins" in values and not isinstance(origins, str):
        raise ValidationError({"embed_origins": ["Give a list of origins."]})
    errors, clean = _checked(campaign, values)
    if errors:
        raise ValidationError(errors)
    campaign.settings = {key: value for key, value in clean["settings"].items()
                         if key in values}
    campaign.save(update_fields=["settings", "updated_at"])
    return campaign


def campaign_settings_update(*, campaign: Campaign, by, values: dict,
                             revision: int | None) -> Campaign:
    """Validate and save the settings page's `values` (cleaned Python values by field name).

    Keys missing from `values` keep their current value; contest-only keys are ignored for
    kinds other than contest and giveaway. Raises ValidationError by field (nothing saved), or
    StaleDraft. Changing the rules text bumps `rules_version`, which each consent records.
    """
    errors, clean = _checked(campaign, values)
    if errors:
        raise ValidationError(errors)
    new = clean["settings"]
    changed = _changed(campaign, clean, new)
    previous = {field: getattr(campaign, field) for field in (*CAMPAIGN_FIELDS, "settings")}
    try:
        with draft_edit(campaign=campaign, by=by, revision=revision,
                        summary="changed the settings"
                        + (f": {', '.join(changed)}" if changed else "")):
            if "rules_text" in new and new["rules_text"] != previous["settings"].get(
                    "rules_text", DEFAULTS["rules_text"]):
                new["rules_version"] = campaign_setting(campaign, "rules_version") + 1
            for field in CAMPAIGN_FIELDS:
                setattr(campaign, field, clean[field])
            campaign.settings = {**campaign.settings, **new}
            campaign.save(update_fields=[*CAMPAIGN_FIELDS, "settings", "revision",
                                         "updated_at"])
    except IntegrityError:
        # Another campaign took the address between the check and the save.
        for field, value in previous.items():
            setattr(campaign, field, value)
        raise ValidationError({"slug": f"/c/{clean['slug']}/ is taken by another campaign. "
                                       "Choose another address."}) from None
    return campaign


def _checked(campaign: Campaign, values: dict) -> tuple[dict[str, list[str]], dict]:
    """(errors by field, the cleaned values: campaign fields and a `settings` dict)."""
    errors: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    def get(key: str):
        if key in values:
            return values[key]
        if key in CAMPAIGN_FIELDS:
            return getattr(campaign, key)
        return campaign_setting(campaign, key)

    name = (get("name") or "").strip()
    if not name:
        refuse("name", "Give the campaign a name.")
    elif len(name) > 200:
        refuse("name", "Keep the name under 200 characters.")
    description = (get("description") or "").strip()
    if len(description) > 300:
        refuse("description", "Keep the description under 300 characters.")

    slug = (get("slug") or "").strip().lower()
    if not slug or slugify(slug) != slug:
        refuse("slug", "Use lower-case letters, digits and hyphens only, like spring-quiz.")
    elif len(slug) > 80:
        refuse("slug", "Keep the address under 80 characters.")
    elif slug != campaign.slug:
        if Campaign.objects.filter(slug=slug).exclude(pk=campaign.pk).exists():
            refuse("slug", f"/c/{slug}/ is taken by another campaign. Choose another address.")
        elif campaign.published_version_id and not values.get("confirm_slug_change"):
            refuse("slug", f"Links already shared (/c/{campaign.slug}/, embeds, QR codes) stop "
                           "working when the address changes. Tick the box to confirm.")

    starts_at, ends_at = get("starts_at"), get("ends_at")
    for field, moment in (("starts_at", starts_at), ("ends_at", ends_at)):
        if moment is not None and (not isinstance(moment, datetime) or moment.tzinfo is None):
            refuse(field, "Enter a date and time.")
    if not errors.get("starts_at") and not errors.get("ends_at") and starts_at and ends_at \
            and ends_at <= starts_at:
        refuse("ends_at", "The end must be after the start.")

    new = {}
    keys = EVERY_KIND + (CONTEST_ONLY if campaign.kind in CONTEST_KINDS else ())
    for key in keys:
        value = get(key)
        if key in NUMBER_LIMITS:
            value = _number(key, value, refuse)
        new[key] = value
    if new["timezone"] not in zoneinfo.available_timezones():
        refuse("timezone", "Choose a time zone from the list.")
    new["one_entry_per_person"] = bool(new["one_entry_per_person"])

    origins = new["embed_origins"]
    try:
        if isinstance(origins, str):
            new["embed_origins"] = origins_parse(origins)
        elif isinstance(origins, list | tuple):
            new["embed_origins"] = origins_clean(list(origins))
        else:
            refuse("embed_origins", "List the sites that may embed it, one origin per line.")
    except ValidationError as error:
        errors.setdefault("embed_origins", []).extend(error.messages)

    redirect_url = (new["redirect_url"] or "").strip()
    if redirect_url:
        try:
            _url(redirect_url)
        except ValidationError:
            refuse("redirect_url", "Enter a full address starting with https://.")
    new["redirect_url"] = redirect_url

    if campaign.kind in CONTEST_KINDS:
        _contest(campaign, new, ends_at, refuse)
    return errors, {"name": name, "slug": slug, "description": description,
                    "starts_at": starts_at, "ends_at": ends_at, "settings": new}


def _number(key: str, value, refuse) -> int | None:
    if value in (None, ""):
        if key == "min_age":
            return None
        return DEFAULTS[key]
    low, high = NUMBER_LIMITS[key]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        refuse(key, f"Enter a whole number from {low} to {high}.")
        return None
    return value


def _contest(campaign: Campaign, new: dict, ends_at, refuse) -> None:
    rules = new["rules_text"] or ""
    if len(rules) > MAX_RULES_CHARS:
        refuse("rules_text", f"Keep the rules under {MAX_RULES_CHARS:,} characters.")
    new["rules_text"] = sanitise(rules).strip()
    wording = (new["consent_wording"] or "").strip()
    if not wording:
        refuse("consent_wording", "Entrants must be told what they agree to.")
    elif len(wording) > 500:
        refuse("consent_wording", "Keep the consent wording under 500 characters.")
    new["consent_wording"] = wording
    known = set(campaign.outcomes.values_list("key", flat=True))
    gate = list(new["gate_outcomes"] or [])
    unknown = [key for key in gate if key not in known]
    if unknown:
        refuse("gate_outcomes", f"No such outcome: {', '.join(unknown)}.")
    new["gate_outcomes"] = gate
    score = new["gate_min_score"]
    if score in ("", None):
        new["gate_min_score"] = None
    elif isinstance(score, bool) or not isinstance(score, int | float):
        refuse("gate_min_score", "Enter a number, or leave it empty for no minimum score.")
    new["auto_draw"] = bool(new["auto_draw"])
    if new["auto_draw"] and not ends_at:
        refuse("auto_draw", "An automatic draw happens when the contest ends: set an end date "
                            "in the schedule first.")


def _changed(campaign: Campaign, clean: dict, new: dict) -> list[str]:
    labels = [label for field, label in (("name", "name"), ("slug", "address"),
                                         ("description", "description"))
              if clean[field] != getattr(campaign, field)]
    if (clean["starts_at"], clean["ends_at"]) != (campaign.starts_at, campaign.ends_at):
        labels.append("schedule")
    labels += [key.replace("_", " ") for key, value in new.items()
               if value != campaign_setting(campaign, key)]
    return labels
