"""The theme page: colours with a contrast check, font, logo and cover, display mode and chat
persona, and a live sample."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from builder.access import campaign_view
from builder.forms import ImageUploadField
from campaigns.flow.schema import DISPLAY_MODES, FONTS, PERSONA_NAME_LIMIT
from campaigns.models import Campaign
from campaigns.services.drafts import StaleDraft, parse_revision
from campaigns.services.images import ALLOWED_FORMATS, MAX_UPLOAD_BYTES, SIZES
from campaigns.services.theme import theme_of, theme_update
from campaigns.theme import COLOUR, theme_contrast
from entries.rendering import image_url

FONT_LABELS = {"system": "System sans-serif", "serif": "Serif", "rounded": "Rounded",
               "mono": "Monospace"}
ACCEPT = "image/png,image/jpeg,image/webp,image/gif"
MODE_LABELS = {"card": "Card: each step's questions together",
               "focus": "Focus: one question per screen, keyboard shortcuts",
               "chat": "Chat: your persona asks each question as a message"}
UPLOAD_HELP = (f"{', '.join(sorted(ALLOWED_FORMATS.values()))}, up to "
               f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB.")


def _colour(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=7, help_text=help_text,
        widget=forms.TextInput(attrs={"pattern": "#[0-9a-fA-F]{6}", "spellcheck": "false",
                                      "autocomplete": "off", "class": "input-colour",
                                      "data-theme-colour": ""}))


class ThemeForm(forms.Form):
    revision = forms.CharField(widget=forms.HiddenInput, required=False)
    primary = _colour("Primary", "Buttons, links, progress and selected answers.")
    background = _colour("Background", "The page behind the form.")
    text = _colour("Text", "Headings, questions and body text.")
    font = forms.ChoiceField(choices=[(f, FONT_LABELS[f]) for f in FONTS],
                             widget=forms.RadioSelect(attrs={"data-theme-font": ""}))
    logo = ImageUploadField(
        required=False, label="Logo",
        help_text=f"Shown 40 px high at the top of every step (kept up to {SIZES['logo'][0]}×"
                  f"{SIZES['logo'][1]} px for sharp screens). {UPLOAD_HELP} A wide, transparent "
                  "PNG works best.",
        widget=forms.FileInput(attrs={"accept": ACCEPT, "data-theme-image": "logo"}))
    remove_logo = forms.BooleanField(required=False, label="Remove the logo")
    cover = ImageUploadField(
        required=False, label="Cover image",
        help_text=f"Shown above the intro, cropped to 16:9 (up to {SIZES['cover'][0]}×"
                  f"{SIZES['cover'][1]} px kept). {UPLOAD_HELP}",
        widget=forms.FileInput(attrs={"accept": ACCEPT, "data-theme-image": "cover"}))
    remove_cover = forms.BooleanField(required=False, label="Remove the cover image")
    mode = forms.ChoiceField(choices=[(m, MODE_LABELS[m]) for m in DISPLAY_MODES], required=False,
                             label="Display mode",
                             widget=forms.RadioSelect(attrs={"data-theme-mode": ""}))
    persona = forms.CharField(
        required=False, max_length=PERSONA_NAME_LIMIT, label="Persona name",
        help_text="Chat mode: who asks the questions, like “Mia from Bean & Co”. Empty: the "
                  "campaign's name.",
        widget=forms.TextInput(attrs={"data-theme-persona": ""}))
    avatar = ImageUploadField(
        required=False, label="Persona avatar",
        help_text=f"Chat mode: shown 40 px round beside each question. {UPLOAD_HELP}",
        widget=forms.FileInput(attrs={"accept": ACCEPT, "data-theme-image": "avatar"}))
    remove_avatar = forms.BooleanField(required=False, label="Remove the avatar")


@campaign_view()
def campaign_theme(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    theme = theme_of(campaign)
    form = ThemeForm(request.POST or None, request.FILES or None,
                     initial={**theme, "revision": campaign.revision})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            theme_update(campaign=campaign, by=request.user, values=data,
                         revision=parse_revision(data["revision"]),
                         logo=data["logo"] or None, cover=data["cover"] or None,
                         avatar=data["avatar"] or None)
        except ValidationError as error:
            form.add_error(None, error)
        except StaleDraft as stale:
            form.add_error(None, str(stale))
        else:
            messages.success(request, "Theme saved. Visitors see it once you publish.")
            return redirect("builder:campaign_theme", campaign.pk)
    shown = _shown_colours(form, theme)
    return render(request, "builder/theme.html", {
        "campaign": campaign,
        "form": form,
        "theme": {**theme, **shown},
        "checks": theme_contrast(**shown),
        "logo_url": image_url(theme["logo"]),
        "cover_url": image_url(theme["cover"]),
        "avatar_url": image_url(theme["avatar"]),
        "font_labels": FONT_LABELS,
    }, status=200)


def _shown_colours(form: ThemeForm, theme: dict) -> dict[str, str]:
    """What the marketer typed when it is a colour (so the check matches the form), else saved."""
    shown = {}
    for name in ("primary", "background", "text"):
        typed = form.data.get(name, "").strip().lower() if form.is_bound else ""
        shown[name] = typed if COLOUR.match(typed) else theme[name]
    return shown
