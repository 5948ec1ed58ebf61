"""The email outbox and the addresses that unsubscribed."""

from django.db import models
from django.utils import timezone

from campaigns.models import Campaign, EmailTrigger
from entries.models.entries import Entry


class EmailStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SUPPRESSED = "suppressed", "Unsubscribed"


class OutboundEmail(models.Model):
    """The outbox: one row per email to send, written in the transaction of the change that caused
    it, so an email is never lost between commit and publish (the sweeper re-sends what waits).

    `idempotency_key` is unique: a repeated trigger, a retried task or a second worker can never
    write or send a second copy. The template is `template_position` in the entry's published
    version (None: the built-in default for the trigger), or `template`, a draft row, for a
    marketer's test send (which has no entry). `context` holds merge values given by the caller.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE,
                                 related_name="outbound_emails")
    entry = models.ForeignKey(Entry, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="outbound_emails")
    template = models.ForeignKey("campaigns.EmailTemplate", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    template_position = models.PositiveIntegerField(null=True, blank=True)
    trigger = models.CharField(max_length=10, choices=EmailTrigger.choices)
    to_email = models.CharField(max_length=254)
    idempotency_key = models.CharField(max_length=200, unique=True)
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=EmailStatus.choices,
                              default=EmailStatus.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    enqueued_at = models.DateTimeField(default=timezone.now)
    # Not before this time: the next try after a transient failure (backoff).
    available_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-enqueued_at", "-id"]
        indexes = [
            models.Index(fields=["campaign", "-enqueued_at"]),
            models.Index(fields=["status", "available_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.trigger} to {self.to_email} ({self.get_status_display()})"


class Suppression(models.Model):
    """An address that unsubscribed: the workspace sends it nothing more.

    `email` is the normalised key (entries.emailaddr), so `A.B+news@gmail.com` unsubscribing
    also stops mail to `ab@gmail.com`.
    """

    workspace = models.ForeignKey("campaigns.Workspace", on_delete=models.CASCADE,
                                  related_name="suppressions")
    email = models.CharField(max_length=254)
    reason = models.CharField(max_length=40, default="unsubscribed")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "email"], name="one_suppression_per_email")
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.reason})"
