"""Optimistic locking for the draft: every edit names the revision it was made on.

Two editors on one draft never silently overwrite each other. Each builder form carries the
campaign's `revision` as it was when the page was drawn; an edit made on an older revision is
refused with the list of what others changed since, and the editor reloads to see it.
"""

from contextlib import contextmanager

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from campaigns.models import Campaign, DraftChange


class StaleDraft(Exception):
    """Someone saved the draft after this form was drawn; `changes` says who changed what."""

    def __init__(self, changes: list[DraftChange]):
        self.changes = changes
        names = sorted({c.by.email if c.by else "someone" for c in changes})
        what = "; ".join(c.summary for c in changes[-5:])
        super().__init__(
            f"This draft was changed by {', '.join(names)} since you opened it ({what}). "
            "Nothing of yours was saved: reload to see their changes, then make yours again."
        )


def parse_revision(value) -> int | None:
    """The revision a form carried; None for a missing or garbled one (treated as stale)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@contextmanager
def draft_edit(*, campaign: Campaign, by, revision: int | None, summary: str):
    """Edit the draft at `revision`: the block's writes and the claim of the next revision
    happen in one transaction, or none of them does.

    The conditional UPDATE is the lock: of two edits made on the same revision exactly one
    matches, the other raises StaleDraft before its block runs, and nothing is written.
    """
    with transaction.atomic():
        claimed = Campaign.objects.filter(pk=campaign.pk, revision=revision).update(
            revision=F("revision") + 1, updated_at=timezone.now()
        )
        if not claimed:
            changes = list(DraftChange.objects.select_related("by").filter(
                campaign=campaign, revision__gt=revision or 0))
            raise StaleDraft(changes)
        campaign.revision = revision + 1
        DraftChange.objects.create(campaign=campaign, revision=campaign.revision, by=by,
                                   summary=summary[:300])
        yield campaign
