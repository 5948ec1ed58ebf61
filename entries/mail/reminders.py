"""Opt-in reminders for abandoned entries: only with consent, at most once, after the delay set.

An entry qualifies when it is still started, has been idle longer than the reminder template's
`delay_minutes`, has an email question answered and a consent question answered yes. Entries
idle longer than REMINDER_MAX_IDLE are left alone: a reminder published today must not wake up
visitors who left months ago. The idempotency key has no template position, so one entry gets at
most one reminder whatever the campaign's templates.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from campaigns.models import Status
from campaigns.versions import definition_for
from entries.mail.outbox import rows_insert
from entries.models import Answer, EmailStatus, Entry, EntryStatus, OutboundEmail

REMINDER_MAX_IDLE = timedelta(days=7)
BATCH = 1000


def reminders_queue() -> list[OutboundEmail]:
    """Queue the reminders due now; returns the rows written."""
    now = timezone.now()
    idle = Entry.objects.filter(status=EntryStatus.STARTED, updated_at__gte=now - REMINDER_MAX_IDLE)
    queued = []
    for version_id in idle.values_list("version_id", flat=True).distinct().order_by():
        definition = definition_for(version_id)
        templates = sorted((t.delay_minutes, position) for position, t in
                           enumerate(definition.emails) if t.trigger == "reminder")
        if not templates:
            continue
        email_keys = [q.key for q in definition.questions_by_key.values()
                      if q.contact == "email"]  # never a friend's address
        consent_keys = [q.key for q in definition.questions_by_key.values() if q.kind == "consent"]
        if not email_keys or not consent_keys:
            continue
        for delay, position in templates:
            queued += _queue_for(version_id, position, now - timedelta(minutes=delay),
                                 email_keys, consent_keys, now)
    return queued


def _taking_entries(now) -> Q:
    """Entries of campaigns open now, as `Campaign.closed_reason` decides, as one condition."""
    return (Q(campaign__status=Status.LIVE, campaign__archived_at__isnull=True,
              campaign__published_version__isnull=False)
            & (Q(campaign__ends_at__isnull=True) | Q(campaign__ends_at__gt=now))
            & (Q(campaign__starts_at__isnull=True) | Q(campaign__starts_at__lte=now)))


@transaction.atomic
def _queue_for(version_id: int, position: int, idle_since, email_keys, consent_keys,
               now) -> list[OutboundEmail]:
    consented = Answer.objects.filter(entry=OuterRef("pk"), question_key__in=consent_keys,
                                      value=True)
    entries = list(
        Entry.objects.filter(Exists(consented), version_id=version_id,
                             status=EntryStatus.STARTED, updated_at__lt=idle_since,
                             updated_at__gte=now - REMINDER_MAX_IDLE)
        # No "come back and finish" for a campaign that no longer takes entries.
        .filter(_taking_entries(now))
        .exclude(outbound_emails__trigger="reminder")
        .values_list("pk", "campaign_id")[:BATCH]
    )
    if not entries:
        return []
    answers = Answer.objects.filter(entry_id__in=[pk for pk, _ in entries],
                                    question_key__in=[*email_keys, *consent_keys])
    emails, consented = {}, set()
    for entry_id, key, value in answers.values_list("entry_id", "question_key", "value"):
        if key in email_keys and isinstance(value, str) and value:
            emails.setdefault(entry_id, value)
        elif key in consent_keys and value is True:
            consented.add(entry_id)
    rows = [
        OutboundEmail(campaign_id=campaign_id, entry_id=entry_id, template_position=position,
                      trigger="reminder", to_email=emails[entry_id], enqueued_at=now,
                      available_at=now, status=EmailStatus.QUEUED,
                      idempotency_key=f"{entry_id}:reminder")
        for entry_id, campaign_id in entries if entry_id in emails and entry_id in consented
    ]
    return rows_insert(rows, now)
