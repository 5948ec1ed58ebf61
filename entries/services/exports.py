"""CSV exports: small ones stream in the request, large ones run as a Celery job into a file.

`export_request` decides which (a bounded count, never a full one), `export_run` is the job: it
writes the CSV chunk by chunk to a temporary file, reports progress on the `Export` row after
each chunk and stores the file with a link that expires. Each job writes its own file under a
random name, so two exports at once never share anything.
"""

from __future__ import annotations

import tempfile

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from campaigns.models import Campaign
from entries.entrants import EntrantFilters, capped_count
from entries.exports.stream import ExportSpec, csv_chunks
from entries.models import EXPORT_LIFETIME, Export, ExportFormat, ExportStatus

# Up to this many entries an export streams straight to the browser; beyond, it is a job.
STREAM_LIMIT = 5_000


def export_spec(*, campaign: Campaign, format: str, filters: EntrantFilters,
                include_partial: bool, bom: bool) -> ExportSpec:
    return ExportSpec(campaign=campaign, format=ExportFormat(format), filters=filters,
                      include_partial=include_partial, bom=bom)


def export_request(*, spec: ExportSpec, by) -> Export | None:
    """None: small enough to stream now. Otherwise the job's row; the job is sent on commit."""
    from entries.tasks import export_run as task  # noqa: PLC0415  (tasks imports this module)

    _, more = capped_count(spec.entries(), cap=STREAM_LIMIT)
    if not more:
        return None
    with transaction.atomic():
        export = Export.objects.create(
            campaign=spec.campaign, requested_by=by, format=spec.format,
            filters=spec.filters.to_json(), include_partial=spec.include_partial, bom=spec.bom,
        )
        task.delay_on_commit(export.pk)
    return export


def _spec_of(export: Export) -> ExportSpec:
    return ExportSpec(campaign=export.campaign, format=export.format,
                      filters=EntrantFilters.from_json(export.filters),
                      include_partial=export.include_partial, bom=export.bom)


def export_run(*, export: Export) -> Export:
    """Write the export's file; a finished (done or failed) export is left as it is.

    A task is redelivered only when its worker was lost mid-run (acks_late), so a running export
    is claimed again and starts over.
    """
    claimed = Export.objects.filter(
        pk=export.pk, status__in=[ExportStatus.PENDING, ExportStatus.RUNNING],
    ).update(status=ExportStatus.RUNNING, rows_done=0)
    if not claimed:
        return export
    spec = _spec_of(export)
    total = spec.entries().count()
    Export.objects.filter(pk=export.pk).update(rows_total=total)
    done = 0
    try:
        with tempfile.TemporaryFile("w+b") as out:
            for text, entries in csv_chunks(spec):
                out.write(text.encode("utf-8"))
                if entries:
                    done += entries
                    Export.objects.filter(pk=export.pk).update(rows_done=done)
            out.seek(0)
            export.file.save(f"{export.token}/{spec.filename()}", File(out), save=False)
    except Exception as error:
        # No file at all rather than a partial one; the row says how far it got and why.
        Export.objects.filter(pk=export.pk).update(
            status=ExportStatus.FAILED, finished_at=timezone.now(),
            error=f"stopped after {done} of {total} entries ({type(error).__name__}: {error})"
            [:2000])
        raise
    now = timezone.now()
    export.status = ExportStatus.DONE
    export.rows_done = done
    export.finished_at = now
    export.expires_at = now + EXPORT_LIFETIME
    export.save(update_fields=["file", "status", "rows_done", "finished_at", "expires_at"])
    return export


def export_downloadable(export: Export, user) -> bool:
    """Only its requester may download a finished export, and only until it expires."""
    return (export.status == ExportStatus.DONE and bool(export.file)
            and export.requested_by_id == user.pk
            and export.expires_at is not None and export.expires_at > timezone.now())


def exports_purge_expired(*, now=None) -> int:
    """Delete the files of expired exports (the rows stay, as a log); returns how many."""
    now = now or timezone.now()
    purged = 0
    for export in Export.objects.filter(expires_at__lte=now).exclude(file=""):
        export.file.delete(save=False)
        Export.objects.filter(pk=export.pk).update(file="")
        purged += 1
    return purged
