"""Webhook deliveries: written with the change that caused them, sent by a worker, never lost.

Contract (the email outbox's, entries/mail/outbox.py, for HTTP):
- `webhook_emit` writes one row per subscribed active endpoint IN THE CALLER'S TRANSACTION and
  sends one task per row on commit; a rolled-back change leaves no row. With the broker down the
  request still succeeds and `webhooks_sweep` (beat) sends what waits.
- `webhook_send` claims a row with a conditional UPDATE under the endpoint's row lock, which
  also caps the deliveries in flight per endpoint (WEBHOOK_MAX_IN_FLIGHT). A claim older than
  CLAIM_TIMEOUT belonged to a worker that died: the sweeper hands the row to another.
- Every attempt carries the row's `message_id` as `webhook-id`, so a receiver that saw it
  already (a worker killed after the receiver answered, a replay) drops the copy.
- A failure retries with exponential backoff and jitter for RETRY_FOR, then the row is parked.
  An endpoint that has failed DISABLE_AFTER_FAILURES times in a row for DISABLE_AFTER is
  disabled and the workspace's owners are emailed; its rows wait until it is enabled.
- Logs name deliveries and endpoints by id: never a URL (it may hold a token), a secret or a body.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, Membership, Role
from config.site import site_url
from entries.connections import once_more_if_dropped
from entries.models import DeliveryStatus, Entry, WebhookDelivery, WebhookEndpoint, Winner
from entries.webhooks import sender
from entries.webhooks.endpoints import subscribed, webhook_endpoint_disable
from entries.webhooks.events import entry_data, envelope, sample_payload, winner_data

logger = logging.getLogger(__name__)

SWEEP_AFTER = timedelta(seconds=30)
SWEEP_BATCH = 500
BACKOFF_BASE_SECONDS = 15
BACKOFF_MAX_SECONDS = 4 * 3600
RETRY_FOR = timedelta(hours=24)
DISABLE_AFTER_FAILURES = 20
DISABLE_AFTER = timedelta(hours=24)
KEEP_DELIVERED = timedelta(days=30)
SUCCESS_EVERY = timedelta(minutes=1)  # how fresh an endpoint's `last_success_at` is kept
WAITING = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)
BUSY = "busy"  # webhook_send's answer when the endpoint has its fill of deliveries in flight


def claim_timeout() -> timedelta:
    # Never below the request's own bound (connect, then answer), whatever the setting says.
    return timedelta(seconds=max(settings.WEBHOOK_CLAIM_TIMEOUT,
                                 2 * settings.WEBHOOK_TIMEOUT + 1))


# --- writing events ---------------------------------------------------------------------------


def wanted(campaign: Campaign, event: str) -> bool:
    """Whether any endpoint subscribes to `event` about `campaign` (no query when cached)."""
    return bool(subscribed(campaign, event))


def _next_sequence(entry_id: int) -> int:
    last = WebhookDelivery.objects.filter(entry_id=entry_id).aggregate(last=Max("sequence"))
    return (last["last"] or 0) + 1


def webhook_emit(event: str, *, campaign: Campaign, data: Callable[[], dict[str, Any]],
                 entry: Entry | None = None) -> list[WebhookDelivery]:
    """Queue `event` for every active endpoint subscribed to it about `campaign`.

    `data` builds the payload's `data`, called only when someone subscribes. Call it inside the
    transaction of the change: the rows commit or roll back with it.
    """
    endpoint_ids = subscribed(campaign, event)
    if not endpoint_ids:
        return []
    sequence = _next_sequence(entry.pk) if entry is not None else 0
    payload = envelope(event, data(), sequence)
    return _insert([WebhookDelivery(endpoint_id=endpoint_id, event=event, entry=entry,
                                    sequence=sequence, payload=payload)
                    for endpoint_id in endpoint_ids])


def entry_event(event: str, entry: Entry, *, step_key: str = "",
                **extra: Any) -> list[WebhookDelivery]:
    """`event` about the entry (`entry.campaign` loaded): `{"entry": …}` and `extra`."""
    return webhook_emit(event, campaign=entry.campaign, entry=entry,
                        data=lambda: {"entry": entry_data(entry, step_key=step_key), **extra})


def winner_event(event: str, winner: Winner) -> list[WebhookDelivery]:
    """`event` about a prize's holder: `{"winner": …, "entry": …}` (entry None once erased)."""
    campaign = winner.draw.campaign
    entry = winner.entry if winner.entry_id else None
    if entry is not None:
        entry.campaign = campaign
    return webhook_emit(event, campaign=campaign, entry=entry, data=lambda: {
        "winner": winner_data(winner), "entry": entry_data(entry) if entry else None})


