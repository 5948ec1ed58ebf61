"""The entries' audit log: who decided what about an entry, and why."""

from entries.models import Entry, EntryAudit


def audit_record(*, entry: Entry, by, action: str, reason: str, data: dict | None = None
                 ) -> EntryAudit:
    return EntryAudit.objects.create(entry=entry, by=by, action=action, reason=reason,
                                     data=data or {})
