"""What stands between the public runtime and the open internet.

Runtime pages live inside other sites' iframes, where third-party cookies are blocked, so they
cannot rely on Django's CSRF cookie. Instead a POST must come from our own origin or one the
campaign allows, carry the entry's unguessable token, and stay within a per-IP rate.
"""

import hashlib
import hmac
import logging
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt

from campaigns.campaign_settings import campaign_setting
from campaigns.models import Campaign
from campaigns.origins import ANY, NotAnOrigin, origin_canonical

# Per IP and minute: generous for people (a fast human submits a step every few seconds),
# low enough to stop a script hammering one campaign.
RATE_LIMITS = {"start": 20, "submit": 120, "events": 240, "resume": 5}
HONEYPOT_FIELD = "website"

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
    """Count this request; True once the IP went over its limit for `action` this minute."""
    key = f"rl:{action}:{ip_hash(request)}"
    cache.add(key, 0, timeout=60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=60)
        count = 1
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
