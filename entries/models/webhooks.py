"""Webhooks: the endpoints a workspace or a campaign subscribes, and their outbox of deliveries."""

import base64
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from campaigns.models import Campaign, Workspace
from entries.models.entries import Entry


def webhook_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def message_id() -> str:
    """A delivery's stable id, sent as `webhook-id` on every attempt and every replay."""
    return "msg_" + secrets.token_hex(12)


class EndpointSource(models.TextChoices):
    BUILDER = "builder", "Builder"
    REST_HOOK = "rest_hook", "REST hook"


class WebhookEndpoint(models.Model):
    """A URL subscribed to some event types, for a whole workspace or one of its campaigns.

    `secret` signs every request; after a rotation `previous_secret` also signs (a second
    signature in the same header, as the Standard Webhooks spec allows) until
    `previous_secret_expires_at`, so a receiver can switch over without dropping a request.
    Secrets are kept as they are (signing needs them) and never written to a log.
    An endpoint failing without a success for long enough is disabled (`active` off, with
    `disabled_reason`); nothing new is queued for it until someone enables it again.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE,
                                  related_name="webhook_endpoints")
    # None: every campaign of the workspace.
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="webhook_endpoints")
    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list)  # event type names (entries.webhooks.events.EVENTS)
    secret = models.CharField(max_length=100, default=webhook_secret)
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    # When the owners were told of an automatic disabling (set at once when done by hand).
    owners_notified_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=20, choices=EndpointSource.choices,
                              default=EndpointSource.BUILDER)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # Failed attempts in a row (any delivery), and when the run began; a success resets both.
    consecutive_failures = models.PositiveIntegerField(default=0)
    failing_since = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "active"])]

    def __str__(self) -> str:
        return self.url

    def signing_secrets(self, now=None) -> list[str]:
        """The secrets to sign with now: the current one, and the previous one in its grace."""
        now = now or timezone.now()
        keep_previous = (self.previous_secret and self.previous_secret_expires_at
                         and self.previous_secret_expires_at > now)
        return [self.secret, self.previous_secret] if keep_previous else [self.secret]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    DELIVERED = "delivered", "Delivered"
    RETRYING = "retrying", "Failed, retrying"
    PARKED = "parked", "Parked"


class WebhookDelivery(models.Model):
    """The outbox: one row per event per subscribed endpoint, written in the transaction of the
    change it reports, so nothing is lost between commit and publish (the sweeper sends what
    waits). `message_id` is the `webhook-id` header, the same on every attempt and replay, so
    a receiver de-duplicates on it; `sequence` orders the events of one entry.
    """

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE,
                                 related_name="deliveries")
    event = models.CharField(max_length=40)
    message_id = models.CharField(max_length=40, unique=True, default=message_id)
    # The entry the event is about; its deliveries (and their answers) go when it is erased.
    entry = models.ForeignKey(Entry, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="webhook_deliveries")
    sequence = models.PositiveIntegerField(default=0)  # per entry, 1 for its first event
    payload = models.JSONField(default=dict)
    is_test = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # Not before this time (backoff); the sweeper sends what is due and was not sent on commit.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # Failures are retried for RETRY_FOR from here (the event, or its last replay), then parked.
    retrying_since = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_response = models.CharField(max_length=200, blank=True)  # a short excerpt, or the error
    last_duration_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["endpoint", "-created_at"]),
            models.Index(fields=["next_attempt_at"], name="webhook_delivery_due",
                         condition=Q(status__in=["pending", "retrying"])),
            models.Index(fields=["endpoint", "claimed_at"], name="webhook_delivery_in_flight",
                         condition=Q(status="sending")),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.message_id} ({self.get_status_display()})"
