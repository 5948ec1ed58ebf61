"""Marketers' decisions about contest entries, each with a reason in the audit log."""

from django.db import transaction

from entries.models import AuditAction, Entry, EntryStatus, Winner, WinnerStatus
from entries.services import contests
from entries.services.audit import audit_record
from entries.services.winners import winner_forfeit
from entries.webhooks import outbox as webhooks

MAX_REASON = 500


class ModerationRefused(Exception):
    """The decision cannot be taken (wrong state, no reason); nothing was changed."""


def _reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ModerationRefused("Give a reason: it is kept in the audit log.")
    if len(reason) > MAX_REASON:
        raise ModerationRefused(f"Keep the reason under {MAX_REASON} characters.")
    return reason


@transaction.atomic
def entry_disqualify(*, entry: Entry, by, reason: str) -> Entry:
    """Exclude the entry from draws: its referrer's bonus from it is taken back and a prize it
    holds is forfeited and passes to the next alternate."""
    reason = _reason(reason)
    entry = Entry.objects.select_for_update(of=("self",)).select_related("campaign").get(
        pk=entry.pk)
    if entry.status == EntryStatus.DISQUALIFIED:
        raise ModerationRefused("This entry is already disqualified.")
    previous = entry.status
    entry.status = EntryStatus.DISQUALIFIED
    entry.save(update_fields=["status", "updated_at"])
    reversed_credit = contests.referral_reverse(entry=entry)
    audit_record(entry=entry, by=by, action=AuditAction.DISQUALIFIED, reason=reason,
                 data={"previous_status": previous, "referral_bonus_reversed": reversed_credit})
    webhooks.entry_event("entry.disqualified", entry, reason=reason)
    for winner in Winner.objects.filter(entry=entry, status__in=[WinnerStatus.PENDING,
                                                                 WinnerStatus.NOTIFIED]):
        winner_forfeit(winner=winner, reason=f"Disqualified: {reason}", by=by)
    return entry


@transaction.atomic
def entry_reinstate(*, entry: Entry, by, reason: str) -> Entry:
    """Undo a disqualification: the entry takes part in future draws and its referrer's bonus
    is given back. A prize it forfeited stays with whoever it passed to."""
    reason = _reason(reason)
    entry = Entry.objects.select_for_update(of=("self",)).select_related("campaign").get(
        pk=entry.pk)
    if entry.status != EntryStatus.DISQUALIFIED:
        raise ModerationRefused("Only a disqualified entry can be reinstated.")
    last = entry.audit.filter(action=AuditAction.DISQUALIFIED).first()
    previous = (last.data.get("previous_status") if last else "") or (
        EntryStatus.COMPLETED if entry.completed_at else EntryStatus.STARTED)
    entry.status = previous
    entry.save(update_fields=["status", "updated_at"])
    restored = contests.referral_restore(entry=entry)
    audit_record(entry=entry, by=by, action=AuditAction.REINSTATED, reason=reason,
                 data={"status": previous, "referral_bonus_restored": restored})
    webhooks.entry_event("entry.reinstated", entry, reason=reason)
    return entry
