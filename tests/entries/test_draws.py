"""Draws as draw-v1: the commitment, the frozen tickets, the proof the public verifier
reproduces, winners, claims, forfeits passing to alternates, automatic draws."""

import csv
import hashlib
import hmac
import io
import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from campaigns.models import Status
from campaigns.services.campaigns import campaign_create, campaign_set_status
from entries import tasks, verify_draw
from entries.models import (
    AuditAction,
    ContestSeal,
    Draw,
    Entry,
    EntryStatus,
    OutboundEmail,
    Winner,
    WinnerStatus,
)
from entries.services.draws import (
    DrawRefused,
    draw_run,
    draw_stats,
    entry_ticket,
    ticket_id,
    tickets_csv_chunks,
)
from entries.services.moderation import entry_disqualify
from entries.services.personal_data import person_erase, personal_data_export
from entries.services.winners import (
    WinnerRefused,
    winner_claim,
    winner_email_extra,
    winner_forfeit,
    winners_forfeit_expired,
)
from tests.entries.contests import eligible_entry, giveaway_document
from tests.entries.documents import branching_quiz
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def contest(publish, django_user_model):
    """An ended giveaway: 12 eligible entries (3 with bonus tickets), 2 winners, 3 alternates."""
    campaign = publish(giveaway_document(), settings={"winners": 2, "alternates": 3,
                                                      "claim_days": 5})
    for n in range(12):
        eligible_entry(campaign, bonus_tickets=2 if n < 3 else 0, email=f"e{n}@example.com",
                       name=f"Entrant {n}")
    campaign_set_status(campaign=campaign, status=Status.ENDED)
    return campaign


@pytest.fixture
def marketer(contest):
    return contest.workspace.memberships.get().user


def tickets_of(draw) -> str:
    return b"".join(tickets_csv_chunks(draw)).decode()


def verify_cli(tmp_path, proof: dict, tickets: str) -> subprocess.CompletedProcess:
    (tmp_path / "proof.json").write_text(json.dumps(proof))
    (tmp_path / "tickets.csv").write_text(tickets)
    return subprocess.run([sys.executable, "-m", "entries.verify_draw", "proof.json",
                           "tickets.csv"], cwd=tmp_path, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT)}, timeout=60, check=False)


# --- the commitment --------------------------------------------------------------------------


def test_a_contest_commits_to_its_salt_when_it_goes_live(publish):
    giveaway = publish(giveaway_document())
    seal = ContestSeal.objects.get(campaign=giveaway)
    assert seal.salt_commit == hashlib.sha256(bytes.fromhex(seal.salt)).hexdigest()
    assert len(bytes.fromhex(seal.salt)) == 32
    assert seal.salt != seal.ticket_key
    # Pausing and resuming keeps the same commitment.
    campaign_set_status(campaign=giveaway, status=Status.PAUSED)
    campaign_set_status(campaign=giveaway, status=Status.LIVE)
    assert ContestSeal.objects.get(campaign=giveaway).salt == seal.salt


def test_quizzes_and_unpublished_contests_have_no_commitment(publish):
    publish(branching_quiz())
    membership = MembershipFactory()
    campaign_create(workspace=membership.workspace, by=membership.user,
                    document=giveaway_document())
    assert not ContestSeal.objects.exists()


# --- running a draw --------------------------------------------------------------------------


def test_the_draw_is_reproduced_by_the_public_verifier(contest, marketer, tmp_path):
    draw = draw_run(campaign=contest, by=marketer, beacon="drand round 4242: 9f1c")
    proof = draw.proof
    assert tuple(proof) == verify_draw.PROOF_FIELDS
    seal = ContestSeal.objects.get(campaign=contest)
    assert proof["salt_commit"] == seal.salt_commit
    assert proof["salt"] == seal.salt
    assert proof["campaign_id"] == contest.slug
    assert proof["beacon"] == "drand round 4242: 9f1c"
    assert proof["n"] == 12
    assert proof["total_weight"] == 12 + 3 * 2
    assert len(proof["winners"]) == 2
    assert len(proof["alternates"]) == 3

    result = verify_cli(tmp_path, proof, tickets_of(draw))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "VERIFIED: winners reproduced" in result.stdout


def test_tickets_are_pseudonymous_weighted_and_name_no_one(contest, marketer):
    draw = draw_run(campaign=contest, by=marketer)
    rows = list(csv.reader(io.StringIO(tickets_of(draw))))
    assert rows[0] == ["ticket_id", "weight"]
    assert len(rows) == 13
    weights = {}
    for entry in Entry.objects.filter(campaign=contest):
        weights[entry_ticket(entry)] = 1 + entry.bonus_tickets
    assert {tid: int(w) for tid, w in rows[1:]} == weights
    published = tickets_of(draw) + json.dumps(draw.proof)
    for entry in Entry.objects.filter(campaign=contest):
        assert entry.email not in published
        assert entry.name not in published
        assert entry.token not in published
        assert entry.referral_code not in published
    assert draw_stats(contest) == {"entries": 12, "tickets": 18, "disqualified": 0}