def webhook_emit_erased(*, entries: Iterable[Entry]) -> list[WebhookDelivery]:
    """`person.erased`, per endpoint with the erased entries it was told about (its campaign's,
    or the workspace's). Called before the entries are deleted, in the erasure's transaction."""
    by_endpoint: dict[int, list[dict[str, Any]]] = {}
    for entry in entries:
        for endpoint_id in subscribed(entry.campaign, "person.erased"):
            by_endpoint.setdefault(endpoint_id, []).append(
                {"id": entry.pk, "campaign": {"id": entry.campaign_id,
                                              "slug": entry.campaign.slug,
                                              "name": entry.campaign.name}})
    erased_at = timezone.now().isoformat().replace("+00:00", "Z")
    return _insert([
        WebhookDelivery(endpoint_id=endpoint_id, event="person.erased",
                        payload=envelope("person.erased",
                                         {"entries": erased, "erased_at": erased_at}))
        for endpoint_id, erased in by_endpoint.items()])


@transaction.atomic
def webhook_test_send(*, endpoint: WebhookEndpoint, event: str) -> WebhookDelivery:
    """A sample `event` to the endpoint (even one that does not subscribe to it), sent now."""
    return _insert([WebhookDelivery(endpoint=endpoint, event=event, is_test=True,
                                    payload=sample_payload(event))])[0]


@transaction.atomic
def webhook_deliveries_replay(*, deliveries: Iterable[WebhookDelivery]) -> int:
    """Send again (same `webhook-id`) with a fresh day of retries; not those being sent now."""
    now = timezone.now()
    ids = list(WebhookDelivery.objects.filter(
        pk__in=[delivery.pk for delivery in deliveries]).exclude(
        status=DeliveryStatus.SENDING).values_list("pk", flat=True))
    WebhookDelivery.objects.filter(pk__in=ids).update(
        status=DeliveryStatus.PENDING, next_attempt_at=now, retrying_since=now, claimed_at=None)
    _publish_on_commit(ids)
    return len(ids)


def _insert(rows: list[WebhookDelivery]) -> list[WebhookDelivery]:
    if not rows:
        return []
    with transaction.atomic():
        created = WebhookDelivery.objects.bulk_create(rows)
        _publish_on_commit([row.pk for row in created])
    return created


def _publish_on_commit(ids: list[int]) -> None:
    if ids:
        transaction.on_commit(lambda: publish(ids))


def publish(ids: list[int]) -> None:
    """One task per row; with the broker down the rest waits for the sweeper. Never raises:
    this runs after a commit, where the visitor's request has already succeeded."""
    from entries.tasks import webhook_send as webhook_send_task  # noqa: PLC0415 (the tasks module imports this one)

    webhook_send_task.publish_each(ids)


# --- sending ------------------------------------------------------------------------------------


