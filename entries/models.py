import secrets
from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone

from campaigns.models import USER_MODEL, Campaign, CampaignVersion, EmailTrigger, Workspace


def entry_token() -> str:
    # 192 bits: the token in the URL is the visitor's only key to their entry.
    return secrets.token_urlsafe(24)


def referral_code() -> str:
    return secrets.token_urlsafe(6)


class EntryStatus(models.TextChoices):
    STARTED = "started", "Partial"
    COMPLETED = "completed", "Completed"
    DISQUALIFIED = "disqualified", "Disqualified"


class Entry(models.Model):
    """One visitor's pass through one published version of a campaign.

    State lives here, not in a cookie (third-party cookies are blocked inside iframes): `trail` is
    the stack of steps visited, `state` the engine's score/variables on entering `current_step`,
    `answer_values` the answers so far by question key. The Answer rows are the record (first
    value, changes, time); `answer_values` is their current values, written in the same
    transaction, so that a step submit decides without reading the rows back.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="entries")
    version = models.ForeignKey(CampaignVersion, on_delete=models.PROTECT, related_name="entries")
    token = models.CharField(max_length=64, unique=True, default=entry_token, editable=False)
    status = models.CharField(max_length=12, choices=EntryStatus.choices,
                              default=EntryStatus.STARTED)
    current_step = models.CharField(max_length=63, blank=True)
    trail = models.JSONField(default=list, blank=True)
    state = models.JSONField(default=dict, blank=True)
    answer_values = models.JSONField(default=dict, blank=True)
    score = models.FloatField(default=0)
    outcome = models.CharField(max_length=63, blank=True)
    email = models.CharField(max_length=254, blank=True)
    name = models.CharField(max_length=200, blank=True)
    # Set only where the campaign allows one entry per person: the normalised email, so that the
    # unique constraint below refuses a second entry even from concurrent submits.
    dedupe_key = models.CharField(max_length=254, blank=True)
    source = models.JSONField(default=dict, blank=True)
    consent = models.JSONField(default=dict, blank=True)
    fraud = models.JSONField(default=dict, blank=True)
    ip_hash = models.CharField(max_length=64, blank=True)
    referral_code = models.CharField(max_length=16, unique=True, default=referral_code,
                                     editable=False)
    referred_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="referrals")
    bonus_tickets = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "entries"
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "dedupe_key"], condition=~Q(dedupe_key=""),
                name="one_entry_per_person",
            )
        ]
        indexes = [
            models.Index(fields=["campaign", "status", "-started_at"]),
            models.Index(fields=["campaign", "-started_at"]),
            # Keyset pagination of the entrants table (sort column, id) and export chunks (id).
            models.Index(fields=["campaign", "started_at", "id"], name="entry_campaign_started_id"),
            models.Index(fields=["campaign", "completed_at", "id"],
                         name="entry_campaign_completed_id"),
            models.Index(fields=["campaign", "score", "id"], name="entry_campaign_score_id"),
            models.Index(fields=["campaign", "id"], name="entry_campaign_id"),
            # Personal-data requests look entries up by address, in any case. (Nothing indexes
            # updated_at: it changes on every step, and would make every submit rewrite indexes.)
            models.Index(Upper("email"), name="entry_email_upper"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} entry {self.pk} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == EntryStatus.STARTED


class Answer(models.Model):
    """One question's answer, as typed JSON under the question's stable key.

    Unique per (entry, question_key): saving a step upserts, so a double submit changes nothing.
    `first_value` keeps what was answered first, `changes` how often it was changed since.
    """

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="answers")
    question_key = models.CharField(max_length=63)
    value = models.JSONField(null=True)
    first_value = models.JSONField(null=True)
    changes = models.PositiveIntegerField(default=0)
    answered_at = models.DateTimeField()

    class Meta:
        # Not "entry": ordering through the FK would join and sort by Entry's own ordering.
        ordering = ["answered_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "question_key"],
                                    name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.question_key}={self.value!r}"


class InteractionKind(models.TextChoices):
    VIEW = "view", "Step viewed"
    FOCUS = "focus", "Field focused"
    CHANGE = "change", "Answer changed"
    BACK = "back", "Went back"
    IDLE = "idle", "Idle"
    TIME = "time", "Time on step"
    SUBMIT = "submit", "Step submitted"
    INVALID = "invalid", "Step refused (invalid input)"


class Interaction(models.Model):
    """Append-only micro-interaction log, written in batches."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="interactions")
    step_key = models.CharField(max_length=63)
    kind = models.CharField(max_length=10, choices=InteractionKind.choices)
    at = models.DateTimeField()
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["entry", "at"]), models.Index(fields=["kind", "step_key"]),
                   models.Index(fields=["at"], name="interaction_at")]

    def __str__(self) -> str:
        return f"{self.kind} {self.step_key}"


