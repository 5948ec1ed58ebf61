"""The entries app's models, one module per sub-domain; all importable from `entries.models`."""

from entries.models.contests import (
    AuditAction,
    ContestSeal,
    Draw,
    DrawTickets,
    EntryAudit,
    ReferralCredit,
    Winner,
    WinnerStatus,
)
from entries.models.entries import (
    Answer,
    DailyViews,
    Entry,
    EntryStatus,
    Interaction,
    InteractionKind,
    entry_token,
    referral_code,
)
from entries.models.exports import (
    COUNT_NOUNS,
    EXPORT_LIFETIME,
    Erasure,
    Export,
    ExportFormat,
    ExportStatus,
    export_token,
)
from entries.models.mail import EmailStatus, OutboundEmail, Suppression
from entries.models.webhooks import (
    DeliveryStatus,
    EndpointSource,
    WebhookDelivery,
    WebhookEndpoint,
)

__all__ = [
    "COUNT_NOUNS", "EXPORT_LIFETIME", "Answer", "AuditAction", "ContestSeal", "DailyViews",
    "DeliveryStatus", "Draw", "DrawTickets", "EmailStatus", "EndpointSource", "Entry",
    "EntryAudit", "EntryStatus", "Erasure", "Export", "ExportFormat", "ExportStatus",
    "Interaction", "InteractionKind", "OutboundEmail", "ReferralCredit", "Suppression",
    "WebhookDelivery", "WebhookEndpoint", "Winner", "WinnerStatus", "entry_token",
    "export_token", "referral_code",
]
