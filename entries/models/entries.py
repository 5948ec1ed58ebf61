"""Entries: one visitor's pass through a published version, their answers and what they did."""

import secrets

from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper

from campaigns.models import Campaign, CampaignVersion


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

    # No index of its own: the composite indexes below all start with the campaign. Every index
    # here is rewritten by a step submit's update, so none is kept that another one covers.
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="entries",
                                 db_index=False)
    version = models.ForeignKey(CampaignVersion, on_delete=models.PROTECT, related_name="entries")
    token = models.CharField(max_length=64, default=entry_token, editable=False)  # unique: Meta
    status = models.CharField(max_length=12, choices=EntryStatus.choices,
                              default=EntryStatus.STARTED)
    current_step = models.CharField(max_length=63, blank=True)
    trail = models.JSONField(default=list, blank=True)
    state = models.JSONField(default=dict, blank=True)
    answer_values = models.JSONField(default=dict, blank=True)
    score = models.FloatField(default=0)
    outcome = models.CharField(max_length=63, blank=True)
    # The entrant's contact, from the questions with that role, kept from the step it is
    # answered on (entries.services.people).
    email = models.CharField(max_length=254, blank=True)
    name = models.CharField(max_length=200, blank=True)
    # Written as the entry completes where the campaign takes one entry per person: the
    # normalised email, which the partial unique constraint below compares.
    dedupe_key = models.CharField(max_length=254, blank=True)
    source = models.JSONField(default=dict, blank=True)
    # The language the visitor answers in, one of its version's (entries/languages.py); its
    # pages and emails use it. "" for entries from before campaigns had languages: the default.
    language = models.CharField(max_length=20, blank=True)
    consent = models.JSONField(default=dict, blank=True)
    fraud = models.JSONField(default=dict, blank=True)
    ip_hash = models.CharField(max_length=64, blank=True)
    referral_code = models.CharField(max_length=16, default=referral_code,
                                     editable=False)  # unique: Meta
    referred_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="referrals")
    bonus_tickets = models.PositiveIntegerField(default=0)
    # The entry's pseudonym in its contest's draws (entries.services.contests.ticket_id), kept as
    # it completes so a draw reads a million of them instead of computing them. "" for entries
    # that are not contest entries or completed before it was kept: a draw computes those.
    # Not indexed: nothing looks an entry up by it, and every index here costs each step.
    ticket_id = models.CharField(max_length=32, blank=True, default="", db_default="",
                                 editable=False)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "entries"
        ordering = ["-started_at", "-id"]
        constraints = [
            # One person, one finished entry: decided by the database as an entry completes,
            # whatever step asked the email and however two submits interleave. Partial
            # entries are left out, so someone who gave up can start again.
            models.UniqueConstraint(
                fields=["campaign", "dedupe_key"],
                condition=~Q(dedupe_key="") & Q(status__in=["completed", "disqualified"]),
                name="one_entry_per_person",
            ),
            # Constraints rather than unique=True: on PostgreSQL that also adds a LIKE index,
            # which no query uses and every submit would write.
            models.UniqueConstraint(fields=["token"], name="entry_token_unique"),
            models.UniqueConstraint(fields=["referral_code"], name="entry_referral_code_unique"),
        ]
        indexes = [
            models.Index(fields=["campaign", "status", "-started_at"]),
            # Keyset pagination of the entrants table (sort column, id; scanned backwards for the
            # newest first) and export chunks (id).
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

    # Indexed by the unique constraint below, which starts with the entry.
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="answers",
                              db_index=False)
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
    SHARE = "share", "Shared the result"


class Interaction(models.Model):
    """Append-only micro-interaction log, written in batches."""

    # Indexed by (entry, at) below.
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="interactions",
                              db_index=False)
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
