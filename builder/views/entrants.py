"""Entrants of a campaign: the filtered table, one entry's page, and CSV exports of the table.

Viewers read the table and entries; downloading entrants' personal data in bulk (CSV) takes an
editor. An export's status page and file belong to whoever asked for it: anyone else gets a 404,
as does a link past its expiry.
"""

import logging
from itertools import chain

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from builder.access import campaign_view
from builder.htmx import at_address, fragment_or_page
from builder.views.draws import entry_contest_context
from campaigns import flow
from campaigns.models import Campaign, Role
from campaigns.versions import definition_for
from entries.analytics.audience import referrer_host
from entries.entrants import (
    EntrantFilterForm,
    capped_count,
    entrant_page,
    entrants,
)
from entries.exports.stream import csv_chunks, marked_if_incomplete
from entries.models import Entry, Export, ExportFormat, ExportStatus
from entries.services.exports import export_downloadable, export_request, export_spec
from entries.timeline import entry_detail

logger = logging.getLogger(__name__)

PAGE_SIZE = 50
FILTER_PARAMS = ("q", "status", "outcome", "version", "date_from", "date_to", "source",
                 "min_fraud", "sort")


class ExportForm(forms.Form):
    format = forms.ChoiceField(choices=ExportFormat.choices, initial=ExportFormat.WIDE,
                               widget=forms.RadioSelect, label="Layout")
    include_partial = forms.BooleanField(required=False, initial=True,
                                         label="Include partial entries")
    bom = forms.BooleanField(required=False, label="Add a byte order mark (for Excel)")


def _row(entry: Entry, campaign: Campaign) -> dict:
    definition = definition_for(entry.version_id)
    outcome = definition.outcomes_by_key.get(entry.outcome) if entry.outcome else None
    source = entry.source or {}
    fraud = (entry.fraud or {}).get("score")
    return {
        "entry": entry,
        # The table lists many entries: a title's recall tags show as "…", never raw.
        "outcome": (flow.untagged(outcome.title) or outcome.key) if outcome else entry.outcome,
        "source": source.get("utm_source") or referrer_host(str(source.get("referrer", "")),
                                                            campaign),
        "fraud": fraud if isinstance(fraud, int | float) else None,
    }


def _filter_query(request: HttpRequest) -> str:
    """The request's filters without empty ones or the page cursor."""
    params = request.GET.copy()
    for key in list(params):
        if key not in FILTER_PARAMS or not params.get(key):
            del params[key]
    return params.urlencode()


@require_GET
@campaign_view()
def entrant_list(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    form = EntrantFilterForm(request.GET or None, campaign=campaign)
    form.is_valid()
    filters = form.filters()
    queryset = entrants(campaign, filters)
    page = entrant_page(queryset, filters.sort, after=request.GET.get("after", ""),
                        before=request.GET.get("before", ""), size=PAGE_SIZE,
                        selective=bool(filters.q))
    count, more = capped_count(queryset)
    context = {
        "campaign": campaign,
        "form": form,
        "filters": filters,
        "rows": [_row(entry, campaign) for entry in page.rows],
        "page": page,
        "count": count,
        "more": more,
        "query": _filter_query(request),
        "filter_fields": list(filters.to_json().items()),
        "export_form": ExportForm(),
        "exports": campaign.exports.filter(requested_by=request.user)[:5],
        "can_export": request.membership.allows(Role.EDITOR),
    }
    response = fragment_or_page(request, fragment="builder/_entrant_table.html",
                                page="builder/entrants.html", context=context)
    if not request.htmx:
        return response
    # The address bar shows only the filters in use, so a shared link stays short.
    return at_address(response,
                      request.path + (f"?{context['query']}" if context["query"] else ""))


@require_GET
@campaign_view()
def entrant_detail(request: HttpRequest, campaign: Campaign, entry_id: int) -> HttpResponse:
    entry = get_object_or_404(Entry.objects.select_related("version", "referred_by"),
                              campaign=campaign, pk=entry_id)
    return render(request, "builder/entry.html", {
        "campaign": campaign, "entry": entry, "detail": entry_detail(entry),
        "referrals": entry.referrals.count(),
        "emails": entry.outbound_emails.order_by("enqueued_at", "id"),
        **entry_contest_context(entry),
    })


@require_POST
@campaign_view()
def export_start(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    form = ExportForm(request.POST)
    filter_form = EntrantFilterForm(request.POST, campaign=campaign)
    if not form.is_valid() or not filter_form.is_valid():
        problems = [f"{(form.fields.get(name) or filter_form.fields[name]).label}: {' '.join(e)}"
                    if name != "__all__" else " ".join(e)
                    for name, e in {**filter_form.errors, **form.errors}.items()]
        messages.error(request, "The export did not start. " + " ".join(problems))
        return redirect(reverse("builder:entrants", args=[campaign.pk]))
    spec = export_spec(campaign=campaign, format=form.cleaned_data["format"],
                       filters=filter_form.filters(),
                       include_partial=form.cleaned_data["include_partial"],
                       bom=form.cleaned_data["bom"])
    export = export_request(spec=spec, by=request.user)
    if export is None:
        return _csv_download(request, campaign, spec)
    # A plain form (a file download cannot be swapped in): the job's page follows a redirect.
    return redirect("builder:export_status", campaign.pk, export.pk)


def _csv_download(request: HttpRequest, campaign: Campaign, spec) -> HttpResponse:
    """Stream a small export. The header and the first chunk of rows are made before anything is
    sent, so a failure there is a message on the entrants page, not a file holding only its
    header; a failure further on ends the file with a row that says it is incomplete."""
    texts = (text for text, _ in csv_chunks(spec))
    try:
        opening = [next(texts), next(texts, "")]
    except Exception as error:
        logger.exception("The export of campaign %s failed", campaign.pk)
        messages.error(request, f"The export failed ({type(error).__name__}: {error}). "
                       "Nothing was downloaded. Try again; if it fails again, tell us.")
        return redirect(reverse("builder:entrants", args=[campaign.pk]))
    response = StreamingHttpResponse(marked_if_incomplete(chain(opening, texts)),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{spec.filename()}"'
    return response


def _own_export(request: HttpRequest, campaign: Campaign, export_id: int) -> Export:
    return get_object_or_404(Export, pk=export_id, campaign=campaign,
                             requested_by=request.user)


@require_GET
@campaign_view(read=Role.EDITOR)
def export_status(request: HttpRequest, campaign: Campaign, export_id: int) -> HttpResponse:
    export = _own_export(request, campaign, export_id)
    context = {"campaign": campaign, "export": export,
               "downloadable": export_downloadable(export, request.user),
               "working": export.status in (ExportStatus.PENDING, ExportStatus.RUNNING)}
    template = "builder/_export_status.html" if request.htmx else "builder/export.html"
    return render(request, template, context)


@require_GET
@campaign_view(read=Role.EDITOR)
def export_download(request: HttpRequest, campaign: Campaign, export_id: int) -> HttpResponse:
    export = _own_export(request, campaign, export_id)
    if not export_downloadable(export, request.user):
        raise Http404("This download link has expired.")
    return FileResponse(export.file.open("rb"), as_attachment=True,
                        filename=export.file.name.rsplit("/", 1)[-1],
                        content_type="text/csv; charset=utf-8")
