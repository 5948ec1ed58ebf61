"""The settings page: name and address, schedule, entry rules, embedding, contests and draws."""

import re
import zoneinfo
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.safestring import mark_safe

from builder.access import campaign_view
from builder.htmx import fragment_or_page, written
from campaigns.campaign_settings import (
    CONTEST_KINDS,
    ENTERED,
    FIELD_LIMITS,
    SETTINGS,
    CampaignSetting,
    campaign_setting,
    settable,
)
from campaigns.models import Campaign
from campaigns.richtext import sanitise
from campaigns.services.campaign_settings import campaign_settings_check, campaign_settings_update
from campaigns.services.drafts import StaleDraft, parse_revision

# Recall tags in an outcome's title read as "…" in a list of outcomes.
RECALL = re.compile(r"\{\{.*?\}\}")
TIMEZONES = sorted(zoneinfo.available_timezones() - {"localtime"})
LOCAL_INPUT = "%Y-%m-%dT%H:%M"


def _setting_field(key: str) -> forms.Field:
    """The form field of one campaign setting, from its declaration (campaigns.campaign_settings);
    the service checks the value again, so a blueprint's settings pass the same checks."""
    setting = SETTINGS[key]
    field = _FIELDS.get(setting.type, _short_text)
    return field(setting, label=setting.label, help_text=setting.help,
                 required=setting.empty is None and setting.type != "bool")


_SMALL = {"class": "input-sm"}


def _short_text(setting: CampaignSetting, **common) -> forms.Field:
    return forms.CharField(max_length=setting.high, widget=forms.TextInput(), **common)


# The form field of each setting type, made from the setting and the label, help and required
# every field has; any other type is a short text.
_FIELDS: dict[str, Callable[..., forms.Field]] = {
    "bool": lambda _setting, **common: forms.BooleanField(**common),
    "whole": lambda setting, **common: forms.IntegerField(
        min_value=setting.low, max_value=setting.high, widget=forms.NumberInput(attrs=_SMALL),
        **common),
    "number": lambda _setting, **common: forms.FloatField(
        widget=forms.NumberInput(attrs={**_SMALL, "step": "any"}), **common),
    "timezone": lambda _setting, **common: forms.ChoiceField(
        choices=[(z, z.replace("_", " ")) for z in TIMEZONES],
        widget=forms.Select(attrs={"data-browser-timezone": ""}), **common),
    "outcomes": lambda _setting, **common: forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, **common),
    "url": lambda setting, **common: forms.CharField(
        max_length=setting.high,
        widget=forms.URLInput(attrs={"placeholder": "https://www.example.com/thanks"}), **common),
    "origins": lambda _setting, **common: forms.CharField(widget=forms.Textarea(
        attrs={"rows": 3, "spellcheck": "false", "class": "code"}), **common),
    "rich_text": lambda _setting, **common: forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}), **common),
}


