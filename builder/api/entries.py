"""Entries of the key's workspace: a list in cursor pages, and one entry in full.

Pages are keyset pages over (updated_at, id), or (completed_at, id) for `order=completed`,
oldest first: entries that arrive or change while a client pages through come after its cursor,
so it sees none twice and misses none. A page costs the same queries whatever its position.
"""

from datetime import UTC, datetime
from typing import Any, Literal

from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from builder.api.auth import key_auth, workspace_of
from builder.api.errors import Refused, not_found
from builder.models import ApiScope
from entries.entrants import decode_cursor, encode_cursor
from entries.models import Entry
from entries.services.contests import ineligibility, is_contest
from entries.services.draws import entry_ticket
from entries.timeline import entry_detail

router = Router(tags=["entries"], auth=key_auth(ApiScope.ENTRIES_READ))

ORDERS = {"updated": "updated_at", "completed": "completed_at"}
LIST_FIELDS = ("id", "campaign_id", "status", "outcome", "score", "email", "name",
               "answer_values", "source", "started_at", "updated_at", "completed_at")


class EntryOut(Schema):
    id: int
    campaign_id: int
    version: int
    status: str
    outcome: str
    score: float
    email: str
    name: str
    answers: dict[str, Any]  # by the questions' stable keys
    source: dict[str, Any]
    started_at: datetime
    updated_at: datetime
    completed_at: datetime | None


class EntryPage(Schema):
    items: list[EntryOut]
    next_cursor: str | None  # pass as `cursor` for the next page; null: this is the last one


class EntryFilters(Schema):
    campaign: int | None = None
    status: Literal["started", "completed", "disqualified"] | None = None
    outcome: str | None = None
    completed_since: datetime | None = None
    updated_since: datetime | None = None
    order: Literal["updated", "completed"] = "updated"
    cursor: str | None = None
    limit: int = 100


MAX_LIMIT = 500


def _aware(moment: datetime) -> datetime:
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)


def _filtered(request: HttpRequest, filters: EntryFilters):
    entries = Entry.objects.filter(campaign__workspace=workspace_of(request))
    if filters.campaign is not None:
        entries = entries.filter(campaign_id=filters.campaign)
    if filters.status:
        entries = entries.filter(status=filters.status)
    if filters.outcome:
        entries = entries.filter(outcome=filters.outcome)
    if filters.completed_since:
        entries = entries.filter(completed_at__gte=_aware(filters.completed_since))
    if filters.updated_since:
        entries = entries.filter(updated_at__gte=_aware(filters.updated_since))
    if filters.order == "completed":
        entries = entries.filter(completed_at__isnull=False)
    return entries


def _item(row: dict) -> dict:
    return {**row, "answers": row["answer_values"], "version": row["version_number"]}


@router.get("/entries", response=EntryPage, summary="List entries, a cursor page at a time")
def entry_list(request: HttpRequest, filters: Query[EntryFilters]):
    if not 1 <= filters.limit <= MAX_LIMIT:
        raise Refused(400, f"`limit` must be between 1 and {MAX_LIMIT}.")
    field = ORDERS[filters.order]
    entries = _filtered(request, filters)
    if filters.cursor:
        position = decode_cursor(filters.cursor, field)
        if position is None:
            raise Refused(400, "This cursor is not one this API gave: pass `next_cursor` from "
                               "the previous page as it came.")
        value, pk = position
        entries = entries.filter(Q(**{f"{field}__gt": value}) | Q(**{field: value, "id__gt": pk}))
    rows = list(entries.order_by(field, "id")
                .values(*LIST_FIELDS, version_number=F("version__number"))[: filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    return {"items": [_item(row) for row in rows],
            "next_cursor": encode_cursor(rows[-1][field], rows[-1]["id"]) if more else None}


class AnswerOut(Schema):
    question: str
    label: str
    kind: str
    step: str
    value: Any
    shown: str  # as the visitor saw it: choice labels, Yes/No
    first_shown: str  # the first answer, when it was changed since
    changes: int
    answered_at: datetime | None


class InteractionOut(Schema):
    at: datetime
    step: str
    kind: str
    label: str
    detail: str


class EmailOut(Schema):
    trigger: str
    to: str
    subject: str
    status: str
    attempts: int
    enqueued_at: datetime
    sent_at: datetime | None
    error: str


class ContestOut(Schema):
    tickets: int
    ticket_id: str
    eligible: bool
    ineligible_because: str
    fraud: dict[str, Any]
    referred_by: int | None
    referrals: int
    audit: list[dict[str, Any]]
    wins: list[dict[str, Any]]


class EntryDetailOut(EntryOut):
    path: list[str]
    answered: list[AnswerOut]
    consents: list[dict[str, Any]]
    interactions: list[InteractionOut]
    interactions_truncated: bool
    emails: list[EmailOut]
    contest: ContestOut | None


def _contest(entry: Entry) -> dict | None:
    if not is_contest(entry.campaign):
        return None
    why = ineligibility(entry)
    return {
        "tickets": 1 + entry.bonus_tickets, "ticket_id": entry_ticket(entry),
        "eligible": not why, "ineligible_because": why, "fraud": entry.fraud or {},
        "referred_by": entry.referred_by_id, "referrals": entry.referrals.count(),
        "audit": [{"action": a.action, "reason": a.reason, "at": a.at,
                   "by": a.by.email if a.by else None}
                  for a in entry.audit.select_related("by")],
        "wins": [{"draw": w.draw_id, "prize": w.prize, "rank": w.rank, "status": w.status,
                  "claim_deadline": w.claim_deadline} for w in entry.wins.all()],
    }


@router.get("/entries/{entry_id}", response=EntryDetailOut,
            summary="One entry: answers, path, interactions, emails and contest state")
def entry_get(request: HttpRequest, entry_id: int):
    entry = Entry.objects.select_related("campaign", "version").filter(
        campaign__workspace=workspace_of(request), pk=entry_id).first()
    if entry is None:
        raise not_found("No entry with this id in the key's workspace.")
    detail = entry_detail(entry)
    return {
        **{name: getattr(entry, name) for name in LIST_FIELDS},
        "answers": entry.answer_values, "version": entry.version.number, "path": detail.path,
        "answered": [{"question": row.question.key, "label": row.question.label,
                      "kind": row.question.kind, "step": view.step.key,
                      "value": entry.answer_values.get(row.question.key), "shown": row.shown,
                      "first_shown": row.first_shown, "changes": row.changes,
                      "answered_at": row.answered_at}
                     for view in detail.steps for row in view.questions],
        "consents": [{"text": c.text, "at": c.at} for c in detail.consents],
        "interactions": [{"at": e.at, "step": e.step, "kind": e.kind, "label": e.label,
                          "detail": e.detail} for e in detail.timeline],
        "interactions_truncated": detail.timeline_truncated,
        "emails": [{"trigger": m.trigger, "to": m.to_email, "subject": m.subject,
                    "status": m.status, "attempts": m.attempts, "enqueued_at": m.enqueued_at,
                    "sent_at": m.sent_at, "error": m.error}
                   for m in entry.outbound_emails.order_by("enqueued_at", "id")],
        "contest": _contest(entry),
    }
