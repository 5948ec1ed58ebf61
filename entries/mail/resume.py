"""'Continue later': email the entry's own URL, which resumes it on any device."""

import hashlib
from datetime import timedelta

from django.utils import timezone

from campaigns.versions import definition_for
from entries.mail.outbox import email_queue
from entries.mail.unsubscribe import suppression_key
from entries.models import Entry, OutboundEmail

# Asking again within the window (a double click, a reload) sends nothing new.
RESUME_WINDOW = timedelta(minutes=15)


def answered_email(entry: Entry) -> str:
    """The first email question the visitor has answered, or ""."""
    definition = definition_for(entry.version_id)
    keys = [q.key for q in definition.questions_by_key.values() if q.kind == "email"]
    if not keys:
        return ""
    values = dict(entry.answers.filter(question_key__in=keys)
                  .values_list("question_key", "value"))
    return next((values[k] for k in keys if isinstance(values.get(k), str) and values[k]), "")


def resume_link_send(*, entry: Entry, email: str) -> list[OutboundEmail]:
    """Queue the resume email to `email`; idempotent per entry and address within the window."""
    window = int(timezone.now().timestamp() // RESUME_WINDOW.total_seconds())
    address = hashlib.sha256(suppression_key(email).encode()).hexdigest()[:12]
    return email_queue(entry=entry, trigger="resume", to_email=email,
                       dedupe=f"{window}.{address}")
