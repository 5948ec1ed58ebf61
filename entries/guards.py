"""What stands between the public runtime and the open internet.

Runtime pages live inside other sites' iframes, where third-party cookies are blocked, so they
cannot rely on Django's CSRF cookie. Instead a POST must come from our own origin or one the
campaign allows, carry the entry's unguessable token, and stay within a per-IP rate. Every
runtime write is checked in one order, by `campaign_guarded` (the landing) or `entry_guarded`
(an entry's views): campaign open, entry by its token, origin, rate; then the step service
refuses a stale or overtaken step.
"""

import hashlib
import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt

from campaigns.campaign_settings import campaign_setting
from campaigns.models import Campaign
from campaigns.origins import ANY, NotAnOrigin, origin_canonical
from entries import languages, pages
from entries.models import Entry
from entries.services.entry_store import entry_for_runtime
from entries.services.runtime import CampaignClosed, campaign_open_check

# Per IP and minute: generous for people (a fast human submits a step every few seconds),
# low enough to stop a script hammering one campaign.
RATE_LIMITS = {"start": 20, "submit": 120, "events": 240, "resume": 5}
HONEYPOT_FIELD = "website"
FOREIGN_SITE = gettext_lazy("This form can't be sent from that site.")
TOO_FAST = gettext_lazy("Too many requests from your network. Please wait a minute and try again.")

logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str:
    if settings.RUNTIME_TRUST_X_FORWARDED_FOR:
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def ip_hash(request: HttpRequest) -> str:
    """A keyed hash of the IP: enough to spot bursts, useless to anyone who reads the table."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, client_ip(request).encode(), hashlib.sha256).hexdigest()[:32]


def rate_limited(request: HttpRequest, action: str) -> bool:
    """Count this request; True once the IP went over its limit for `action` this minute.

    The minute starts at the IP's first request. Counting tries `incr` first: every request
    but a minute's first one is then a single cache call (two Redis round trips instead of
    three, half the CPU on a submit's path)."""
    key = f"rl:{action}:{ip_hash(request)}"
    try:
        count = cache.incr(key)
    except ValueError:  # the IP's first request this minute
        # Another of its requests may have started the minute meanwhile: then count on it.
        count = 1 if cache.add(key, 1, timeout=60) else cache.incr(key)
    return count > RATE_LIMITS[action]


def embed_origins(campaign: Campaign) -> list[str]:
    """The origins a campaign may be framed by and posted from, canonical; ["*"] means anywhere.

    The settings service stores only canonical origins, but a value saved before it checked them
    (or written by hand) must never reach a header: it is canonicalised, or left out.
    """
    origins = []
    for stored in campaign_setting(campaign, "embed_origins"):
        try:
            origins.append(ANY if stored == ANY else origin_canonical(stored))
        except NotAnOrigin:
            logger.warning("Campaign %s: embed origin %r ignored, it is not an origin",
                           campaign.pk, stored)
    return origins


def origin_allowed(request: HttpRequest, campaign: Campaign) -> bool:
    origin = request.headers.get("Origin")
    if origin is None:
        # Browsers send Origin on every cross-site POST; its absence means a same-origin request
        # from an old browser or a non-browser client, neither of which CSRF can abuse.
        return True
    if origin == "null":
        return False
    own = f"{request.scheme}://{request.get_host()}"
    allowed = embed_origins(campaign)
    return origin == own or "*" in allowed or origin in allowed


def frame_policy(campaign: Campaign | None) -> str:
    if campaign is None:
        return "frame-ancestors 'none'"
    origins = embed_origins(campaign)
    if ANY in origins:
        return "frame-ancestors *"
    return " ".join(["frame-ancestors 'self'", *origins])


def runtime_view(view):
    """Embeddable and cookie-free: no CSRF cookie, framing decided by the campaign's allow-list.

    The view sets `request.campaign` as soon as it knows it, for the frame policy.
    """

    @csrf_exempt
    @xframe_options_exempt
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        request.campaign = None
        response = view(request, *args, **kwargs)
        response.headers["Content-Security-Policy"] = frame_policy(request.campaign)
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        return response

    return wrapped


