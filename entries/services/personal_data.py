"""Personal-data rights for one email address within one workspace: see all of it, erase all of it.

Both walk a small list, so each kind of data held about an entry is one line there:
`EXPORT_SECTIONS` (a function of the person's entries returning JSON-able data) and `ERASE_STEPS`
(a function of the entry ids returning {name: count}, run inside the erasure's transaction
before the entries, and with them everything that cascades from them, are deleted).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.crypto import salted_hmac

from campaigns.models import CampaignVersion, Workspace
from campaigns.versions import definition_for
from entries.emailaddr import normalise_email
from entries.models import (
    Answer,
    Entry,
    EntryAudit,
    Erasure,
    Interaction,
    OutboundEmail,
    Winner,
)
from entries.services.uploaded_files import entry_uploads_delete
from entries.webhooks import outbox as webhooks


class PersonNotFound(ValueError):
    """No entry in this workspace belongs to the address."""


def email_hash(address: str) -> str:
    """The audit log's pseudonym of an address: keyed, so a leaked log cannot be brute-forced."""
    return salted_hmac("stepcraft.erasure", normalise_email(address),
                       algorithm="sha256").hexdigest()


def person_entries(*, workspace: Workspace, email: str):
    """The entries of `email` in the workspace: by address (any case), by its normalised
    one-entry-per-person key, and partial entries whose email answer is the address."""
    key = normalise_email(email)  # ValueError: not an email address
    address = email.strip()
    # Email answers are JSON strings of ASCII addresses (the kind punycodes domains), so their
    # JSON text compares case-insensitively with the address's.
    answered = Answer.objects.filter(
        entry__campaign__workspace=workspace,
        question_key__in=_email_question_keys(workspace),
    ).annotate(as_text=Cast("value", TextField())).filter(
        as_text__iexact=json.dumps(address)).values("entry_id")
    return Entry.objects.filter(campaign__workspace=workspace).filter(
        Q(email__iexact=address) | Q(dedupe_key=key) | Q(pk__in=answered)
    ).select_related("campaign", "version").order_by("started_at", "id")


def _email_question_keys(workspace: Workspace) -> set[str]:
    keys = set()
    for version_id in CampaignVersion.objects.filter(campaign__workspace=workspace).values_list(
            "id", flat=True):
        keys.update(q.key for q in definition_for(version_id).questions_by_key.values()
                    if q.kind == "email")
    return keys


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _entries_section(entries: list[Entry]) -> list[dict]:
    return [{
        "id": entry.pk,
        "campaign": {"name": entry.campaign.name, "slug": entry.campaign.slug},
        "version": entry.version.number,
        "status": entry.status,
        "email": entry.email,
        "name": entry.name,
        "score": entry.score,
        "outcome": entry.outcome,
        "path": entry.trail,
        "source": entry.source,
        "consent": entry.consent,
        "fraud": entry.fraud,
        "referral_code": entry.referral_code,
        "referred_by": entry.referred_by_id,
        "bonus_tickets": entry.bonus_tickets,
        "started_at": _iso(entry.started_at),
        "updated_at": _iso(entry.updated_at),
        "completed_at": _iso(entry.completed_at),
    } for entry in entries]


def _answers_section(entries: list[Entry]) -> list[dict]:
    versions = {entry.pk: entry.version_id for entry in entries}
    rows = []
    for answer in Answer.objects.filter(entry_id__in=list(versions)).order_by("entry_id", "id"):
        question = definition_for(versions[answer.entry_id]).questions_by_key.get(
            answer.question_key)
        rows.append({
            "entry": answer.entry_id, "question_key": answer.question_key,
            "question": question.label if question else "", "value": answer.value,
            "first_value": answer.first_value, "changes": answer.changes,
            "answered_at": _iso(answer.answered_at),
        })
    return rows


def _interactions_section(entries: list[Entry]) -> list[dict]:
    return [{"entry": i.entry_id, "step": i.step_key, "kind": i.kind, "at": _iso(i.at),
             "data": i.data}
            for i in Interaction.objects.filter(entry__in=entries).order_by("entry_id", "at")]


