"""Saving a campaign's settings page: name and public address, schedule, entry rules, contests.

Name, slug and description are part of the draft (the name is frozen into each version); the
schedule and `Campaign.settings` apply at once, even to a live campaign. One save is one draft
revision either way, so two editors on the settings page never overwrite each other.
"""

import zoneinfo
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError
from django.utils.text import slugify

from campaigns.campaign_settings import (
    DEFAULTS,
    ENTERED,
    FIELD_LIMITS,
    SETTINGS,
    CampaignSetting,
    campaign_setting,
    settable,
)
from campaigns.models import Campaign
from campaigns.origins import ANY, NotAnOrigin, origin_canonical
from campaigns.richtext import sanitise
from campaigns.services.drafts import draft_edit

CAMPAIGN_FIELDS = ("name", "slug", "description", "starts_at", "ends_at")
_url = URLValidator(schemes=["http", "https"])


def origins_parse(text: str) -> list[str]:
    """One origin per line (`https://shop.example.com`, `http://localhost:3000`) or `*`.

    Returns them canonical (see `campaigns.origins`) without duplicates; raises ValidationError
    naming every line that is not an origin.
    """
    return origins_clean([line.strip() for line in text.splitlines() if line.strip()])


def origins_clean(entries: list) -> list[str]:
    """`origins_parse` for a list (a blueprint's, an API's): each entry must be one origin."""
    most = SETTINGS["embed_origins"].high
    if len(entries) > most:
        raise ValidationError(f"At most {most} origins; use * to allow any site.")
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


def campaign_settings_from_blueprint(*, campaign: Campaign, values: dict) -> Campaign:
    """A new campaign's settings from its blueprint (a gallery template, an import, a copy),
    checked as the settings page checks them. Raises ValidationError by key (nothing saved).
    Keys not given keep their defaults; contest-only keys are ignored for other kinds. An
    automatic draw stays off: it needs an end date, which a new campaign does not have yet."""
    # The rules version is not entered: a new campaign's rules start at version 1.
    unknown = sorted(str(key) for key in values if key not in ENTERED)
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

    clean = {"name": _name(get("name"), refuse), "slug": _slug(campaign, values, refuse),
             "description": _limited("description", get("description"), refuse)}
    clean.update(_schedule(get("starts_at"), get("ends_at"), refuse))
    new = {}
    for key in settable(campaign.kind):
        try:
            new[key] = _CLEANERS[SETTINGS[key].type](campaign, SETTINGS[key], get(key))
        except ValidationError as error:
            errors.setdefault(key, []).extend(error.messages)
    if new.get("auto_draw") and not clean["ends_at"]:
        refuse("auto_draw", "An automatic draw happens when the contest ends: set an end date "
                            "in the schedule first.")
    return errors, {**clean, "settings": new}


def _limited(field: str, value: Any, refuse: Callable[[str, str], None]) -> str:
    text = (value or "").strip()
    if len(text) > FIELD_LIMITS[field]:
        refuse(field, f"Keep the {field} under {FIELD_LIMITS[field]} characters.")
    return text


def _name(value: Any, refuse: Callable[[str, str], None]) -> str:
    name = (value or "").strip()
    if not name:
        refuse("name", "Give the campaign a name.")
        return name
    return _limited("name", name, refuse)


def _slug(campaign: Campaign, values: dict, refuse: Callable[[str, str], None]) -> str:
    slug = (values.get("slug", campaign.slug) or "").strip().lower()
    if not slug or slugify(slug) != slug:
        refuse("slug", "Use lower-case letters, digits and hyphens only, like spring-quiz.")
    elif len(slug) > FIELD_LIMITS["slug"]:
        refuse("slug", f"Keep the address under {FIELD_LIMITS['slug']} characters.")
    elif slug != campaign.slug:
        if Campaign.objects.filter(slug=slug).exclude(pk=campaign.pk).exists():
            refuse("slug", f"/c/{slug}/ is taken by another campaign. Choose another address.")
        elif campaign.published_version_id and not values.get("confirm_slug_change"):
            refuse("slug", f"Links already shared (/c/{campaign.slug}/, embeds, QR codes) stop "
                           "working when the address changes. Tick the box to confirm.")
    return slug