@pytest.mark.parametrize("tamper", ["ticket", "weight", "salt", "beacon", "drop"])
def test_changing_any_input_breaks_the_verification(contest, marketer, tmp_path, tamper):
    draw = draw_run(campaign=contest, by=marketer, beacon="public value")
    proof, tickets = dict(draw.proof), tickets_of(draw)
    lines = tickets.splitlines(keepends=True)
    if tamper == "ticket":
        lines[1] = "f" * 32 + lines[1][32:]
    elif tamper == "weight":
        tid, weight = lines[2].strip().split(",")
        lines[2] = f"{tid},{int(weight) + 1}\n"
    elif tamper == "drop":
        del lines[3]
    elif tamper == "salt":
        proof["salt"] = ("00" if proof["salt"][:2] != "00" else "11") + proof["salt"][2:]
    else:
        proof["beacon"] = "another value"
    result = verify_cli(tmp_path, proof, "".join(lines))
    assert result.returncode == 1, result.stdout
    assert "NOT VERIFIED" in result.stdout


def test_a_different_beacon_or_ticket_set_changes_the_root_or_the_ranking(contest, marketer):
    tickets = [tuple(r[:1]) + (int(r[1]),)
               for r in csv.reader(io.StringIO(tickets_of(draw_run(campaign=contest,
                                                                   by=marketer))))
               if r[0] != "ticket_id"]
    salt = bytes.fromhex(ContestSeal.objects.get(campaign=contest).salt)
    now = timezone.now()
    base = verify_draw.draw(contest.slug, tickets, salt, "", 2, 10, now)
    other_beacon = verify_draw.draw(contest.slug, tickets, salt, "x", 2, 10, now)
    assert other_beacon["entries_root"] == base["entries_root"]
    assert other_beacon["winners"] + other_beacon["alternates"] != \
        base["winners"] + base["alternates"]
    heavier = [(t, w + 1 if i == 0 else w) for i, (t, w) in enumerate(tickets)]
    assert verify_draw.draw(contest.slug, heavier, salt, "", 2, 10, now)["entries_root"] != \
        base["entries_root"]


def test_draws_respect_disqualification_consent_and_the_gate(publish, django_user_model):
    campaign = publish(giveaway_document(), settings={"gate_min_score": 0, "winners": 5,
                                                      "alternates": 5})
    fine = eligible_entry(campaign)
    cheat = eligible_entry(campaign)
    eligible_entry(campaign, consent={})
    eligible_entry(campaign, status=EntryStatus.STARTED, completed_at=None)
    eligible_entry(campaign, score=-1)
    user = campaign.workspace.memberships.get().user
    entry_disqualify(entry=cheat, by=user, reason="Bought entries")
    campaign_set_status(campaign=campaign, status=Status.ENDED)
    draw = draw_run(campaign=campaign, by=user)
    assert draw.proof["n"] == 1
    assert draw.proof["winners"] == [entry_ticket(fine)]


def test_a_draw_is_refused_while_open_twice_or_for_a_quiz(publish, contest, marketer):
    live = publish(giveaway_document())
    eligible_entry(live)
    with pytest.raises(DrawRefused, match="still open"):
        draw_run(campaign=live, by=marketer)
    live.ends_at = timezone.now() - timedelta(minutes=1)
    live.save()
    assert draw_run(campaign=live, by=marketer).proof["n"] == 1  # its end date has passed

    draw_run(campaign=contest, by=marketer)
    with pytest.raises(DrawRefused, match="already been drawn"):
        draw_run(campaign=contest, by=marketer)
    assert Draw.objects.filter(campaign=contest).count() == 1

    quiz = publish(branching_quiz())
    campaign_set_status(campaign=quiz, status=Status.ENDED)
    with pytest.raises(DrawRefused, match="Only contests"):
        draw_run(campaign=quiz, by=marketer)


def test_a_draw_with_no_eligible_entries_or_a_bad_beacon_is_refused(publish, marketer):
    empty = publish(giveaway_document())
    campaign_set_status(campaign=empty, status=Status.ENDED)
    with pytest.raises(DrawRefused, match="no eligible entries"):
        draw_run(campaign=empty, by=marketer)
    eligible_entry(empty)
    with pytest.raises(DrawRefused, match="one line"):
        draw_run(campaign=empty, by=marketer, beacon="two\nlines")
    with pytest.raises(DrawRefused, match="too long"):
        draw_run(campaign=empty, by=marketer, beacon="x" * 501)
    assert not Draw.objects.exists()