class DailyViews(models.Model):
    """Landing-page views per campaign version and day: the funnel's first bar, no entry needed."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="daily_views")
    version = models.ForeignKey(CampaignVersion, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "daily views"
        constraints = [
            models.UniqueConstraint(fields=["version", "day"], name="one_counter_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} {self.day}: {self.views}"


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
# Contest models live in their own module; importing them here registers them with the app.
from entries.contest_models import (  # noqa: E402, F401
    AuditAction,
    ContestSeal,
    Draw,
    DrawTickets,
    EntryAudit,
    ReferralCredit,
    Winner,
    WinnerStatus,
)


class ExportFormat(models.TextChoices):
    WIDE = "wide", "One row per entry"
    LONG = "long", "One row per answer"
    INTERACTIONS = "interactions", "Interactions"


class ExportStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    RUNNING = "running", "Running"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


# How long a finished export's download link works; the file is deleted afterwards.
EXPORT_LIFETIME = timedelta(days=1)


def export_token() -> str:
    return secrets.token_urlsafe(24)


class Export(models.Model):
    """A CSV export too large to stream in one request, written by a Celery job.

    `filters` are the entrants-table filters it was asked with (entries.entrants.EntrantFilters),
    so the job exports exactly what the marketer saw. Only `requested_by` may download the file,
    and only until `expires_at`.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    format = models.CharField(max_length=12, choices=ExportFormat.choices,
                              default=ExportFormat.WIDE)
    filters = models.JSONField(default=dict, blank=True)
    include_partial = models.BooleanField(default=True)
    bom = models.BooleanField(default=False, help_text="UTF-8 byte order mark for Excel")
    status = models.CharField(max_length=8, choices=ExportStatus.choices,
                              default=ExportStatus.PENDING)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    token = models.CharField(max_length=64, unique=True, default=export_token, editable=False)
    file = models.FileField(upload_to="exports/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["campaign", "-created_at"]),
                   models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.campaign} {self.get_format_display()} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 100 if self.status == ExportStatus.DONE else 0
        return min(100, round(100 * self.rows_done / self.rows_total))


class Erasure(models.Model):
    """Audit record of one person's data erased from a workspace: who, whose (hashed), what."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="erasures")
    by = models.ForeignKey(USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # A keyed hash of the normalised address: proves an address was erased without keeping it.
    email_hash = models.CharField(max_length=64)
    counts = models.JSONField(default=dict)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["workspace", "-at"])]

    def __str__(self) -> str:
        return f"erasure {self.email_hash[:12]}… in {self.workspace}"

    @property
    def summary(self) -> str:
        """The counts as a phrase: "2 entries, 1 answer, 9 interactions" (in that order: JSON
        columns on PostgreSQL do not keep the order keys were written in)."""
        order = list(COUNT_NOUNS)
        names = sorted(self.counts, key=lambda n: (order.index(n) if n in order else len(order),
                                                   n))
        phrases = []
        for name in names:
            count = self.counts[name]
            phrases.append(f"{count} {COUNT_NOUNS.get(name, (name, name))[count != 1]}")
        return ", ".join(phrases)


# What an erasure counts, singular and plural; other modules' erase steps may add their own.
COUNT_NOUNS = {"entries": ("entry", "entries"), "answers": ("answer", "answers"),
               "interactions": ("interaction", "interactions"), "files": ("file", "files"),
               "emails": ("email", "emails"), "prizes": ("prize kept anonymous",
                                                         "prizes kept anonymous")}
