"""Merge values for previews and test sends: the latest real entry, else made-up answers."""

from dataclasses import dataclass

from django.urls import reverse

from campaigns.models import Campaign
from campaigns.versions import definition_for
from config.site import site_url
from entries.mail.render import entry_context, merge_values
from entries.models import Entry, EntryStatus

SAMPLE_TEXT = {"email": "alex@example.com", "phone": "+44 20 7946 0000", "date": "2026-05-01",
               "number": "42", "rating": "4", "opinion_scale": "9", "yes_no": "Yes",
               "consent": "Yes", "long_text": "A few lines about it.", "file_upload": "photo.jpg"}


@dataclass(frozen=True)
class Sample:
    context: dict[str, str]
    description: str


def _extras(trigger: str) -> dict[str, str]:
    if trigger != "winner":
        return {}
    return {"claim_link": site_url("/claim/sample/"), "claim_deadline": "8 June 2026"}


def sample_for(campaign: Campaign, *, trigger: str, outcome_key: str = "") -> Sample:
    """The newest completed entry (with the outcome, for an outcome email), or a made-up one."""
    entries = Entry.objects.filter(campaign=campaign, status=EntryStatus.COMPLETED)
    if trigger == "outcome" and outcome_key:
        entries = entries.filter(outcome=outcome_key)
    entry = entries.select_related("campaign").order_by("-completed_at", "-id").first()
    if entry is not None:
        context = merge_values(entry_context(entry, definition_for(entry.version_id)), trigger)
        when = entry.completed_at.strftime("%-d %b %Y, %H:%M") if entry.completed_at else ""
        return Sample({**context, **_extras(trigger), "unsubscribe_link": "#unsubscribe"},
                      f"the latest completed entry ({entry.email or 'no email'}, {when})")
    return Sample(merge_values(made_up(campaign, trigger=trigger, outcome_key=outcome_key),
                               trigger),
                  "made-up sample answers (no completed entry yet)")


def made_up(campaign: Campaign, *, trigger: str, outcome_key: str = "") -> dict[str, str]:
    context = {"name": "Alex", "score": "7"}
    for question in campaign.questions.prefetch_related("choices"):
        choices = list(question.choices.all())
        if choices:
            value = choices[0].label
        elif "name" in question.key:
            value = "Alex"
        else:
            value = SAMPLE_TEXT.get(question.kind, "Sample answer")
        context[f"answers.{question.key}"] = value
    outcomes = campaign.outcomes.all()
    outcome = outcomes.filter(key=outcome_key).first() if outcome_key else outcomes.first()
    context["outcome.title"] = outcome.title if outcome else ""
    link = site_url(reverse("entries:entry", args=[campaign.slug, "sample-entry"]))
    context.update(result_link=link, resume_link=link, unsubscribe_link="#unsubscribe",
                   referral_link=site_url(reverse("entries:landing", args=[campaign.slug]))
                   + "?ref=sample")
    return {**context, **_extras(trigger)}
