"""The settings page: name and address, schedule, entry rules, embedding, contests and draws."""

import re
import zoneinfo
from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from builder.access import campaign_view
from builder.htmx import fragment_or_page, written
from campaigns.campaign_settings import CONTEST_KINDS, campaign_setting
from campaigns.models import Campaign
from campaigns.richtext import sanitise
from campaigns.services.campaign_settings import (
    CONTEST_ONLY,
    NUMBER_LIMITS,
    campaign_settings_check,
    campaign_settings_update,
)
from campaigns.services.drafts import StaleDraft, parse_revision

# Recall tags in an outcome's title read as "…" in a list of outcomes.
RECALL = re.compile(r"\{\{.*?\}\}")
TIMEZONES = sorted(zoneinfo.available_timezones() - {"localtime"})
LOCAL_INPUT = "%Y-%m-%dT%H:%M"


def _whole(key: str, label: str, help_text: str, *, required: bool = True) -> forms.IntegerField:
    low, high = NUMBER_LIMITS[key]
    return forms.IntegerField(label=label, help_text=help_text, required=required,
                              min_value=low, max_value=high,
                              widget=forms.NumberInput(attrs={"class": "input-sm"}))


class SettingsForm(forms.Form):
    revision = forms.CharField(widget=forms.HiddenInput, required=False)
    # About
    name = forms.CharField(max_length=200, label="Campaign name")
    slug = forms.CharField(max_length=80, label="Public address",
                           widget=forms.TextInput(attrs={"spellcheck": "false",
                                                         "autocapitalize": "off"}))
    confirm_slug_change = forms.BooleanField(
        required=False, label="I understand that links to the old address stop working")
    description = forms.CharField(
        max_length=300, required=False, label="Description",
        help_text="For you and your team, and for link previews. Up to 300 characters.",
        widget=forms.Textarea(attrs={"rows": 2}))
    # Schedule
    timezone = forms.ChoiceField(choices=[(z, z.replace("_", " ")) for z in TIMEZONES],
                                 label="Time zone",
                                 widget=forms.Select(attrs={"data-browser-timezone": ""}))
    starts_at = forms.CharField(
        required=False, label="Opens",
        help_text="Empty: open as soon as it is published.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT))
    ends_at = forms.CharField(
        required=False, label="Closes", help_text="Empty: open until you end it.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT))
    # Entries
    one_entry_per_person = forms.BooleanField(
        required=False, label="One entry per person",
        help_text="By the entrant's email address (see each email question), ignoring dots "
                  "and +tags at Gmail (a.b+x@gmail.com is ab@gmail.com). Any kind of campaign.")
    min_age = _whole("min_age", "Minimum age",
                     "Entrants confirm a date of birth at least this many years ago. "
                     "Empty: no age gate.", required=False)
    redirect_url = forms.CharField(
        required=False, max_length=2000, label="After the result page, continue to",
        help_text="A “Continue” button on every result page links here (an outcome's own "
                  "link wins). Empty: visitors stay on the result page.",
        widget=forms.URLInput(attrs={"placeholder": "https://www.example.com/thanks"}))
    embed_origins = forms.CharField(
        required=False, label="Sites that may embed it",
        help_text="One origin per line, like https://shop.example.com (no path). "
                  "* allows any site. Empty: only the public link works, no embeds.",
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "class": "code"}))
    # Contest rules and draws (contests and giveaways only)
    rules_text = forms.CharField(
        required=False, label="Official rules",
        help_text="Rich text: paragraphs, bold, italics, lists and links. Changing it starts a "
                  "new rules version; each consent records the version it agreed to.",
        widget=forms.Textarea(attrs={"rows": 8}))
    consent_wording = forms.CharField(max_length=500, label="Consent wording",
                                      widget=forms.TextInput())
    gate_outcomes = forms.MultipleChoiceField(
        required=False, label="Only entries with one of these outcomes may win",
        help_text="None ticked: every outcome qualifies.",
        widget=forms.CheckboxSelectMultiple)
    gate_min_score = forms.FloatField(
        required=False, label="Minimum score to qualify",
        help_text="Empty: no minimum score.", widget=forms.NumberInput(
            attrs={"class": "input-sm", "step": "any"}))
    referral_bonus = _whole("referral_bonus", "Bonus tickets per referral",
                            "Extra tickets a person earns for each friend who completes a valid "
                            "entry through their link.")
    winners = _whole("winners", "Winners", "How many prizes are drawn.")
    alternates = _whole("alternates", "Alternates",
                        "Ranked reserves: a forfeited prize passes to the next one.")
    claim_days = _whole("claim_days", "Days to claim",
                        "After this, an unclaimed prize passes to the next alternate.")
    auto_draw = forms.BooleanField(required=False, label="Draw automatically when it closes")

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.is_contest = campaign.kind in CONTEST_KINDS
        if not self.is_contest:
            for name in CONTEST_ONLY:
                del self.fields[name]
        else:
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
                data[name] = datetime.fromisoformat(raw).replace(tzinfo=zone)
            except ValueError:
                self.add_error(name, "Enter a date and time, like 2026-05-01 09:00.")
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
    for key in ("one_entry_per_person", "min_age", "redirect_url", *CONTEST_ONLY):
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
