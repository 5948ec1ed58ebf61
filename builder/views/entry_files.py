"""Files visitors uploaded, for the marketers of the entry's campaign's workspace (viewers too).

A visitor's file is never shown by the browser as it came: the download is always an attachment
the browser may not sniff into another type, and were it ever rendered, it would run sandboxed
(no script, no cookies, an opaque origin). An image is shown inline only as the pixels Pillow
re-encoded (`upload_preview`).
"""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from builder.access import campaign_view
from campaigns.models import Campaign
from entries.models import Answer
from entries.services.uploaded_files import stored_upload, upload_preview

NOT_FOUND = "This entry has no file for that question (it may have been erased)."


def _answer_value(campaign: Campaign, entry_id: int, question_key: str):
    answer = get_object_or_404(Answer, entry__campaign=campaign, entry_id=entry_id,
                               question_key=question_key)
    return answer.value


def _guarded(response: HttpResponse) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@require_safe
@campaign_view()
def entry_file(request: HttpRequest, campaign: Campaign, entry_id: int,
               question_key: str) -> HttpResponse:
    stored = stored_upload(_answer_value(campaign, entry_id, question_key))
    if stored is None:
        raise Http404(NOT_FOUND)
    file, content_type, name = stored
    return _guarded(FileResponse(file, as_attachment=True, filename=name,
                                 content_type=content_type))


@require_safe
@campaign_view()
def entry_file_preview(request: HttpRequest, campaign: Campaign, entry_id: int,
                       question_key: str) -> HttpResponse:
    preview = upload_preview(_answer_value(campaign, entry_id, question_key))
    if preview is None:
        raise Http404(NOT_FOUND)
    data, content_type = preview
    return _guarded(HttpResponse(data, content_type=content_type))