# --- winners ---------------------------------------------------------------------------------


def test_winners_are_notified_with_a_claim_deadline(contest, marketer):
    draw = draw_run(campaign=contest, by=marketer)
    winners = list(draw.winners.all())
    assert [w.prize for w in winners] == [1, 2]
    assert [w.rank for w in winners] == [1, 2]
    assert [w.ticket_id for w in winners] == draw.proof["winners"]
    for w in winners:
        assert w.status == WinnerStatus.NOTIFIED
        assert w.claim_token
        assert w.claim_deadline - w.notified_at == timedelta(days=5)
        assert entry_ticket(w.entry) == w.ticket_id
    extra = winner_email_extra(winners[0])
    assert extra["claim_link"].endswith(f"/c/{contest.slug}/claim/{winners[0].claim_token}/")
    assert extra["proof_link"].endswith(f"/c/{contest.slug}/draws/{draw.pk}/")


def test_a_winner_claims_before_the_deadline_but_not_after(contest, marketer):
    first, second = draw_run(campaign=contest, by=marketer).winners.all()
    claimed = winner_claim(winner=first)
    assert claimed.status == WinnerStatus.CLAIMED
    assert claimed.claimed_at
    assert winner_claim(winner=first).status == WinnerStatus.CLAIMED  # a double click is fine
    Winner.objects.filter(pk=second.pk).update(claim_deadline=timezone.now() - timedelta(1))
    with pytest.raises(WinnerRefused, match="deadline"):
        winner_claim(winner=second)


def test_a_forfeited_prize_passes_down_the_alternates_with_a_record_of_why(contest, marketer):
    draw = draw_run(campaign=contest, by=marketer)
    ranked = draw.proof["winners"] + draw.proof["alternates"]
    prize_one = draw.winners.get(prize=1)

    winner_forfeit(winner=prize_one, reason="Declined the prize", by=marketer)
    prize_one.refresh_from_db()
    assert prize_one.status == WinnerStatus.FORFEITED
    assert prize_one.forfeit_reason == "Declined the prize"
    assert prize_one.forfeited_at
    successor = prize_one.replaced_by
    assert successor.rank == 3
    assert successor.ticket_id == ranked[2]
    assert successor.prize == 1
    assert successor.status == WinnerStatus.NOTIFIED
    audit = prize_one.entry.audit.get()
    assert audit.action == AuditAction.FORFEITED
    assert audit.by == marketer

    # The next alternate was disqualified meanwhile: skipped, and the record says so.
    skipped = Entry.objects.get(pk=draw.ranked[3][1])
    entry_disqualify(entry=skipped, by=marketer, reason="Duplicate household")
    winner_forfeit(winner=successor, reason="No reply", by=marketer)
    third = Winner.objects.get(replaces=successor)
    assert third.rank == 5
    assert "alternate 2" in third.note
    assert "disqualified" in third.note

    winner_forfeit(winner=third, reason="Ineligible country", by=marketer)
    third.refresh_from_db()
    assert not Winner.objects.filter(replaces=third).exists()
    assert third.note.startswith("No alternate left")
    with pytest.raises(WinnerRefused, match="already forfeited"):
        winner_forfeit(winner=third, reason="again")
    with pytest.raises(WinnerRefused, match="reason"):
        winner_forfeit(winner=draw.winners.get(prize=2), reason="  ")
    # Prize 2 was never touched.
    assert draw.winners.get(prize=2, status=WinnerStatus.NOTIFIED).rank == 2


def test_disqualifying_a_winner_passes_the_prize_on(contest, marketer):
    draw = draw_run(campaign=contest, by=marketer)
    winner = draw.winners.get(prize=2)
    entry_disqualify(entry=winner.entry, by=marketer, reason="Used a bot")
    winner.refresh_from_db()
    assert winner.status == WinnerStatus.FORFEITED
    assert winner.forfeit_reason == "Disqualified: Used a bot"
    assert winner.replaced_by.rank == 3


def test_unclaimed_prizes_forfeit_after_the_deadline_through_the_beat_task(contest, marketer):
    draw = draw_run(campaign=contest, by=marketer)
    late, on_time = draw.winners.all()
    Winner.objects.filter(pk=late.pk).update(claim_deadline=timezone.now() - timedelta(hours=1))
    winner_claim(winner=on_time)
    assert tasks.winners_expire.delay().get() == 1
    late.refresh_from_db()
    assert late.status == WinnerStatus.FORFEITED
    assert late.forfeit_reason.startswith("Not claimed by the deadline")
    assert late.replaced_by.status == WinnerStatus.NOTIFIED
    assert winners_forfeit_expired() == []  # nothing more to do