class SettingsForm(forms.Form):
    revision = forms.CharField(widget=forms.HiddenInput, required=False)
    # About
    name = forms.CharField(max_length=FIELD_LIMITS["name"], label="Campaign name")
    slug = forms.CharField(max_length=FIELD_LIMITS["slug"], label="Public address",
                           widget=forms.TextInput(attrs={"spellcheck": "false",
                                                         "autocapitalize": "off"}))
    confirm_slug_change = forms.BooleanField(
        required=False, label="I understand that links to the old address stop working")
    description = forms.CharField(
        max_length=FIELD_LIMITS["description"], required=False, label="Description",
        help_text=f"For you and your team, and for link previews. Up to "
                  f"{FIELD_LIMITS['description']} characters.",
        widget=forms.Textarea(attrs={"rows": 2}))
    # Schedule
    starts_at = forms.CharField(
        required=False, label="Opens",
        help_text="Empty: open as soon as it is published.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT))
    ends_at = forms.CharField(
        required=False, label="Closes", help_text="Empty: open until you end it.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT))
    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.is_contest = campaign.kind in CONTEST_KINDS
        # The settings (entries, embedding, contest rules and draws) from their declarations.
        self.fields.update({key: _setting_field(key) for key in settable(campaign.kind)})
        if self.is_contest:
            self.fields["gate_outcomes"].choices = [
                (o.key, f"{RECALL.sub('…', o.title)} ({o.key})")
                for o in campaign.outcomes.all()]
        if not campaign.published_version_id:
            del self.fields["confirm_slug_change"]
        if "timezone" in campaign.settings:
            # settings.js proposes the browser's zone only until one was saved.
            self.fields["timezone"].widget.attrs["data-chosen"] = "1"

    def clean(self):
        data = super().clean()
        zone_name = data.get("timezone")
        zone = ZoneInfo(zone_name) if zone_name in TIMEZONES else ZoneInfo("UTC")
        for name in ("starts_at", "ends_at"):
            raw = (self.data.get(name) or "").strip()
            if not raw:
                data[name] = None
                continue
            try:
                moment = parse_datetime(raw)
            except ValueError:
                moment = None
            if moment is None:
                self.add_error(name, "Enter a date and time, like 2026-05-01 09:00.")
            else:
                data[name] = moment.replace(tzinfo=zone)
        # The service's own checks, on the fields that parsed, so every error shows at once.
        parsed = {k: v for k, v in data.items() if k not in self.errors and k != "revision"}
        for field, messages_ in campaign_settings_check(campaign=self.campaign,
                                                        values=parsed).items():
            if field not in self.errors:
                for message in messages_:
                    self.add_error(field, message)
        return data


def _initial(campaign: Campaign) -> dict:
    zone = ZoneInfo(campaign_setting(campaign, "timezone"))
    initial = {
        "revision": campaign.revision, "name": campaign.name, "slug": campaign.slug,
        "description": campaign.description,
        "timezone": campaign_setting(campaign, "timezone"),
        "starts_at": campaign.starts_at and campaign.starts_at.astimezone(zone).strftime(
            LOCAL_INPUT),
        "ends_at": campaign.ends_at and campaign.ends_at.astimezone(zone).strftime(LOCAL_INPUT),
    }
    for key in ENTERED:
        initial[key] = campaign_setting(campaign, key)
    initial["embed_origins"] = "\n".join(campaign_setting(campaign, "embed_origins"))
    return initial


@campaign_view()
def campaign_settings_view(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    form = SettingsForm(request.POST or None, initial=_initial(campaign), campaign=campaign)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "revision"}
        try:
            campaign_settings_update(campaign=campaign, by=request.user, values=values,
                                     revision=parse_revision(
                                         form.cleaned_data["revision"]))
        except ValidationError as error:
            form.add_error(None, error)
        except StaleDraft as stale:
            form.add_error(None, str(stale))
        else:
            return written(
                request, to=reverse("builder:campaign_settings", args=[campaign.pk]),
                notice="Settings saved.",
                region=lambda: _settings_response(
                    request, campaign, SettingsForm(initial=_initial(campaign), campaign=campaign),
                    saved=True))
    return _settings_response(request, campaign, form)


def _settings_response(request: HttpRequest, campaign: Campaign, form: SettingsForm, *,
                       saved: bool = False) -> HttpResponse:
    context = {"campaign": campaign, "form": form, "saved": saved,
               "schedule_utc": _schedule_utc(campaign),
               "rules_version": campaign_setting(campaign, "rules_version"),
               # Sanitised again on the way out: the stored text may predate the allow-list.
               "rules_html": mark_safe(sanitise(campaign_setting(campaign, "rules_text")))}
    return fragment_or_page(request, fragment="builder/_settings_form.html",
                            page="builder/settings.html", context=context)


def _schedule_utc(campaign: Campaign) -> dict[str, str]:
    shown = {name: moment.astimezone(ZoneInfo("UTC")).strftime("%-d %b %Y, %H:%M UTC")
             for name in ("starts_at", "ends_at") if (moment := getattr(campaign, name))}
    now = timezone.now()
    if campaign.ends_at and campaign.ends_at <= now:
        shown["state"] = "Closed by the schedule: visitors see “This has ended”."
    elif campaign.starts_at and campaign.starts_at > now:
        shown["state"] = "Not open yet: until it opens, visitors see “Not open yet”."
    return shown
