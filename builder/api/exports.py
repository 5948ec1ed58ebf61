"""CSV exports through the API: always a background job (the builder's job, the same file), its
status, and its file. An export belongs to the key's creator, as the builder's belong to whoever
asked; any key of theirs in the workspace with the scope may fetch it until it expires."""

from datetime import datetime
from typing import Literal

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status

from builder.api.auth import key_auth, workspace_of
from builder.api.campaigns import campaign_of
from builder.api.errors import Refused, not_found
from builder.models import ApiScope
from config.site import site_url
from entries.entrants import EntrantFilters
from entries.models import Export, ExportStatus
from entries.services.exports import export_downloadable, export_job_start, export_spec

router = Router(tags=["exports"], auth=key_auth(ApiScope.EXPORTS_WRITE))


class ExportIn(Schema):
    format: Literal["wide", "long", "interactions"] = "wide"
    include_partial: bool = True
    bom: bool = False  # a UTF-8 byte order mark, for Excel
    status: Literal["started", "completed", "disqualified"] | None = None
    outcome: str | None = None


class ExportOut(Schema):
    id: int
    campaign_id: int
    format: str
    status: str  # pending, running, done or failed
    rows_done: int
    rows_total: int | None
    error: str
    created_at: datetime
    finished_at: datetime | None
    expires_at: datetime | None
    file: str | None  # the download, once done


def _out(export: Export) -> dict:
    return {
        **{name: getattr(export, name) for name in (
            "id", "campaign_id", "format", "status", "rows_done", "rows_total", "error",
            "created_at", "finished_at", "expires_at")},
        "file": site_url(reverse("api:export_file", args=[export.pk]))
        if export.status == ExportStatus.DONE and export.file else None,
    }


def _creator(request: HttpRequest):
    if request.auth.created_by_id is None:
        raise Refused(409, "The person who made this key has left; exports belong to a "
                           "person. Make a new key.")
    return request.auth.created_by


@router.post("/campaigns/{campaign_id}/exports", response={202: ExportOut},
             summary="Start a CSV export of a campaign's entries")
def export_start(request: HttpRequest, campaign_id: int, payload: ExportIn):
    campaign = campaign_of(request, campaign_id)
    spec = export_spec(campaign=campaign, format=payload.format,
                       filters=EntrantFilters(status=payload.status or "",
                                              outcome=payload.outcome or ""),
                       include_partial=payload.include_partial, bom=payload.bom)
    export = export_job_start(spec=spec, by=_creator(request))
    export.refresh_from_db()  # an eager job (no broker) has finished by now
    return Status(202, _out(export))


def _export(request: HttpRequest, export_id: int) -> Export:
    export = Export.objects.filter(pk=export_id, campaign__workspace=workspace_of(request),
                                   requested_by_id=request.auth.created_by_id).first()
    if export is None or request.auth.created_by_id is None:
        raise not_found("No export with this id made by this key's owner.")
    return export


@router.get("/exports/{export_id}", response=ExportOut, summary="An export's progress")
def export_get(request: HttpRequest, export_id: int):
    return _out(_export(request, export_id))


@router.get("/exports/{export_id}/file", url_name="export_file",
            summary="The export's CSV file, once done and until it expires")
def export_file(request: HttpRequest, export_id: int):
    export = _export(request, export_id)
    if export.status != ExportStatus.DONE:
        raise Refused(409, f"The export is {export.get_status_display().lower()}, not ready: "
                           "ask for its status until it is done.")
    if not export_downloadable(export, request.auth.created_by):
        raise Refused(410, "This export has expired: start a new one.")
    return FileResponse(export.file.open("rb"), as_attachment=True,
                        filename=export.file.name.rsplit("/", 1)[-1],
                        content_type="text/csv; charset=utf-8")
