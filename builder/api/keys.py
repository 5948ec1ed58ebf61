"""API keys: made, found by their secret, touched as they are used, revoked.

A key is `sc_` and 43 URL-safe characters (256 random bits). The secret is shown once, when it is
made; the database keeps its SHA-256 and the first characters as a prefix to tell keys apart.
"""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from builder.models import ApiKey, ApiScope
from campaigns.models import Workspace

KEY_START = "sc_"
PREFIX_LENGTH = len(KEY_START) + 8
# last_used_at is a hint, not an audit log: one write a minute per key at most.
TOUCH_EVERY = timedelta(minutes=1)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_key_create(*, workspace: Workspace, name: str, scopes: list[str],
                   by) -> tuple[ApiKey, str]:
    """A new key and its secret, which is not kept and cannot be shown again."""
    name = name.strip()
    unknown = set(scopes) - set(ApiScope.values)
    if not name:
        raise ValidationError({"name": "Give the key a name, such as the tool that will use it."})
    if not scopes:
        raise ValidationError({"scopes": "Choose at least one thing the key may do."})
    if unknown:
        raise ValidationError({"scopes": f"Unknown scopes: {', '.join(sorted(unknown))}."})
    secret = KEY_START + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        workspace=workspace, name=name[:100],
        scopes=[scope for scope in ApiScope.values if scope in scopes],
        prefix=secret[:PREFIX_LENGTH], secret_hash=secret_hash(secret), created_by=by,
    )
    return key, secret


def api_key_find(secret: str) -> ApiKey | None:
    """The live key with this secret; None for a revoked, unknown or malformed one."""
    if not secret.startswith(KEY_START) or len(secret) > 100:
        return None
    return ApiKey.objects.select_related("workspace").filter(secret_hash=secret_hash(secret),
                                 revoked_at__isnull=True).first()


def api_key_touch(*, key: ApiKey) -> None:
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= TOUCH_EVERY:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now


def api_key_revoke(*, key: ApiKey) -> ApiKey:
    """Refused from the next request on; the row stays, so the list shows what was revoked."""
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key
