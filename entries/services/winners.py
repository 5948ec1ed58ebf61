"""Winners after a draw: notified with a claim deadline, claimed, or forfeited to the next
alternate with a record of why."""

from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from campaigns.campaign_settings import campaign_setting
from config.site import site_url
from entries.i18n import moment_text
from entries.mail.outbox import email_queue
from entries.models import AuditAction, Entry, EntryStatus, Winner, WinnerStatus
from entries.services.audit import audit_record

ACTIVE = (WinnerStatus.PENDING, WinnerStatus.NOTIFIED)
MAX_REASON = 500


class WinnerRefused(Exception):
    """The change cannot be made in the winner's current state; nothing was changed."""


def claim_url(winner: Winner) -> str:
    return site_url(reverse(
        "entries:claim", args=[winner.draw.campaign.slug, winner.claim_token]))


def deadline_text(moment: datetime) -> str:
    """A claim deadline in words of the active language: "8 June 2026, 14:00 UTC"."""
    local = timezone.localtime(moment)
    return f"{moment_text(local)} {local.tzname()}"


def winner_email_extra(winner: Winner) -> dict:
    """The merge values of the winner email besides the entry's own."""
    return {
        "claim_link": claim_url(winner),
        "claim_deadline": deadline_text(winner.claim_deadline),
        "prize": str(winner.prize),
        "proof_link": site_url(reverse(
            "entries:draw", args=[winner.draw.campaign.slug, winner.draw_id])),
    }


@transaction.atomic
def winner_notify(*, winner: Winner) -> Winner:
    """Tell the winner (email in the same transaction) and start their time to claim."""
    winner = Winner.objects.select_for_update(of=("self",)).select_related(
        "draw__campaign", "entry").get(pk=winner.pk)
    if winner.status not in ACTIVE:
        raise WinnerRefused(f"A {winner.get_status_display().lower()} prize cannot be notified.")
    if winner.entry_id is None:
        raise WinnerRefused("This winner's data was erased; forfeit the prize to pass it on.")
    days = campaign_setting(winner.draw.campaign, "claim_days")
    days = days if type(days) is int and days > 0 else 7
    winner.status = WinnerStatus.NOTIFIED
    winner.notified_at = timezone.now()
    winner.claim_deadline = winner.notified_at + timedelta(days=days)
    winner.save(update_fields=["status", "notified_at", "claim_deadline"])
    # Keyed by the prize row: a prize passed on to an alternate is a new row, a new email.
    email_queue(entry=winner.entry, trigger="winner", extra=winner_email_extra(winner),
                dedupe=f"prize-{winner.pk}")
    return winner


@transaction.atomic
def winner_claim(*, winner: Winner) -> Winner:
    """The winner takes their prize, before the deadline."""
    winner = Winner.objects.select_for_update(of=("self",)).get(pk=winner.pk)
    if winner.status == WinnerStatus.CLAIMED:
        return winner
    if winner.status != WinnerStatus.NOTIFIED:
        raise WinnerRefused(gettext("This prize can no longer be claimed."))
    if winner.claim_deadline and timezone.now() > winner.claim_deadline:
        raise WinnerRefused(gettext("The deadline to claim this prize has passed."))
    winner.status = WinnerStatus.CLAIMED
    winner.claimed_at = timezone.now()
    winner.save(update_fields=["status", "claimed_at"])
    return winner


def _next_alternate(winner: Winner) -> tuple[tuple[int, str, int] | None, list[str]]:
    """(rank, ticket_id, entry_id) of the first alternate not yet used and still eligible, and
    why each one before it was passed over."""
    draw = winner.draw
    used = set(draw.winners.values_list("rank", flat=True))
    statuses = dict(Entry.objects.filter(pk__in=[entry_id for _, entry_id in draw.ranked])
                    .values_list("pk", "status"))
    skipped = []
    first_alternate = len(draw.proof["winners"]) + 1
    for rank, (tid, entry_id) in enumerate(draw.ranked[first_alternate - 1:],
                                           start=first_alternate):
        if rank in used:
            continue
        status = statuses.get(entry_id)
        if status in (None, EntryStatus.DISQUALIFIED):
            why = "was erased" if status is None else "is disqualified"
            skipped.append(f"alternate {rank - first_alternate + 1} ({tid[:8]}…) {why}")
            continue
        return (rank, tid, entry_id), skipped
    return None, skipped


@transaction.atomic
def winner_forfeit(*, winner: Winner, reason: str, by=None) -> Winner:
    """The prize leaves this winner and passes to the next eligible alternate, who is notified.

    Returns the forfeited row; `winner.replaced_by` is the new holder (absent when no
    alternate is left, which the builder shows).
    """
    reason = " ".join((reason or "").split())[:MAX_REASON]
    if not reason:
        raise WinnerRefused("Give a reason: it is kept with the draw's record.")
    winner = Winner.objects.select_for_update(of=("self",)).select_related(
        "draw__campaign").get(pk=winner.pk)
    if winner.status == WinnerStatus.FORFEITED:
        raise WinnerRefused("This prize was already forfeited.")
    return _forfeit(winner, reason, by)


def _forfeit(winner: Winner, reason: str, by) -> Winner:
    winner.status = WinnerStatus.FORFEITED
    winner.forfeited_at = timezone.now()
    winner.forfeit_reason = reason
    winner.save(update_fields=["status", "forfeited_at", "forfeit_reason"])
    if winner.entry_id:
        audit_record(entry=winner.entry, by=by, action=AuditAction.FORFEITED, reason=reason,
                     data={"draw": winner.draw_id, "prize": winner.prize, "rank": winner.rank})
    following, skipped = _next_alternate(winner)
    if following is not None:
        rank, tid, entry_id = following
        note = "Passed over: " + "; ".join(skipped) + "." if skipped else ""
        successor = Winner.objects.create(draw=winner.draw, entry_id=entry_id, ticket_id=tid,
                                          prize=winner.prize, rank=rank, replaces=winner,
                                          note=note[:500])
        winner_notify(winner=successor)
    else:
        winner.note = ("No alternate left" + (": " + "; ".join(skipped) if skipped else "")
                       + ".")[:500]
        winner.save(update_fields=["note"])
    return winner


def winners_forfeit_expired() -> list[Winner]:
    """Beat task body: winners who did not claim by their deadline forfeit (re-checked under
    the row lock, so a claim made meanwhile stands)."""
    forfeited = []
    for pk in Winner.objects.filter(status=WinnerStatus.NOTIFIED,
                                    claim_deadline__lt=timezone.now()).values_list("pk", flat=True):
        with transaction.atomic():
            winner = Winner.objects.select_for_update(of=("self",)).select_related(
                "draw__campaign").get(pk=pk)
            if winner.status != WinnerStatus.NOTIFIED or winner.claim_deadline >= timezone.now():
                continue
            deadline = deadline_text(winner.claim_deadline)
            forfeited.append(_forfeit(winner, f"Not claimed by the deadline ({deadline}).", None))
    return forfeited
