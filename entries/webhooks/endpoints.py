"""The services that write webhook endpoints, and the cached list of who subscribes to what.

The runtime asks `subscribed` on every start and step: with no endpoint in the workspace that
must cost no query, so the workspace's active endpoints are cached (one query on a miss) and
forgotten on commit of every change to them; each process also keeps what it read for
LOCAL_TTL, so a step asks the shared cache about once in that time, not several times per
submit. Another process sees a change within LOCAL_TTL; one that read the list just before a
change committed keeps it for at most SUBSCRIBERS_TTL.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from campaigns.models import Campaign, Workspace
from entries.models import EndpointSource, WebhookEndpoint
from entries.models.webhooks import webhook_secret
from entries.webhooks.addresses import AddressRefused, resolve
from entries.webhooks.events import EVENT_NAMES

SUBSCRIBERS_TTL = 30  # seconds, in the shared cache
LOCAL_TTL = 2.0  # seconds, in this process
MAX_ENDPOINTS = 25  # per workspace
ROTATION_GRACE = timedelta(hours=24)
MAX_DESCRIPTION = 200


class EndpointRefused(Exception):
    """The endpoint cannot be saved as asked; nothing was changed. The message says why."""


@dataclass(frozen=True)
class Subscription:
    endpoint_id: int
    campaign_id: int | None  # None: every campaign of the workspace
    events: frozenset[str]


_generation = 0
_local: dict[str, tuple[float, tuple[Subscription, ...]]] = {}  # key -> (until, subscriptions)


def _cache_key(workspace_id: int) -> str:
    return f"webhooks:subscriptions:{_generation}:{workspace_id}"


def subscriptions(workspace_id: int) -> tuple[Subscription, ...]:
    """The workspace's active endpoints (cached)."""
    key = _cache_key(workspace_id)
    now = time.monotonic()
    until, found = _local.get(key, (0.0, None))
    if until > now:
        return found
    found = cache.get(key)
    if found is None:
        found = tuple(
            Subscription(pk, campaign_id, frozenset(events))
            for pk, campaign_id, events in WebhookEndpoint.objects.filter(
                workspace_id=workspace_id, active=True).values_list("pk", "campaign_id", "events"))
        cache.set(key, found, SUBSCRIBERS_TTL)
    _local[key] = (now + LOCAL_TTL, found)
    return found


def subscribed(campaign: Campaign, event: str) -> list[int]:
    """The ids of the active endpoints that want `event` about `campaign`."""
    return [s.endpoint_id for s in subscriptions(campaign.workspace_id)
            if event in s.events and s.campaign_id in (None, campaign.pk)]


def _forget(workspace_id: int) -> None:
    key = _cache_key(workspace_id)

    def forget() -> None:
        _local.pop(key, None)
        cache.delete(key)

    forget()
    transaction.on_commit(forget)


def subscriptions_forget_all() -> None:
    """Forget every workspace's cached subscriptions in this process (tests reuse ids)."""
    global _generation  # noqa: PLW0603 -- a process-wide key prefix, bumped only by tests
    _generation += 1
    _local.clear()


def _events(events) -> list[str]:
    chosen = [name for name in EVENT_NAMES if name in set(events or [])]
    unknown = sorted(set(events or []) - set(EVENT_NAMES))
    if unknown:
        raise EndpointRefused(f"Unknown event type: {', '.join(unknown)}.")
    if not chosen:
        raise EndpointRefused("Pick at least one event to send.")
    return chosen


def _url(url: str) -> str:
    url = (url or "").strip()
    try:
        resolve(url)
    except AddressRefused as refused:
        raise EndpointRefused(str(refused)) from None
    return url


@transaction.atomic
def webhook_endpoint_create(*, workspace: Workspace, url: str, events, campaign=None,
                            source: str = EndpointSource.BUILDER, created_by=None,
                            description: str = "") -> WebhookEndpoint:
    """A new active endpoint with a fresh secret (shown to its creator once, by the caller)."""
    if campaign is not None and campaign.workspace_id != workspace.pk:
        raise EndpointRefused("That campaign belongs to another workspace.")
    if source not in EndpointSource.values:
        raise EndpointRefused(f"Unknown endpoint source: {source}.")
    events, url = _events(events), _url(url)
    if WebhookEndpoint.objects.filter(workspace=workspace).count() >= MAX_ENDPOINTS:
        raise EndpointRefused(f"A workspace can have at most {MAX_ENDPOINTS} endpoints; "
                              "delete one you no longer use first.")
    endpoint = WebhookEndpoint.objects.create(
        workspace=workspace, campaign=campaign, url=url, events=events, source=source,
        created_by=created_by, description=" ".join(description.split())[:MAX_DESCRIPTION])
    _forget(workspace.pk)
    return endpoint


@transaction.atomic
def webhook_endpoint_update(*, endpoint: WebhookEndpoint, url: str, events,
                            description: str = "") -> WebhookEndpoint:
    endpoint.events, endpoint.url = _events(events), _url(url)
    endpoint.description = " ".join(description.split())[:MAX_DESCRIPTION]
    endpoint.save(update_fields=["events", "url", "description", "updated_at"])
    _forget(endpoint.workspace_id)
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    """The endpoint goes with its deliveries, waiting ones included: nothing more is sent."""
    workspace_id = endpoint.workspace_id
    WebhookEndpoint.objects.filter(pk=endpoint.pk).delete()
    _forget(workspace_id)


@transaction.atomic
def webhook_endpoint_enable(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Send again; what waited while it was disabled is sent too (by the sweeper)."""
    endpoint.active, endpoint.disabled_reason, endpoint.disabled_at = True, "", None
    endpoint.consecutive_failures, endpoint.failing_since = 0, None
    endpoint.save(update_fields=["active", "disabled_reason", "disabled_at",
                                 "consecutive_failures", "failing_since", "updated_at"])
    _forget(endpoint.workspace_id)
    return endpoint


@transaction.atomic
def webhook_endpoint_disable(*, endpoint: WebhookEndpoint, reason: str,
                             notify_owners: bool = False) -> WebhookEndpoint:
    """No new events are queued for it; what waits stays, and is sent once it is enabled.
    `notify_owners` (an automatic disabling) leaves the owners' email to the outbox."""
    endpoint.active, endpoint.disabled_reason = False, reason[:300]
    endpoint.disabled_at = timezone.now()
    endpoint.owners_notified_at = None if notify_owners else endpoint.disabled_at
    endpoint.save(update_fields=["active", "disabled_reason", "disabled_at",
                                 "owners_notified_at", "updated_at"])
    _forget(endpoint.workspace_id)
    return endpoint


@transaction.atomic
def webhook_secret_rotate(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new secret; the old one keeps signing too for ROTATION_GRACE, so the receiver can
    switch without refusing a request. Returns the endpoint with the new secret (show it once)."""
    endpoint.previous_secret, endpoint.secret = endpoint.secret, webhook_secret()
    endpoint.previous_secret_expires_at = timezone.now() + ROTATION_GRACE
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at",
                                 "updated_at"])
    return endpoint
