"""Contests and giveaways: the draw commitment, draws and their tickets, winners, referral
credits and the audit log of marketers' decisions about entries.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from campaigns.models import Campaign
from entries.models.entries import Entry


def _secret_hex() -> str:
    return secrets.token_bytes(32).hex()


class ContestSeal(models.Model):
    """A contest's secrets, made when it first goes live: the draw salt (committed to publicly as
    `salt_commit`, revealed in the proof) and the key that turns entry ids into ticket ids."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="seal")
    salt = models.CharField(max_length=64, default=_secret_hex, editable=False)
    salt_commit = models.CharField(max_length=64, editable=False)
    ticket_key = models.CharField(max_length=64, default=_secret_hex, editable=False)
    committed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.campaign} commitment {self.salt_commit[:12]}…"


class Draw(models.Model):
    """One draw-v1 draw; `proof` is exactly the published proof JSON. One per campaign: a second
    draw over the same tickets and revealed salt would only be a re-roll."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="draws")
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    automatic = models.BooleanField(default=False)
    proof = models.JSONField()
    # [ticket_id, entry_id] for the winners then the alternates, in rank order: who each ranked
    # ticket is, kept apart from the proof, which names no one.
    ranked = models.JSONField(default=list)
    drawn_at = models.DateTimeField()
    # Only entries completed by this moment took part: the end date, or when the campaign
    # stopped taking entries if that came first. Shown on the proof page, not in the proof.
    cutoff = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-drawn_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["campaign"], name="one_draw_per_campaign")]

    def __str__(self) -> str:
        return f"Draw of {self.campaign} at {self.drawn_at:%Y-%m-%d %H:%M}"


class DrawTickets(models.Model):
    """The frozen tickets of a draw as the gzipped tickets CSV, in the same transaction as the
    draw. A million tickets is one ~18 MB value instead of a million rows to insert."""

    draw = models.OneToOneField(Draw, on_delete=models.CASCADE, related_name="tickets")
    csv_gz = models.BinaryField()

    class Meta:
        verbose_name_plural = "draw tickets"

    def __str__(self) -> str:
        return f"Tickets of {self.draw}"


class WinnerStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("Pending")
    NOTIFIED = "notified", gettext_lazy("Notified")
    CLAIMED = "claimed", gettext_lazy("Claimed")
    FORFEITED = "forfeited", gettext_lazy("Forfeited")


def _claim_token() -> str:
    return secrets.token_urlsafe(24)


class Winner(models.Model):
    """Who holds prize `prize` of a draw. `rank` is the position in the draw's ordering (1..k
    the winners, then the alternates); a forfeited prize passes to a new row that `replaces` it."""

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="winners")
    # Erasing a person's data keeps the row: the prize record and its pseudonymous ticket stay.
    entry = models.ForeignKey(Entry, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="wins")
    ticket_id = models.CharField(max_length=64)
    prize = models.PositiveIntegerField()
    rank = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=WinnerStatus.choices,
                              default=WinnerStatus.PENDING)
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="replaced_by")
    # Why earlier alternates were passed over on the way to this one, if any were.
    note = models.CharField(max_length=500, blank=True)
    claim_token = models.CharField(max_length=64, unique=True, default=_claim_token,
                                   editable=False)
    notified_at = models.DateTimeField(null=True, blank=True)
    claim_deadline = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    forfeited_at = models.DateTimeField(null=True, blank=True)
    forfeit_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["prize", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "rank"], name="one_winner_row_per_rank"),
            models.UniqueConstraint(
                fields=["draw", "prize"], condition=~models.Q(status="forfeited"),
                name="one_holder_per_prize",
            ),
        ]
        indexes = [models.Index(fields=["status", "claim_deadline"])]

    def __str__(self) -> str:
        return f"Prize {self.prize} of {self.draw}: rank {self.rank} ({self.status})"


class ReferralCredit(models.Model):
    """The bonus a referrer earned from one referred entry: at most one per referred entry, so
    credit is given exactly once; `reversed_at` is set while the referred entry is disqualified."""

    referrer = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="referral_credits")
    referred = models.OneToOneField(Entry, on_delete=models.CASCADE, related_name="credit")
    tickets = models.PositiveIntegerField()
    credited_at = models.DateTimeField(auto_now_add=True)
    reversed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.tickets} ticket(s) for entry {self.referrer_id} from {self.referred_id}"


class AuditAction(models.TextChoices):
    DISQUALIFIED = "disqualified", "Disqualified"
    REINSTATED = "reinstated", "Reinstated"
    FORFEITED = "forfeited", "Prize forfeited"


class EntryAudit(models.Model):
    """Append-only: who decided what about an entry, why and when."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="audit")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=14, choices=AuditAction.choices)
    reason = models.CharField(max_length=500)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "entry audit record"

    def __str__(self) -> str:
        return f"{self.get_action_display()} entry {self.entry_id}: {self.reason}"
