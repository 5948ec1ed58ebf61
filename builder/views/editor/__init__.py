"""The draft content editor at /app/campaigns/<id>/edit/: one page, every item edited in place."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from builder.access import campaign_view
from builder.editor.page import Editor
from campaigns.models import Campaign

from .common import page


@require_GET
@campaign_view()
def editor(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    return page(request, Editor(campaign, request.membership))