def _emails_section(entries: list[Entry]) -> list[dict]:
    return [{"entry": e.entry_id, "trigger": e.trigger, "to": e.to_email, "subject": e.subject,
             "status": e.status, "queued_at": _iso(e.enqueued_at), "sent_at": _iso(e.sent_at),
             "error": e.error}
            for e in OutboundEmail.objects.filter(entry__in=entries).order_by("entry_id", "id")]


def _contests_section(entries: list[Entry]) -> dict:
    return {
        "prizes": [{"entry": w.entry_id, "draw": w.draw_id, "ticket_id": w.ticket_id,
                    "prize": w.prize, "rank": w.rank, "status": w.status,
                    "notified_at": _iso(w.notified_at), "claim_deadline": _iso(w.claim_deadline),
                    "claimed_at": _iso(w.claimed_at), "forfeit_reason": w.forfeit_reason}
                   for w in Winner.objects.filter(entry__in=entries).order_by("id")],
        "moderation": [{"entry": a.entry_id, "action": a.action, "reason": a.reason,
                        "at": _iso(a.at)}
                       for a in EntryAudit.objects.filter(entry__in=entries).order_by("id")],
    }


EXPORT_SECTIONS: dict[str, Callable[[list[Entry]], Any]] = {
    "entries": _entries_section,
    "answers": _answers_section,
    "interactions": _interactions_section,
    "emails": _emails_section,
    "contests": _contests_section,
}


def personal_data_export(*, workspace: Workspace, email: str) -> dict:
    """Everything the workspace holds about `email`, as one JSON-able document."""
    entries = list(person_entries(workspace=workspace, email=email))
    return {
        "email": email.strip(),
        "workspace": workspace.name,
        "generated_at": timezone.now().isoformat(),
        **{name: section(entries) for name, section in EXPORT_SECTIONS.items()},
    }


def delete_uploads(entry_ids) -> int:
    """Remove every file visitors uploaded with these entries; returns how many were removed."""
    return entry_uploads_delete(list(Entry.objects.filter(pk__in=list(entry_ids))
                                     .values_list("campaign_id", "pk")))


def _erase_uploads(entry_ids: list[int]) -> dict[str, int]:
    return {"files": delete_uploads(entry_ids)}


def _count_emails(entry_ids: list[int]) -> dict[str, int]:
    """The emails sent to the person go with their entries (the key cascades)."""
    return {"emails": OutboundEmail.objects.filter(entry_id__in=entry_ids).count()}


def _count_prizes(entry_ids: list[int]) -> dict[str, int]:
    """Prizes stay on the draw's record under their pseudonymous ticket id (the key is set null);
    named in the log only for people who won something."""
    prizes = Winner.objects.filter(entry_id__in=entry_ids).count()
    return {"prizes": prizes} if prizes else {}


ERASE_STEPS: list[Callable[[list[int]], dict[str, int]]] = [_erase_uploads, _count_emails,
                                                            _count_prizes]


@transaction.atomic
def person_erase(*, workspace: Workspace, email: str, by) -> Erasure:
    """Delete every entry of `email` in the workspace with its answers, interactions and files,
    and keep an audit record of who did it, when, and how much went (never the address)."""
    ids = list(person_entries(workspace=workspace, email=email).values_list("pk", flat=True))
    if not ids:
        raise PersonNotFound("No entry in this workspace belongs to that address.")
    counts = {
        "entries": len(ids),
        "answers": Answer.objects.filter(entry_id__in=ids).count(),
        "interactions": Interaction.objects.filter(entry_id__in=ids).count(),
    }
    for step in ERASE_STEPS:
        counts.update(step(ids))
    # Before the entries go: their own deliveries (with their answers) go with them.
    webhooks.webhook_emit_erased(entries=Entry.objects.filter(pk__in=ids).select_related(
        "campaign"))
    Entry.objects.filter(pk__in=ids).delete()
    return Erasure.objects.create(workspace=workspace, by=by, email_hash=email_hash(email),
                                  counts=counts)
