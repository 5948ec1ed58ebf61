"""REST hooks for automation platforms (Zapier, Make, n8n): subscribe a target URL to one event,
unsubscribe it, and fetch a sample of each event so a platform can map its fields before any
real event happens. A subscription is a webhook endpoint (source "rest_hook") like the builder's:
the same outbox, retries, signatures and address checks."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from builder.api.auth import key_auth, workspace_of
from builder.api.campaigns import campaign_of
from builder.api.errors import Refused, not_found
from builder.models import ApiScope
from entries.models import EndpointSource, WebhookEndpoint
from entries.webhooks.endpoints import (
    EndpointRefused,
    webhook_endpoint_create,
    webhook_endpoint_delete,
)
from entries.webhooks.events import EVENTS, EVENTS_BY_NAME, sample_payload

router = Router(tags=["REST hooks"], auth=key_auth(ApiScope.WEBHOOKS_WRITE))


class HookIn(Schema):
    target_url: str
    event: str  # one of GET /hooks/events
    campaign: int | None = None  # only this campaign's events; none: the whole workspace


class HookOut(Schema):
    id: int
    target_url: str
    event: str
    campaign: int | None
    active: bool
    created_at: datetime


class NewHookOut(HookOut):
    secret: str  # verifies the `webhook-signature` header (Standard Webhooks); shown once


class EventOut(Schema):
    name: str
    description: str


def _out(endpoint: WebhookEndpoint) -> dict:
    return {"id": endpoint.pk, "target_url": endpoint.url, "event": endpoint.events[0],
            "campaign": endpoint.campaign_id, "active": endpoint.active,
            "created_at": endpoint.created_at}


def _hooks(request: HttpRequest):
    return WebhookEndpoint.objects.filter(workspace=workspace_of(request),
                                          source=EndpointSource.REST_HOOK)


@router.get("/hooks/events", response=list[EventOut], summary="The event types to subscribe to")
def hook_events(request: HttpRequest):
    return [{"name": event.name, "description": event.description} for event in EVENTS]


@router.get("/hooks/samples/{event}", response=list[dict[str, Any]],
            summary="A sample of the event's body, as a one-item list (what Zapier's "
                    "performList expects)")
def hook_sample(request: HttpRequest, event: str):
    if event not in EVENTS_BY_NAME:
        raise not_found(f"No event type “{event}”. Event types: {', '.join(EVENTS_BY_NAME)}.")
    return [sample_payload(event)]


@router.get("/hooks", response=list[HookOut], summary="The workspace's REST hook subscriptions")
def hook_list(request: HttpRequest):
    return [_out(endpoint) for endpoint in _hooks(request)]


@router.post("/hooks", response={201: NewHookOut},
             summary="Subscribe a target URL to an event (REST hook)")
def hook_subscribe(request: HttpRequest, payload: HookIn):
    campaign = campaign_of(request, payload.campaign) if payload.campaign is not None else None
    try:
        endpoint = webhook_endpoint_create(
            workspace=workspace_of(request), url=payload.target_url, events=[payload.event],
            campaign=campaign, source=EndpointSource.REST_HOOK,
            created_by=request.auth.created_by,
            description=f"REST hook from API key “{request.auth.name}”")
    except EndpointRefused as refused:
        raise Refused(422, str(refused)) from None
    return Status(201, {**_out(endpoint), "secret": endpoint.secret})


@router.delete("/hooks/{hook_id}", response={204: None},
               summary="Unsubscribe: nothing more is sent to the target URL")
def hook_unsubscribe(request: HttpRequest, hook_id: int):
    endpoint = _hooks(request).filter(pk=hook_id).first()
    if endpoint is None:
        raise not_found("No REST hook with this id in the key's workspace.")
    webhook_endpoint_delete(endpoint=endpoint)
    return Status(204, None)