class WriteRefused(Exception):
    """A guard turned a runtime write away before any service ran; nothing was saved."""

    def __init__(self, status: int, message: str):
        self.status = status
        self.message = message
        super().__init__(message)


def write_check(request: HttpRequest, campaign: Campaign, action: str) -> None:
    """Raise WriteRefused unless this POST comes from a site the campaign allows (else 403) and
    stays within the IP's rate for `action` (else 429). The origin is checked first, so another
    site's posts use up no visitor's rate."""
    if not origin_allowed(request, campaign):
        raise WriteRefused(403, FOREIGN_SITE)
    if rate_limited(request, action):
        raise WriteRefused(429, TOO_FAST)


def _refused_page(request: HttpRequest, _subject: object, refused: WriteRefused) -> HttpResponse:
    return pages.refusal_page(request, request.campaign, refused.message, refused.status)


@dataclass(frozen=True)
class Answers:
    """How a runtime view turns a request away, in its own form (a page, a stage, JSON).

    `closed` gets the campaign and its closed reason; `refused` gets what the view is handed
    (the campaign, or the entry) and the guard's refusal."""

    closed: Callable[[HttpRequest, Campaign, str], HttpResponse] = pages.closed_page
    refused: Callable[[HttpRequest, Any, WriteRefused], HttpResponse] = _refused_page
    # An unknown entry token; None raises Http404 (the site's 404 page).
    missing: Callable[[], HttpResponse] | None = None


PAGES = Answers()


def _guarded(request: HttpRequest, campaign: Campaign, subject: Campaign | Entry, *, action: str,
             answers: Answers, check_open: bool,
             view: Callable[[HttpRequest, Any], HttpResponse]) -> HttpResponse:
    """The one order every runtime write is checked in, once its campaign (or entry, by its
    token) is found: the campaign takes entries, the post comes from an allowed site, the IP
    is within its rate; then the view runs, whose service refuses a stale or overtaken step
    (StepRefused) and re-checks the campaign in its transaction (CampaignClosed, answered as
    here)."""
    try:
        if check_open:
            campaign_open_check(campaign)
        if request.method == "POST":
            write_check(request, campaign, action)
        return view(request, subject)
    except CampaignClosed as closed:
        return answers.closed(request, campaign, closed.reason)
    except WriteRefused as refused:
        return answers.refused(request, subject, refused)


def campaign_guarded(action: str, answers: Answers = PAGES):
    """A view of a published campaign by its slug (the landing), handed the campaign. While the
    campaign takes no entries every request gets `answers.closed`; a POST is a write of
    `action` (see `_guarded`)."""

    def decorate(view):
        @wraps(view)
        def wrapped(request: HttpRequest, slug: str) -> HttpResponse:
            campaign = get_object_or_404(Campaign.objects.select_related("published_version"),
                                         slug=slug, published_version__isnull=False)
            request.campaign = campaign
            return _guarded(request, campaign, campaign, action=action, answers=answers,
                            check_open=True, view=view)

        return wrapped

    return decorate


def entry_guarded(action: str, answers: Answers = PAGES):
    """A view of one entry (its page and steps, its events, "Continue later"), read by its
    token and handed to the view. While the campaign takes no entries a POST, or a visit to an
    unfinished entry, gets `answers.closed`; a completed entry's result stays readable. A POST
    is a write of `action` (see `_guarded`)."""

    def decorate(view):
        @languages.keeps_language
        @wraps(view)
        def wrapped(request: HttpRequest, slug: str, token: str) -> HttpResponse:
            entry = entry_for_runtime(slug=slug, token=token)
            if entry is None:
                if answers.missing is not None:
                    return answers.missing()
                raise Http404("No such entry")
            request.campaign = entry.campaign
            languages.of_entry(request, entry)
            return _guarded(request, entry.campaign, entry, action=action, answers=answers,
                            check_open=request.method == "POST" or entry.is_open, view=view)

        return wrapped

    return decorate
