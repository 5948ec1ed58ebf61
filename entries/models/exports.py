"""What leaves the app about entries: CSV export jobs, and the log of personal-data erasures."""

import secrets
from datetime import timedelta

from django.db import models

from campaigns.models import USER_MODEL, Campaign, Workspace


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
