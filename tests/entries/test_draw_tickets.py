"""Ticket ids kept on the entries as they complete: the same ids, and the same draw, as computing
them at the draw (entries.services.draws.tickets_freeze)."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from campaigns.models import Status
from campaigns.services.campaigns import campaign_set_status
from entries.models import ContestSeal, Entry, EntryStatus
from entries.services.draws import draw_run, entry_ticket, ticket_id, tickets_csv_chunks
from entries.services.moderation import entry_disqualify, entry_reinstate
from tests.entries.contests import eligible_entry, enter, giveaway_document
from tests.entries.documents import branching_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def giveaway(publish):
    return publish(giveaway_document(), settings={"winners": 2, "alternates": 2})


@pytest.fixture
def marketer(giveaway):
    return giveaway.workspace.memberships.get().user


def key_of(campaign) -> bytes:
    return bytes.fromhex(ContestSeal.objects.get(campaign=campaign).ticket_key)


def enter_many(client, campaign, count: int) -> list[Entry]:
    for n in range(count):
        response, _ = enter(client, campaign, f"entrant{n}@example.com", ip=f"10.0.1.{n}")
        assert response.status_code == 303
    return list(Entry.objects.filter(campaign=campaign).order_by("id"))


def drawn(campaign, by, moment) -> tuple[dict, list, bytes]:
    """The proof, ranked entries and tickets CSV of a draw run at `moment`, then rolled back."""
    class RolledBack(Exception):
        pass

    try:
        with transaction.atomic(), mock.patch.object(timezone, "now", return_value=moment):
            draw = draw_run(campaign=campaign, by=by)
            result = draw.proof, draw.ranked, b"".join(tickets_csv_chunks(draw))
            raise RolledBack
    except RolledBack:
        return result


def test_a_contest_entry_keeps_its_ticket_id_as_it_completes(client, giveaway):
    (entry,) = enter_many(client, giveaway, 1)
    assert entry.status == EntryStatus.COMPLETED
    assert entry.ticket_id == ticket_id(key_of(giveaway), entry.pk)
    assert len(entry.ticket_id) == 32
    assert entry_ticket(entry) == entry.ticket_id


def test_an_entry_still_open_or_outside_contests_keeps_no_ticket_id(client, publish,
                                                                    giveaway):
    enter(client, giveaway, "partial@example.com", consent=False)  # refused at the last step
    assert Entry.objects.get(campaign=giveaway).ticket_id == ""
    quiz = publish(branching_quiz())
    entry = eligible_entry(quiz)
    assert (entry.ticket_id, entry_ticket(entry)) == ("", "")


def test_an_entry_without_a_kept_id_gets_the_same_one_computed(giveaway):
    entry = eligible_entry(giveaway)  # made directly, as entries completed before ids were kept
    assert entry.ticket_id == ""
    assert entry_ticket(entry) == ticket_id(key_of(giveaway), entry.pk)


def test_a_draw_over_kept_ids_is_the_draw_over_computed_ones(client, giveaway, marketer):
    entries = enter_many(client, giveaway, 7)
    key = key_of(giveaway)
    assert [e.ticket_id for e in entries] == [ticket_id(key, e.pk) for e in entries]
    Entry.objects.filter(pk=entries[0].pk).update(bonus_tickets=3)
    campaign_set_status(campaign=giveaway, status=Status.ENDED)
    moment = timezone.now() + timedelta(minutes=1)

    kept = drawn(giveaway, marketer, moment)
    Entry.objects.filter(pk__in=[e.pk for e in entries[::2]]).update(ticket_id="")
    mixed = drawn(giveaway, marketer, moment)
    Entry.objects.filter(campaign=giveaway).update(ticket_id="")
    computed = drawn(giveaway, marketer, moment)

    assert kept == mixed == computed
    proof, ranked, _ = kept
    assert proof["n"] == 7
    assert proof["total_weight"] == 10
    assert [entry_id for _, entry_id in ranked] == [
        next(e.pk for e in entries if e.ticket_id == tid) for tid, _ in ranked]


def test_a_disqualified_then_reinstated_entry_draws_under_its_kept_id(client, giveaway,
                                                                      marketer):
    first, second = enter_many(client, giveaway, 2)
    entry_disqualify(entry=first, by=marketer, reason="Duplicate household")
    entry_reinstate(entry=first, by=marketer, reason="Checked: different people")
    first.refresh_from_db()
    assert first.ticket_id == ticket_id(key_of(giveaway), first.pk)
    campaign_set_status(campaign=giveaway, status=Status.ENDED)
    proof, _, tickets = drawn(giveaway, marketer, timezone.now())
    assert sorted(proof["winners"]) == sorted([first.ticket_id, second.ticket_id])
    assert f"{first.ticket_id},1\n".encode() in tickets
