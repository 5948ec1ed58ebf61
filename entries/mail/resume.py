"""'Continue later': email the entry's own URL, which resumes it on any device."""

import hashlib
from datetime import timedelta

from django.utils import timezone

from campaigns.versions import definition_for
from entries.mail.outbox import email_queue
from entries.mail.unsubscribe import suppression_key
from entries.models import Entry, OutboundEmail
from entries.services import people

# Asking again within the window (a double click, a reload) sends nothing new.
RESUME_WINDOW = timedelta(minutes=15)


def answered_email(entry: Entry) -> str:
    """The entrant's address, if they gave it (entries.services.people), or ""."""
    return entry.email or people.contact(definition_for(entry.version_id), entry.answer_values)[0]


def resume_link_send(*, entry: Entry, email: str) -> list[OutboundEmail]:
    """Queue the resume email to `email`; idempotent per entry and address within the window."""
    window = int(timezone.now().timestamp() // RESUME_WINDOW.total_seconds())
    address = hashlib.sha256(suppression_key(email).encode()).hexdigest()[:12]
    return email_queue(entry=entry, trigger="resume", to_email=email,
                       dedupe=f"{window}.{address}")