@transaction.atomic
def _claim(delivery_id: int) -> WebhookDelivery | str | None:
    """The row, claimed; BUSY when its endpoint has its fill in flight; None when there is
    nothing to send (done, claimed by a live worker, gone, or its endpoint disabled)."""
    now = timezone.now()
    # The endpoint's row lock makes "count in flight, then claim" one step between workers.
    delivery = (WebhookDelivery.objects.select_related("endpoint")
                .select_for_update(of=("endpoint",)).filter(pk=delivery_id).first())
    if delivery is None or not delivery.endpoint.active:
        return None
    stale = now - claim_timeout()
    in_flight = WebhookDelivery.objects.filter(endpoint_id=delivery.endpoint_id,
                                               status=DeliveryStatus.SENDING,
                                               claimed_at__gte=stale).count()
    if in_flight >= settings.WEBHOOK_MAX_IN_FLIGHT:
        return BUSY
    claimable = Q(status__in=WAITING) | Q(status=DeliveryStatus.SENDING, claimed_at__lt=stale)
    if not WebhookDelivery.objects.filter(claimable, pk=delivery_id).update(
            status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1):
        return None
    delivery.status, delivery.claimed_at = DeliveryStatus.SENDING, now
    delivery.attempts += 1
    return delivery


def webhook_send(*, delivery_id: int) -> WebhookDelivery | str | None:
    """Claim and post one delivery; the returned row's status says how it went (BUSY: try
    again in a moment; None: nothing to do)."""
    delivery = _claim(delivery_id)
    if not isinstance(delivery, WebhookDelivery):
        return delivery
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False)
    request_headers = sender.headers(secrets=endpoint.signing_secrets(),
                                     message_id=delivery.message_id, body=body)
    attempt = sender.post(endpoint.url, body, request_headers, settings.WEBHOOK_TIMEOUT)
    now = timezone.now()
    changes = {"last_attempt_at": now, "last_status_code": attempt.status_code,
               "last_response": attempt.excerpt, "last_duration_ms": attempt.duration_ms}
    if attempt.ok:
        changes |= {"status": DeliveryStatus.DELIVERED, "delivered_at": now}
    elif now - delivery.retrying_since >= RETRY_FOR or delivery.is_test:
        changes["status"] = DeliveryStatus.PARKED  # a test is tried once: the marketer watches
    else:
        changes |= {"status": DeliveryStatus.RETRYING,
                    "next_attempt_at": now + backoff(delivery.attempts)}
    logger.info("webhook delivery %s to endpoint %s: attempt %s, %s, %s ms", delivery.pk,
                endpoint.pk, delivery.attempts, attempt.status_code or "no answer",
                attempt.duration_ms)
    _finish(delivery, changes)
    if not delivery.is_test:
        _count(endpoint, ok=attempt.ok, now=now, excerpt=attempt.excerpt)
    return delivery


def backoff(attempts: int) -> timedelta:
    """After the n-th failed attempt: 15 s, 30 s, 1 min, … up to 4 h, each ±20 % at random so
    that deliveries failing together do not all come back together."""
    delay = min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS)
    return timedelta(seconds=delay * random.uniform(0.8, 1.2))  # noqa: S311 -- jitter, not a secret


def _finish(delivery: WebhookDelivery, changes: dict[str, Any]) -> None:
    """Record the attempt unless the claim was taken over meanwhile (the new owner does)."""
    # Repeated on a fresh connection if the database dropped this one: a lost `delivered`
    # would send it again. The claim condition makes the repeat safe.
    once_more_if_dropped(lambda: WebhookDelivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.SENDING, claimed_at=delivery.claimed_at,
    ).update(**changes))
    for name, value in changes.items():
        setattr(delivery, name, value)


def _count(endpoint: WebhookEndpoint, *, ok: bool, now, excerpt: str) -> None:
    """Keep the endpoint's run of failures; disable it when the run is long enough."""
    rows = WebhookEndpoint.objects.filter(pk=endpoint.pk)
    if ok:
        if endpoint.consecutive_failures or endpoint.failing_since:
            rows.update(consecutive_failures=0, failing_since=None, last_success_at=now)
        elif not endpoint.last_success_at or now - endpoint.last_success_at > SUCCESS_EVERY:
            # To the minute: a write (and the endpoint's row lock) per delivery would cost
            # more than the rest of the bookkeeping.
            rows.update(last_success_at=now)
        return
    rows.update(consecutive_failures=F("consecutive_failures") + 1,
                failing_since=Coalesce(F("failing_since"), now))
    failures, since, active = rows.values_list(
        "consecutive_failures", "failing_since", "active").first() or (0, now, False)
    if active and failures >= DISABLE_AFTER_FAILURES and now - since >= DISABLE_AFTER:
        _auto_disable(endpoint, failures, since, excerpt)


