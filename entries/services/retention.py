"""The workspace retention setting: interaction data and partial entries older than N days go.

Deletes run in batches of primary keys, each its own short statement, so a purge of millions of
rows never holds a long lock or one huge transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from campaigns.models import Workspace
from entries.models import Entry, EntryStatus, Interaction
from entries.services.personal_data import delete_uploads

BATCH_SIZE = 5_000
MAX_RETENTION_DAYS = 3650


def workspace_set_retention(*, workspace: Workspace, days: int | None) -> Workspace:
    if days is not None and not 1 <= days <= MAX_RETENTION_DAYS:
        raise ValidationError({"days": f"Choose between 1 and {MAX_RETENTION_DAYS} days, "
                                       "or leave it empty to keep everything."})
    workspace.retention_days = days
    workspace.save(update_fields=["retention_days"])
    return workspace


def _delete_in_batches(queryset: QuerySet, *, batch: int, before_delete=None) -> int:
    deleted = 0
    while True:
        ids = list(queryset.order_by().values_list("pk", flat=True)[:batch])
        if not ids:
            return deleted
        if before_delete is not None:
            before_delete(ids)
        queryset.model.objects.filter(pk__in=ids).delete()
        deleted += len(ids)


def retention_purge(*, workspace: Workspace, now: datetime | None = None,
                    batch: int = BATCH_SIZE) -> dict[str, int]:
    """Purge the workspace's old interactions and partial entries; {} when it keeps everything."""
    if not workspace.retention_days:
        return {}
    cutoff = (now or timezone.now()) - timedelta(days=workspace.retention_days)
    interactions = _delete_in_batches(
        Interaction.objects.filter(entry__campaign__workspace=workspace, at__lt=cutoff),
        batch=batch)
    partial = _delete_in_batches(
        Entry.objects.filter(campaign__workspace=workspace, status=EntryStatus.STARTED,
                             updated_at__lt=cutoff),
        batch=batch, before_delete=delete_uploads)
    return {"interactions": interactions, "partial_entries": partial}


def retention_purge_all(*, now: datetime | None = None) -> dict[int, dict[str, int]]:
    """What the periodic job runs: every workspace with a retention setting."""
    return {workspace.pk: retention_purge(workspace=workspace, now=now)
            for workspace in Workspace.objects.filter(retention_days__isnull=False)}