def _schedule(starts_at: Any, ends_at: Any, refuse: Callable[[str, str], None]) -> dict:
    wrong = False
    for field, moment in (("starts_at", starts_at), ("ends_at", ends_at)):
        if moment is not None and (not isinstance(moment, datetime) or moment.tzinfo is None):
            refuse(field, "Enter a date and time.")
            wrong = True
    if not wrong and starts_at and ends_at and ends_at <= starts_at:
        refuse("ends_at", "The end must be after the start.")
    return {"starts_at": starts_at, "ends_at": ends_at}


# One check per setting type (CampaignSetting.type): the cleaned value, or ValidationError.
def _whole(campaign: Campaign, setting: CampaignSetting, value: Any) -> int | None:
    if value in (None, ""):
        return None if setting.empty else setting.default
    if isinstance(value, bool) or not isinstance(value, int) \
            or not setting.low <= value <= setting.high:
        raise ValidationError(f"Enter a whole number from {setting.low} to {setting.high}.")
    return value


def _number(campaign: Campaign, setting: CampaignSetting, value: Any) -> float | int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(f"Enter a number, or leave it empty for {setting.empty}.")
    return value


def _text(campaign: Campaign, setting: CampaignSetting, value: Any) -> str:
    text = (value or "").strip()
    if not text and setting.empty is None:
        raise ValidationError("Entrants must be told what they agree to.")
    if len(text) > setting.high:
        raise ValidationError(f"Keep {setting.noun} under {setting.high} characters.")
    return text


def _rich_text(campaign: Campaign, setting: CampaignSetting, value: Any) -> str:
    text = value or ""
    if len(text) > setting.high:
        raise ValidationError(f"Keep {setting.noun} under {setting.high:,} characters.")
    return sanitise(text).strip()


def _url_setting(campaign: Campaign, setting: CampaignSetting, value: Any) -> str:
    address = (value or "").strip()
    if address:
        try:
            _url(address)
        except ValidationError:
            raise ValidationError("Enter a full address starting with https://.") from None
    return address


def _origins(campaign: Campaign, setting: CampaignSetting, value: Any) -> list[str]:
    if isinstance(value, str):
        return origins_parse(value)
    if isinstance(value, list | tuple):
        return origins_clean(list(value))
    raise ValidationError("List the sites that may embed it, one origin per line.")


def _outcomes(campaign: Campaign, setting: CampaignSetting, value: Any) -> list[str]:
    known = set(campaign.outcomes.values_list("key", flat=True))
    keys = list(value or [])
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise ValidationError(f"No such outcome: {', '.join(unknown)}.")
    return keys


def _timezone(campaign: Campaign, setting: CampaignSetting, value: Any) -> str:
    if value not in zoneinfo.available_timezones():
        raise ValidationError("Choose a time zone from the list.")
    return value


_CLEANERS: dict[str, Callable[[Campaign, CampaignSetting, Any], Any]] = {
    "bool": lambda campaign, setting, value: bool(value),
    "whole": _whole, "number": _number, "text": _text, "rich_text": _rich_text,
    "url": _url_setting, "origins": _origins, "outcomes": _outcomes, "timezone": _timezone,
}


def _changed(campaign: Campaign, clean: dict, new: dict) -> list[str]:
    labels = [label for field, label in (("name", "name"), ("slug", "address"),
                                         ("description", "description"))
              if clean[field] != getattr(campaign, field)]
    if (clean["starts_at"], clean["ends_at"]) != (campaign.starts_at, campaign.ends_at):
        labels.append("schedule")
    labels += [key.replace("_", " ") for key, value in new.items()
               if value != campaign_setting(campaign, key)]
    return labels