def _auto_disable(endpoint: WebhookEndpoint, failures: int, since, excerpt: str) -> None:
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        if not endpoint.active:
            return
        reason = (f"Disabled automatically: {failures} failed attempts in a row since "
                  f"{since:%Y-%m-%d %H:%M} UTC, none succeeded. Last: {excerpt}")
        webhook_endpoint_disable(endpoint=endpoint, reason=reason, notify_owners=True)
    logger.warning("webhook endpoint %s disabled after %s failures", endpoint.pk, failures)
    transaction.on_commit(lambda: owners_notify(endpoint_id=endpoint.pk))


def owners_notify(*, endpoint_id: int) -> bool:
    """Email the workspace's owners that an endpoint was disabled automatically, once (again at
    the next sweep if the mail server could not take it)."""
    endpoint = WebhookEndpoint.objects.select_related("workspace", "campaign").filter(
        pk=endpoint_id, active=False, owners_notified_at__isnull=True).first()
    if endpoint is None:
        return False
    owners = list(Membership.objects.filter(workspace_id=endpoint.workspace_id, role=Role.OWNER)
                  .values_list("user__email", flat=True))
    if owners:
        where = reverse("builder:webhook_endpoint", args=[endpoint.pk])
        message = EmailMessage(
            subject=f"A webhook of {endpoint.workspace.name} was disabled",
            body=(f"The webhook endpoint {endpoint.url}\n"
                  f"({endpoint.campaign.name if endpoint.campaign else 'every campaign'}) "
                  f"was disabled.\n\n{endpoint.disabled_reason}\n\nEvents since then are kept "
                  "and sent once you enable it again, after fixing the receiver:\n"
                  f"{site_url(where)}\n"),
            to=owners,
        )
        try:
            message.send()
        except Exception:  # the mail server is away: the next sweep tries again
            logger.exception("webhook endpoint %s: the owners could not be emailed", endpoint.pk)
            return False
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(owners_notified_at=timezone.now())
    return True


def webhooks_sweep() -> list[int]:
    """Send what is due or stuck: retries whose time came, rows whose task was lost (queued
    SWEEP_AFTER ago), claims of workers that died; tell owners not yet told. Returns the ids
    sent."""
    now = timezone.now()
    due = (Q(status=DeliveryStatus.RETRYING, next_attempt_at__lte=now)
           | Q(status=DeliveryStatus.PENDING, next_attempt_at__lt=now - SWEEP_AFTER)
           | Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - claim_timeout()))
    ids = list(WebhookDelivery.objects.filter(due, endpoint__active=True)
               .order_by("next_attempt_at").values_list("pk", flat=True)[:SWEEP_BATCH])
    # Pushed forward so that the next sweeps leave these to the tasks just sent.
    WebhookDelivery.objects.filter(pk__in=ids, status=DeliveryStatus.PENDING).update(
        next_attempt_at=now)
    WebhookDelivery.objects.filter(pk__in=ids, status=DeliveryStatus.RETRYING).update(
        next_attempt_at=now + SWEEP_AFTER)
    publish(ids)
    for endpoint_id in WebhookEndpoint.objects.filter(
            active=False, owners_notified_at__isnull=True).values_list("pk", flat=True):
        owners_notify(endpoint_id=endpoint_id)
    return ids


def webhook_deliveries_purge() -> int:
    """Forget deliveries delivered more than KEEP_DELIVERED ago (their payloads hold answers),
    except each entry's newest, which its next event's `sequence` counts on."""
    newest = (WebhookDelivery.objects.filter(entry_id=OuterRef("entry_id"))
              .order_by("-sequence").values("pk")[:1])
    deleted, _ = WebhookDelivery.objects.filter(
        Q(entry__isnull=True) | ~Q(pk=Subquery(newest)), status=DeliveryStatus.DELIVERED,
        delivered_at__lt=timezone.now() - KEEP_DELIVERED).delete()
    return deleted
