"""Verifiable draws (draw-v1, DESIGN.md "Contests" and its appendix).

The salt is committed to (`salt_commit`) when a contest first goes live; at the draw the eligible
entries are frozen into pseudonymous tickets (the ticket id each kept as it completed), ranked by
`entries.verify_draw` (the same code the public verifier runs) and stored with the proof in one
transaction.
"""

import gc
import gzip
import logging
import zlib
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from itertools import compress
from operator import itemgetter

from django.db import IntegrityError, connection, transaction
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.models import Count, ExpressionWrapper, F, IntegerField, Q, Sum
from django.utils import timezone

from campaigns.campaign_settings import CONTEST_KINDS, campaign_setting
from campaigns.models import Campaign, Status
from entries import verify_draw
from entries.models import ContestSeal, Draw, DrawTickets, Entry, Winner
from entries.services.contests import (
    eligible_entries,
    entries_cutoff,
    is_contest,
    ticket_id,
    ticket_key,
    ticket_mac,
)
from entries.services.winners import winner_notify

log = logging.getLogger(__name__)

MAX_BEACON = 500
CSV_CHUNK = 1 << 16
_FIRST, _THIRD, _TICKET = itemgetter(0), itemgetter(2), itemgetter(0, 1)
_WEIGHT = ExpressionWrapper(F("bonus_tickets") + 1, output_field=IntegerField())


class DrawRefused(Exception):
    """The draw cannot run now; the message says why and what to do. Nothing was drawn."""


def contest_seal(*, campaign: Campaign) -> ContestSeal:
    """The campaign's salt commitment and ticket key, made the first time they are needed."""
    seal = ContestSeal.objects.filter(campaign=campaign).first()
    if seal is not None:
        return seal
    seal = ContestSeal(campaign=campaign)
    seal.salt_commit = verify_draw.salt_commit(bytes.fromhex(seal.salt))
    try:
        with transaction.atomic():
            seal.save()
    except IntegrityError:  # made by a concurrent request
        seal = ContestSeal.objects.get(campaign=campaign)
    return seal


def contest_went_live(*, campaign: Campaign) -> ContestSeal | None:
    """Commit to the salt as soon as a contest or giveaway is live (before any entry)."""
    if campaign.kind in CONTEST_KINDS and campaign.status == Status.LIVE:
        return contest_seal(campaign=campaign)
    return None


def entry_ticket(entry: Entry) -> str:
    """The entry's pseudonymous ticket id in its campaign's draws ("" before it went live)."""
    if entry.ticket_id:
        return entry.ticket_id
    key = ticket_key(entry.campaign_id)
    return ticket_id(key, entry.pk) if key else ""


def tickets_freeze(campaign: Campaign, seal: ContestSeal
                   ) -> tuple[list[verify_draw.Ticket], list[int]]:
    """The eligible tickets (in no particular order) and the entry id behind each.

    Each entry kept its ticket id as it completed; the few without one (completed before ids
    were kept, or made outside the runtime) get theirs computed here, the same HMAC.
    """
    query = eligible_entries(campaign).values_list("ticket_id", _WEIGHT, "id").order_by().query
    # Fetched whole on a plain cursor: Django's row iterator (a Python frame a row, on
    # PostgreSQL a server-side cursor's round trip a chunk) cost a third of the query.
    with connection.cursor() as cursor:
        cursor.execute(*query.sql_with_params())
        rows = cursor.fetchall()
    if all(map(_FIRST, rows)):
        tickets = list(map(_TICKET, rows))
    else:
        mac = ticket_mac(bytes.fromhex(seal.ticket_key))
        tickets = [(stored or mac(entry_id), weight) for stored, weight, entry_id in rows]
    return tickets, list(map(_THIRD, rows))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while a draw builds a million tuples: none can be in
    a cycle, and each of its passes would walk all of them again (5% of a draw at 1M)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _gzip(csv_text: str) -> bytes:
    # Level 1: hex ids compress about as well at 1 as at 9, several times faster.
    return gzip.compress(csv_text.encode("ascii"), compresslevel=1)


def is_closed(campaign: Campaign) -> bool:
    return campaign.status == Status.ENDED or bool(
        campaign.ends_at and campaign.ends_at <= timezone.now())


def draw_stats(campaign: Campaign) -> dict:
    """Eligible entries and their tickets, for the builder before a draw."""
    stats = eligible_entries(campaign).aggregate(entries=Count("id"), bonus=Sum("bonus_tickets"))
    entries = stats["entries"] or 0
    return {"entries": entries, "tickets": entries + (stats["bonus"] or 0),
            "disqualified": Entry.objects.filter(campaign=campaign,
                                                 status="disqualified").count()}


def _beacon(beacon: str) -> str:
    if not isinstance(beacon, str):
        raise DrawRefused("The beacon must be text.")
    beacon = beacon.strip()
    if len(beacon) > MAX_BEACON:
        raise DrawRefused(f"The beacon is too long (at most {MAX_BEACON} characters).")
    if any(ord(c) < 32 for c in beacon):
        raise DrawRefused("The beacon must be on one line, without control characters.")
    return beacon


