"""Disqualifying and reinstating entries: the audit log and the referral bonus follow."""

import pytest
from django.core.cache import cache

from entries.models import AuditAction, Entry, EntryStatus, ReferralCredit
from entries.services import contests
from entries.services.moderation import ModerationRefused, entry_disqualify, entry_reinstate
from tests.entries.contests import enter, giveaway_document

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def referred(client, publish):
    """A giveaway in which `friend` entered through `host`'s link (bonus 2)."""
    campaign = publish(giveaway_document(), settings={"referral_bonus": 2})
    enter(client, campaign, "host@example.com")
    host = Entry.objects.get(email="host@example.com")
    enter(client, campaign, "friend@example.com", query=f"?ref={host.referral_code}")
    return campaign, host, Entry.objects.get(email="friend@example.com")


def test_disqualifying_logs_who_why_and_when_and_takes_back_the_referral_bonus(referred):
    campaign, host, friend = referred
    marketer = campaign.workspace.memberships.get().user
    entry_disqualify(entry=friend, by=marketer, reason="  Same   card as host ")
    friend.refresh_from_db()
    host.refresh_from_db()
    assert friend.status == EntryStatus.DISQUALIFIED
    assert host.bonus_tickets == 0
    record = friend.audit.get()
    assert record.action == AuditAction.DISQUALIFIED
    assert record.by == marketer
    assert record.reason == "Same card as host"
    assert record.at
    assert record.data == {"previous_status": "completed", "referral_bonus_reversed": True}
    assert contests.ineligibility(friend) == "This entry was disqualified."
    assert not contests.eligible_entries(campaign).filter(pk=friend.pk).exists()


def test_reinstating_restores_the_status_and_the_bonus_once(referred):
    campaign, host, friend = referred
    marketer = campaign.workspace.memberships.get().user
    entry_disqualify(entry=friend, by=marketer, reason="Suspicious")
    entry_reinstate(entry=friend, by=marketer, reason="Checked with the entrant")
    friend.refresh_from_db()
    host.refresh_from_db()
    assert friend.status == EntryStatus.COMPLETED
    assert host.bonus_tickets == 2
    assert [a.action for a in friend.audit.all()] == [AuditAction.REINSTATED,
                                                     AuditAction.DISQUALIFIED]
    assert ReferralCredit.objects.get().reversed_at is None
    with pytest.raises(ModerationRefused, match="Only a disqualified"):
        entry_reinstate(entry=friend, by=marketer, reason="again")
    host.refresh_from_db()
    assert host.bonus_tickets == 2


def test_a_reason_is_required_and_a_double_disqualify_is_refused(referred):
    campaign, host, friend = referred
    with pytest.raises(ModerationRefused, match="Give a reason"):
        entry_disqualify(entry=friend, by=None, reason=" ")
    with pytest.raises(ModerationRefused, match="under 500"):
        entry_disqualify(entry=friend, by=None, reason="x" * 501)
    entry_disqualify(entry=friend, by=None, reason="Bot")
    with pytest.raises(ModerationRefused, match="already disqualified"):
        entry_disqualify(entry=friend, by=None, reason="Bot")
    host.refresh_from_db()
    assert host.bonus_tickets == 0  # taken back once, not twice
    assert friend.audit.count() == 1


def test_disqualifying_the_referrer_keeps_the_friends_entry_valid(referred):
    campaign, host, friend = referred
    entry_disqualify(entry=host, by=None, reason="Fake account")
    friend.refresh_from_db()
    assert contests.ineligibility(friend) == ""
    assert list(contests.eligible_entries(campaign)) == [friend]


def test_a_partial_entry_goes_back_to_partial_when_reinstated(client, publish):
    campaign = publish(giveaway_document())
    client.post(f"/c/{campaign.slug}/")
    entry = Entry.objects.get()
    entry_disqualify(entry=entry, by=None, reason="Spam")
    entry_reinstate(entry=entry, by=None, reason="Not spam")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.STARTED
