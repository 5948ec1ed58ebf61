"""Who an entry belongs to: the contact the visitor gives, and one entry per person.

The contact (email and name) comes from the questions with a contact role
(campaigns/blueprints/README.md "Contact roles") and is kept from the step it is answered on,
so a visitor who leaves halfway is a lead the marketer can find.

One entry per person, where the campaign's `one_entry_per_person` setting is on, whatever its
kind, means at most one completed or disqualified entry per normalised email. The database
decides it at the completion's own write: the entry's `dedupe_key` is computed from its answers
and written with its new status, and the partial unique constraint `one_entry_per_person`
refuses a second. So whatever step asked the email and however two submits interleave, one
completes; the other's whole submit rolls back (no email queued) and it is told it is already
in. The check on the step that asks the email only tells a returning person early.
"""

from typing import Any

from django.db import IntegrityError

from campaigns import flow
from campaigns.campaign_settings import CONTEST_KINDS, campaign_setting
from campaigns.models import Campaign
from entries.emailaddr import normalise_email
from entries.models import Entry, EntryStatus

# The statuses the one-entry-per-person constraint covers: a partial entry never holds a person.
FINISHED = (EntryStatus.COMPLETED, EntryStatus.DISQUALIFIED)
NAME_MAX_LENGTH = Entry._meta.get_field("name").max_length


class AlreadyEntered(Exception):
    """This person (by normalised email) already has a finished entry in the campaign; nothing
    of this submit was saved. `existing` is that entry, or None if it could not be read back."""

    def __init__(self, existing: Entry | None):
        self.existing = existing
        super().__init__("already entered")


def contact(definition: flow.Definition, answers: dict[str, Any]) -> tuple[str, str]:
    """The entrant's (email, name) in these answers: the first answered email-role question,
    and the answered name-role questions joined in order ("Ada" "Lovelace")."""
    given = [(q.contact, answers[q.key]) for q in definition.questions_by_key.values()
             if q.contact != "none" and isinstance(answers.get(q.key), str) and answers[q.key]]
    email = next((value for role, value in given if role == "email"), "")
    name = " ".join(value for role, value in given if role == "name")
    return email, name[:NAME_MAX_LENGTH]


def person_key(campaign: Campaign, email: str) -> str:
    """The one-entry-per-person key of `email` in the campaign; "" where the rule is off."""
    if not email or not campaign_setting(campaign, "one_entry_per_person"):
        return ""
    try:
        return normalise_email(email)
    except ValueError:
        return ""  # the email question refused it already; nothing to compare


def finished_entry(*, campaign_id: int, key: str, but: int | None = None) -> Entry | None:
    """The finished entry holding the one-entry-per-person `key`, if any (other than `but`)."""
    if not key:
        return None
    # Unordered, so PostgreSQL reads the constraint's partial index: one row at any size.
    found = Entry.objects.filter(campaign_id=campaign_id, dedupe_key=key,
                                 status__in=FINISHED).exclude(pk=but).order_by()[:1]
    return next(iter(found), None)


def contact_take(*, entry: Entry, definition: flow.Definition,
                 answers: dict[str, Any]) -> None:
    """Runtime hook before a step's answers are saved: the entry's contact from all its answers
    so far (written with the step). A newly given email that already has a finished entry
    raises AlreadyEntered at once, rather than after the last step."""
    email, entry.name = contact(definition, answers)
    if email != entry.email:
        existing = finished_entry(campaign_id=entry.campaign_id,
                                  key=person_key(entry.campaign, email), but=entry.pk)
        if existing is not None:
            raise AlreadyEntered(existing)
    entry.email = email


def person_claim(*, entry: Entry) -> None:
    """Runtime hook as the entry completes: the key its completion writes; the constraint
    judges it with the write (see `refusal`)."""
    entry.dedupe_key = person_key(entry.campaign, entry.email)


def refusal(error: IntegrityError, entry: Entry) -> AlreadyEntered | None:
    """After a completion's write failed (and rolled back): AlreadyEntered when the
    one-entry-per-person constraint refused it, else None (another fault, to re-raise)."""
    if not entry.dedupe_key:
        return None
    existing = finished_entry(campaign_id=entry.campaign_id, key=entry.dedupe_key, but=entry.pk)
    return AlreadyEntered(existing) if existing is not None else None


def already_in_context(error: AlreadyEntered, campaign: Campaign) -> dict[str, Any]:
    """What the "already in" page may show: nothing personal; in a contest, the existing
    entry's referral code (sharing it can only help its owner) when that entry is complete."""
    existing = error.existing
    contest = campaign.kind in CONTEST_KINDS
    shareable = contest and existing is not None and existing.status == EntryStatus.COMPLETED
    return {"already_in": True, "contest": contest,
            "referral_code": existing.referral_code if shareable else ""}
