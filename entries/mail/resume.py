"""'Continue later': email the entry's own URL, which resumes it on any device."""

import hashlib
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from campaigns.versions import definition_for
from entries.mail.outbox import email_queue
from entries.mail.unsubscribe import suppression_key
from entries.models import Entry, OutboundEmail
from entries.services import people

# Asking again within the window (a double click, a reload) sends nothing new.
RESUME_WINDOW = timedelta(minutes=15)
# Anyone can type any address into the form, so besides the per-IP rate an entry may send only
# a few links an hour, and one address receive only a few a day from the whole workspace.
PER_ENTRY = (3, timedelta(hours=1))
PER_ADDRESS = (3, timedelta(days=1))


class ResumeRefused(Exception):
    """Too many resume emails: the message says so, in words for the visitor."""


def answered_email(entry: Entry) -> str:
    """The entrant's address, if they gave it (entries.services.people), or ""."""
    return entry.email or people.contact(definition_for(entry.version_id), entry.answer_values)[0]


def resume_link_send(*, entry: Entry, email: str) -> list[OutboundEmail]:
    """Queue the resume email to `email`; idempotent per entry and address within the window.

    Raises ResumeRefused when the entry or the address has had its share of links. The entry's
    row is locked so that two requests of one entry cannot both pass its limit; the address
    limit counts across entries, so two entries racing may exceed it by one.
    """
    now = timezone.now()
    window = int(now.timestamp() // RESUME_WINDOW.total_seconds())
    address = hashlib.sha256(suppression_key(email).encode()).hexdigest()[:12]
    dedupe = f"{window}.{address}"
    with transaction.atomic():
        Entry.objects.select_for_update().filter(pk=entry.pk).first()
        sent = OutboundEmail.objects.filter(trigger="resume")
        ours = sent.filter(entry=entry)
        if ours.filter(idempotency_key__endswith=f":{dedupe}").exists():
            return []  # already on its way
        limit, period = PER_ENTRY
        if _requests(ours.filter(enqueued_at__gt=now - period)) >= limit:
            raise ResumeRefused(gettext("You've asked for several links in the last hour. Use "
                                        "one of those emails, or try again later."))
        limit, period = PER_ADDRESS
        to_address = sent.filter(campaign__workspace_id=entry.campaign.workspace_id,
                                 enqueued_at__gt=now - period,
                                 idempotency_key__endswith=f".{address}")
        if _requests(to_address) >= limit:
            raise ResumeRefused(gettext("That address has had several links today. Check its "
                                        "inbox (and spam folder), or try again tomorrow."))
        return email_queue(entry=entry, trigger="resume", to_email=email, dedupe=dedupe)


def _requests(emails) -> int:
    """Requests, not rows: a campaign with two resume templates sends two rows per request."""
    keys = emails.values_list("entry_id", "idempotency_key")
    return len({(entry_id, key.rsplit(":", 1)[-1]) for entry_id, key in keys})