def _count(campaign: Campaign, key: str, minimum: int) -> int:
    value = campaign_setting(campaign, key)
    if type(value) is not int or value < minimum:
        raise DrawRefused(f"The contest settings' “{key}” must be a whole number of at least "
                          f"{minimum}.")
    return value


@transaction.atomic
def draw_run(*, campaign: Campaign, by, beacon: str = "", automatic: bool = False) -> Draw:
    """Draw the contest's winners and alternates, store the proof and tickets, notify winners."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not is_contest(campaign):
        raise DrawRefused("Only contests and giveaways have draws.")
    if Draw.objects.filter(campaign=campaign).exists():
        raise DrawRefused("This contest has already been drawn. A prize that is not claimed "
                          "passes to the next alternate instead.")
    if not is_closed(campaign):
        raise DrawRefused("Entries are still open. End the contest (or wait for its end date) "
                          "before drawing, so every entry is in.")
    beacon = _beacon(beacon)
    winners, alternates = _count(campaign, "winners", 1), _count(campaign, "alternates", 0)
    seal = ContestSeal.objects.filter(campaign=campaign).first()
    if seal is None:
        raise DrawRefused("This contest never went live, so it has no published commitment.")
    with _collector_paused():
        tickets, entry_ids = tickets_freeze(campaign, seal)
        if not tickets:
            raise DrawRefused("There are no eligible entries to draw from.")
        now = timezone.now()
        # The CSV is compressed on another thread while the ranking runs: zlib releases the GIL.
        with ThreadPoolExecutor(max_workers=1) as pool:
            compressing: list[Future[bytes]] = []
            proof, _ = verify_draw.draw_with_tickets_csv(
                campaign.slug, tickets, bytes.fromhex(seal.salt), beacon, winners, alternates,
                now, on_csv=lambda text: compressing.append(pool.submit(_gzip, text)))
            csv_gz = compressing[0].result()
    ranked = proof["winners"] + proof["alternates"]
    ids = list(map(_FIRST, tickets))
    entry_of = dict(compress(zip(ids, entry_ids, strict=True), map(set(ranked).__contains__, ids)))
    draw = Draw.objects.create(
        campaign=campaign, drawn_by=by, automatic=automatic, proof=proof, drawn_at=now,
        cutoff=entries_cutoff(campaign) or now, ranked=[[tid, entry_of[tid]] for tid in ranked],
    )
    _tickets_save(draw, csv_gz)
    for position, tid in enumerate(proof["winners"], start=1):
        winner = Winner.objects.create(draw=draw, entry_id=entry_of[tid], ticket_id=tid,
                                       prize=position, rank=position)
        winner_notify(winner=winner)
    log.info("drew %s: %d tickets, %d winners", campaign.slug, proof["n"], len(proof["winners"]))
    return draw


def _tickets_save(draw: Draw, csv_gz: bytes) -> None:
    """The gzipped tickets CSV stored with the draw. On PostgreSQL its parameter is bound
    server-side, so its 19 MB (at a million tickets) travel as binary: Django's client-side
    binding sent 38 MB of hex text for the server to parse (0.7 s more, measured)."""
    if connection.vendor != "postgresql":
        DrawTickets.objects.create(draw=draw, csv_gz=csv_gz)
        return
    sql = f"INSERT INTO {DrawTickets._meta.db_table} (draw_id, csv_gz) VALUES (%s, %s)"
    with connection.make_cursor(ServerBindingCursor(connection.connection)) as cursor:
        cursor.execute(sql, [draw.pk, csv_gz])


def tickets_csv_chunks(draw: Draw) -> Iterator[bytes]:
    """The draw's tickets CSV, decompressed piece by piece for a streaming download."""
    blob = DrawTickets.objects.filter(draw=draw).values_list("csv_gz", flat=True).first()
    if blob is None:
        return
    blob = bytes(blob)
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    for start in range(0, len(blob), CSV_CHUNK):
        piece = inflater.decompress(blob[start:start + CSV_CHUNK])
        if piece:
            yield piece
    tail = inflater.flush()
    if tail:
        yield tail


def draws_due() -> list[Campaign]:
    """Contests with `auto_draw` that have ended and were never drawn."""
    now = timezone.now()
    candidates = Campaign.objects.filter(
        kind__in=CONTEST_KINDS, draws__isnull=True, archived_at__isnull=True,
        published_version__isnull=False,
    ).filter(Q(status=Status.ENDED) | Q(ends_at__lte=now) & ~Q(status=Status.DRAFT))
    return [c for c in candidates if campaign_setting(c, "auto_draw") is True]


def draws_run_due() -> list[Draw]:
    """Beat task body: draw every due contest once; a refusal is logged and retried next time."""
    drawn = []
    for campaign in draws_due():
        try:
            drawn.append(draw_run(campaign=campaign, by=None, automatic=True))
        except (DrawRefused, IntegrityError) as refused:
            log.warning("automatic draw of %s skipped: %s", campaign.slug, refused)
    return drawn