# --- automatic draws -------------------------------------------------------------------------


def test_a_contest_with_auto_draw_is_drawn_once_when_it_ends(publish):
    auto = publish(giveaway_document(), settings={"auto_draw": True},
                   ends_at=timezone.now() + timedelta(hours=1))
    manual = publish(giveaway_document(), ends_at=timezone.now() - timedelta(hours=1))
    for campaign in (auto, manual):
        eligible_entry(campaign, completed_at=timezone.now() - timedelta(hours=2))
    assert tasks.contests_draw_due.delay().get() == 0  # not ended yet

    auto.ends_at = timezone.now() - timedelta(seconds=1)
    auto.save()
    assert tasks.contests_draw_due.delay().get() == 1
    assert tasks.contests_draw_due.delay().get() == 0
    draw = Draw.objects.get()
    assert draw.campaign == auto
    assert draw.automatic
    assert draw.drawn_by is None
    assert not Draw.objects.filter(campaign=manual).exists()


def test_an_auto_draw_without_entries_is_skipped_not_failed(publish):
    campaign = publish(giveaway_document(), settings={"auto_draw": True})
    campaign_set_status(campaign=campaign, status=Status.ENDED)
    assert tasks.contests_draw_due.delay().get() == 0
    assert not Draw.objects.exists()


def test_each_prize_is_emailed_once_to_its_winner_with_the_claim_link(
        contest, marketer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        draw = draw_run(campaign=contest, by=marketer)
    first = draw.winners.get(prize=1)
    with django_capture_on_commit_callbacks(execute=True):
        winner_forfeit(winner=first, reason="No reply", by=marketer)
    successor = Winner.objects.get(replaces=first)
    sent = OutboundEmail.objects.filter(trigger="winner").order_by("id")
    assert [e.to_email for e in sent] == [first.entry.email, draw.winners.get(prize=2).entry.email,
                                         successor.entry.email]
    assert all(e.status == "sent" for e in sent)
    claim = winner_email_extra(successor)["claim_link"]
    assert any(claim in message.body for message in mail.outbox
               if message.to == [successor.entry.email])


def test_ticket_ids_are_hmac_sha256_of_the_entry_id():
    for key in (b"k" * 32, b"", b"long" * 40):
        for entry_id in (1, 42, 10**9):
            expected = hmac.new(key, str(entry_id).encode(), "sha256").hexdigest()[:32]
            assert ticket_id(key, entry_id) == expected


def test_a_contest_without_a_published_commitment_cannot_be_drawn(contest, marketer):
    ContestSeal.objects.filter(campaign=contest).delete()
    with pytest.raises(DrawRefused, match="no published commitment"):
        draw_run(campaign=contest, by=marketer)


def test_draw_with_tickets_csv_is_draw_plus_write_tickets_csv():
    tickets = [(f"{i:032x}", 1 + i % 4) for i in range(500, 0, -1)]
    salt, now = bytes(range(32)), timezone.now()
    proof, text = verify_draw.draw_with_tickets_csv("shop", tickets, salt, "b", 3, 4, now)
    written = io.StringIO()
    verify_draw.write_tickets_csv(tickets, written)
    assert proof == verify_draw.draw("shop", tickets, salt, "b", 3, 4, now)
    assert text == written.getvalue()


def test_erasing_a_winner_keeps_the_prize_record_and_skips_erased_alternates(contest, marketer):
    draw = draw_run(campaign=contest, by=marketer)
    winner = draw.winners.get(prize=1)
    Entry.objects.filter(pk=draw.ranked[2][1]).delete()  # alternate 1 erased their data
    winner.entry.delete()
    winner.refresh_from_db()
    assert winner.entry is None
    assert winner.ticket_id == draw.proof["winners"][0]
    winner_forfeit(winner=winner, reason="Data erased on request")
    successor = Winner.objects.get(replaces=winner)
    assert successor.rank == 4
    assert "alternate 1" in successor.note
    assert "erased" in successor.note


def test_a_winner_erased_for_privacy_keeps_the_prize_under_the_ticket_id(contest, marketer):
    draw = draw_run(campaign=contest, by=marketer)
    winner = draw.winners.get(prize=1)
    email = winner.entry.email
    exported = personal_data_export(workspace=contest.workspace, email=email)
    assert [p["ticket_id"] for p in exported["contests"]["prizes"]] == [winner.ticket_id]
    erasure = person_erase(workspace=contest.workspace, email=email, by=marketer)
    assert erasure.counts["prizes"] == 1
    winner.refresh_from_db()
    assert winner.entry_id is None
    assert winner.ticket_id == draw.proof["winners"][0]
    assert email not in str(Draw.objects.get(pk=draw.pk).proof)
