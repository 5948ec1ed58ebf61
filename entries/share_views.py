"""Share images and the share redirect.

A share image's URL names the published version, the language and the outcome, so it never changes:
it is served with a year's `immutable` cache and an ETag (a crawler asking again gets a 304 without
the image being read). The share redirect counts a visitor's share, as an interaction of their
entry, and sends them on to the network: the links work without JavaScript, and the network's URL
is built here, so the redirect goes nowhere but the networks we name.
"""

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.utils.http import parse_etags
from django.views.decorators.http import require_http_methods, require_safe

from campaigns import flow
from campaigns.models import CampaignVersion
from campaigns.versions import definition_for
from entries import events, guards, sharing
from entries.entry_state import entry_answers, state_from_json
from entries.models import Entry, EntryStatus
from entries.rendering import plain

IMMUTABLE = "public, max-age=31536000, immutable"


class _Redirect(HttpResponseRedirect):
    allowed_schemes = ["https", "mailto"]


@require_safe
def share_image(request: HttpRequest, slug: str, version_id: int, language: str,
                outcome: str = "") -> HttpResponse:
    get_object_or_404(CampaignVersion, pk=version_id, campaign__slug=slug,
                      campaign__published_version__isnull=False)
    definition = definition_for(version_id)
    if language not in sharing.languages(definition) or (
            outcome and outcome not in definition.outcomes_by_key):
        raise Http404("No such share image")
    image = sharing.stored_image(version_id=version_id, definition=definition,
                                 language=language, outcome_key=outcome)
    if image.etag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
    else:
        try:
            data = sharing.share_image_bytes(image, definition=definition, language=language,
                                             outcome_key=outcome)
        except FileNotFoundError:
            raise Http404("The uploaded share image is gone") from None
        response = HttpResponse(data, content_type=image.content_type)
    response["ETag"] = image.etag
    response["Cache-Control"] = IMMUTABLE
    return response


def _share_refused(request: HttpRequest, *_why) -> HttpResponse:
    # A share is only counted; once entries are closed (or the post is refused) the link still
    # works, uncounted.
    return HttpResponse(status=204)


@guards.runtime_view
@require_http_methods(["GET", "POST"])
@guards.entry_guarded("events", guards.Answers(closed=_share_refused, refused=_share_refused))
def entry_share(request: HttpRequest, entry: Entry) -> HttpResponse:
    """GET `?to=<network>`: count the share and redirect to the network's share page. POST
    (runtime.js's beacon for the share sheet and Copy): count it, answer 204."""
    network = request.GET.get("to", "")
    if network not in sharing.NETWORKS or entry.status != EntryStatus.COMPLETED:
        raise Http404("Nothing to share here")
    target = _network_url(entry, network) if request.method == "GET" else None
    if request.method == "GET" and target is None:
        # The share sheet and Copy are reported by a POST, never followed.
        raise Http404("Nothing to follow here")
    if not guards.rate_limited(request, "events"):
        events.record(events.shared(entry, network=network))
    return _Redirect(target) if target else HttpResponse(status=204)


def _network_url(entry: Entry, network: str) -> str | None:
    """The network's share page for the entry's referral link and result, if it has one."""
    definition = definition_for(entry.version_id)
    outcome = definition.outcomes_by_key.get(entry.outcome)
    # The text the result page shows beside the link, recall and all.
    recall = flow.recall_context(definition, entry_answers(entry), state_from_json(entry.state),
                                 outcome)
    text = sharing.share_text(definition, plain(outcome.title, recall) if outcome
                              else definition.name)
    url = sharing.share_url(entry.campaign.slug, entry.referral_code)
    return next((link.href for link in sharing.share_links(url, text) if link.key == network),
                None)
