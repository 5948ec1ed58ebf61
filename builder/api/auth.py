"""Who is asking: `Authorization: Bearer sc_…`, the scope each operation needs, and a fixed-window
rate limit per key in Django's cache (a counter per key and minute; 429 with Retry-After)."""

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.errors import AuthorizationError, Throttled
from ninja.security import HttpBearer

from builder.api.keys import api_key_find, api_key_touch
from builder.models import ApiKey
from campaigns.models import Workspace

WINDOW_SECONDS = 60


def rate_check(key: ApiKey) -> None:
    """Count the request in the key's current window; Throttled once past the limit."""
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    counter = f"api-rate:{key.secret_hash[:20]}:{window}"
    cache.add(counter, 0, timeout=WINDOW_SECONDS + 5)
    try:
        count = cache.incr(counter)
    except ValueError:  # expired between add and incr
        cache.set(counter, 1, timeout=WINDOW_SECONDS + 5)
        count = 1
    if count > settings.API_RATE_LIMIT:
        raise Throttled(wait=math.ceil((window + 1) * WINDOW_SECONDS - now))


class KeyAuth(HttpBearer):
    """A live key of the workspace that holds `scope`. No key, an unknown or a revoked one: 401;
    a key without the scope: 403."""

    def __init__(self, scope: str):
        super().__init__()
        self.scope = scope

    def __call__(self, request: HttpRequest) -> ApiKey | None:
        # Not HttpBearer's own: with DEBUG it logs a header it does not expect, secret and all.
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return self.authenticate(request, token)

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        key = api_key_find(token.strip())
        if key is None:
            return None
        rate_check(key)
        if not key.allows(self.scope):
            raise AuthorizationError(message=f"This key may not do this: it needs the "
                                             f"“{self.scope}” scope.")
        api_key_touch(key=key)
        return key


def key_auth(scope: str) -> KeyAuth:
    return KeyAuth(scope)


def workspace_of(request: HttpRequest) -> Workspace:
    """The key's workspace (loaded with the key): everything the request may see is inside it."""
    return request.auth.workspace
