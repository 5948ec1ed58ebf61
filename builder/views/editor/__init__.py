"""The draft content editor at /app/campaigns/<id>/edit/: one page, every item edited in place."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from builder.access import workspace_view
from builder.editor.page import Editor
from campaigns.models import Role

from .common import campaign_for, page


@require_GET
@workspace_view()
def editor(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = campaign_for(request, campaign_id, Role.VIEWER)
    return page(request, Editor(campaign, request.membership))
