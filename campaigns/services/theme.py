"""The theme of a draft: colours, font, logo and cover, display mode and chat persona, frozen
into each published version."""

from django.core.exceptions import ValidationError

from campaigns.flow.schema import DEFAULT_THEME, DISPLAY_MODES, FONTS, PERSONA_NAME_LIMIT
from campaigns.models import Campaign
from campaigns.services.drafts import draft_edit
from campaigns.services.images import ImageRefused, image_store
from campaigns.theme import COLOUR

COLOUR_FIELDS = ("primary", "background", "text")


def theme_of(campaign: Campaign) -> dict[str, str]:
    """The draft's theme with every key present (a blank campaign's theme may be `{}`)."""
    return {**DEFAULT_THEME, **{k: v for k, v in campaign.theme.items() if k in DEFAULT_THEME}}


def theme_update(*, campaign: Campaign, by, values: dict, revision: int | None,
                 logo=None, cover=None, avatar=None) -> Campaign:
    """Save colours, font, display mode and persona name (`values`), and a new logo, cover or
    avatar upload or their removal.

    `values` holds `primary`, `background`, `text` (`#rrggbb`), `font`, and optionally `mode`,
    `persona` and `remove_logo`/`remove_cover`/`remove_avatar`. Raises ValidationError by field
    (nothing saved), or StaleDraft.
    Contrast below AA is allowed: the builder warns, the marketer decides.
    """
    errors: dict[str, str] = {}
    theme = theme_of(campaign)
    for name in COLOUR_FIELDS:
        value = str(values.get(name, theme[name])).strip().lower()
        if not COLOUR.match(value):
            errors[name] = "Use a colour like #4f46e5 (# and six hexadecimal digits)."
        theme[name] = value
    font = values.get("font", theme["font"])
    if font not in FONTS:
        errors["font"] = f"Choose one of: {', '.join(FONTS)}."
    theme["font"] = font
    errors |= _mode_and_persona(theme, values)
    if errors:
        raise ValidationError(errors)

    # Claimed first: a stale form stores no file.
    with draft_edit(campaign=campaign, by=by, revision=revision, summary="changed the theme"):
        for purpose, upload in (("logo", logo), ("cover", cover), ("avatar", avatar)):
            if values.get(f"remove_{purpose}"):
                theme[purpose] = ""
            if upload is not None:
                try:
                    theme[purpose] = image_store(workspace=campaign.workspace, upload=upload,
                                                 purpose=purpose)
                except ImageRefused as refused:
                    raise ValidationError({purpose: str(refused)}) from None
        campaign.theme = theme
        campaign.save(update_fields=["theme", "revision", "updated_at"])
    return campaign


def _mode_and_persona(theme: dict, values: dict) -> dict[str, str]:
    """Set the display mode and persona name from `values` (kept when absent); their errors."""
    errors = {}
    mode = values.get("mode") or theme["mode"]
    if mode not in DISPLAY_MODES:
        errors["mode"] = f"Choose one of: {', '.join(DISPLAY_MODES)}."
    theme["mode"] = mode
    persona = " ".join(str(values.get("persona", theme["persona"])).split())
    if len(persona) > PERSONA_NAME_LIMIT:
        errors["persona"] = f"Keep the name to {PERSONA_NAME_LIMIT} characters."
    theme["persona"] = persona
    return errors
