"""One-click unsubscribe (RFC 8058): a signed token per (workspace, address), and the list it feeds.

The token is the whole capability: it carries no expiry because an unsubscribe link must keep
working for as long as the email sits in someone's inbox.
"""

from django.core import signing
from django.urls import reverse

from config.site import site_url
from entries.emailaddr import normalise_email
from entries.models import Suppression

SALT = "stepcraft.unsubscribe"


def suppression_key(email: str) -> str:
    """The address as the suppression list compares it (the one-entry-per-person key)."""
    try:
        return normalise_email(email)
    except ValueError:
        return email.strip().lower()[:254]


def unsubscribe_token(*, workspace_id: int, email: str) -> str:
    return signing.dumps([workspace_id, suppression_key(email)], salt=SALT, compress=True)


def unsubscribe_url(*, workspace_id: int, email: str) -> str:
    token = unsubscribe_token(workspace_id=workspace_id, email=email)
    return site_url(reverse("entries:unsubscribe", args=[token]))


def unsubscribe_read(token: str) -> tuple[int, str] | None:
    """(workspace id, address key) from a token, or None when it was not signed by us."""
    try:
        workspace_id, email = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(workspace_id, int) or not isinstance(email, str):
        return None
    return workspace_id, email


def suppression_add(*, workspace_id: int, email: str, reason: str = "unsubscribed") -> Suppression:
    suppression, _ = Suppression.objects.get_or_create(
        workspace_id=workspace_id, email=suppression_key(email), defaults={"reason": reason}
    )
    return suppression


def is_suppressed(*, workspace_id: int, email: str) -> bool:
    return Suppression.objects.filter(workspace_id=workspace_id,
                                      email=suppression_key(email)).exists()
