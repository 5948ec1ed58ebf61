"""A campaign that stops taking entries (paused, ended, unpublished, past its end date) takes no
more from entries started before: no step, back, event, resume email or completion, through
the views or the services; and a draw counts only entries completed by its cut-off."""

import json
from datetime import UTC, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from campaigns.models import Status
from campaigns.services.campaigns import campaign_set_status
from entries.models import Entry, EntryStatus, Interaction, OutboundEmail
from entries.services import contests
from entries.services.draws import draw_run, entry_ticket
from entries.services.runtime import CampaignClosed, answer_submit, entry_back, entry_start
from tests.entries.contests import eligible_entry, giveaway_document, start

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
LAST_STEP = {"step": "enter", "first_name": "Ada", "email": "ada@example.com",
             "rules_consent": "yes"}
# How the campaign closes -> (what the visitor reads, the status of a plain request).
CLOSINGS = {
    "paused": ("Taking a short break", 200),
    "ended": ("This has ended", 200),
    "unpublished": ("It may have been unpublished", 404),
    "past_end_date": ("This has ended", 200),
}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def close(campaign, how: str) -> None:
    if how == "past_end_date":
        campaign.ends_at = timezone.now() - timedelta(seconds=1)
        campaign.save()
    else:
        status = {"paused": Status.PAUSED, "ended": Status.ENDED, "unpublished": Status.DRAFT}
        campaign_set_status(campaign=campaign, status=status[how])


@pytest.fixture
def halfway(client, publish):
    """A giveaway with one entry on its last step, its first step answered."""
    campaign = publish(giveaway_document())
    url = start(client, campaign)
    assert client.post(url, {"step": "pick_cabin", "cabin": "lakeside"}).status_code == 303
    entry = Entry.objects.get()
    assert entry.current_step == "enter"
    return campaign, url, entry


def assert_untouched(entry: Entry, interactions: int) -> None:
    saved = Entry.objects.get(pk=entry.pk)
    assert saved.status == EntryStatus.STARTED
    assert saved.completed_at is None
    assert saved.trail == entry.trail
    assert saved.current_step == entry.current_step
    assert set(saved.answer_values) == set(entry.answer_values)
    assert Interaction.objects.filter(entry=entry).count() == interactions
    assert not OutboundEmail.objects.exists()


@pytest.mark.parametrize("how", CLOSINGS)
def test_an_entry_started_before_the_close_cannot_go_on(client, halfway, how):
    campaign, url, entry = halfway
    interactions = Interaction.objects.filter(entry=entry).count()
    close(campaign, how)
    text, status = CLOSINGS[how]

    for data in (LAST_STEP, {"action": "back"}):
        plain = client.post(url, data)
        assert plain.status_code == status
        assert text in plain.text
        swapped = client.post(url, data, **HTMX)  # htmx swaps only a 2xx
        assert swapped.status_code == 200
        assert text in swapped.text
        assert "<html" not in swapped.text
    page = client.get(url)
    assert page.status_code == status
    assert text in page.text
    assert "First name" not in page.text

    events = client.post(f"{url}events", json.dumps({"events": [
        {"kind": "focus", "step": "enter", "at": int(timezone.now().timestamp() * 1000),
         "data": {"question": "email"}}]}), content_type="application/json")
    assert events.status_code == 409
    assert "closed" in events.json()["error"]

    later = f"{url}later/"
    assert text in client.get(later).text
    sent = client.post(later, {"email": "ada@example.com"})
    assert sent.status_code == status
    assert text in sent.text
    assert_untouched(entry, interactions)


@pytest.mark.parametrize("how", CLOSINGS)
def test_the_services_refuse_a_closed_campaign_whoever_calls_them(halfway, how):
    campaign, _, entry = halfway
    interactions = Interaction.objects.filter(entry=entry).count()
    close(campaign, how)
    entry = Entry.objects.select_related("campaign").get(pk=entry.pk)
    raw = {key: [value] for key, value in LAST_STEP.items()}
    with pytest.raises(CampaignClosed) as refused:
        answer_submit(entry=entry, step_key="enter", raw=raw)
    assert refused.value.reason == ("ended" if how == "past_end_date" else
                                    {"unpublished": "unavailable"}.get(how, how))
    with pytest.raises(CampaignClosed):
        entry_back(entry=entry)
    with pytest.raises(CampaignClosed):
        entry_start(campaign=entry.campaign, source={})
    assert Entry.objects.count() == 1
    assert_untouched(entry, interactions)


def test_a_completed_entry_still_shows_its_result_after_the_close(client, halfway):
    campaign, url, _ = halfway
    assert client.post(url, LAST_STEP).status_code == 303
    campaign_set_status(campaign=campaign, status=Status.ENDED)
    result = client.get(url)
    assert result.status_code == 200
    assert "in, Ada!" in result.text
    assert "This has ended" in client.post(url, LAST_STEP).text


def test_entries_go_on_once_a_paused_campaign_is_live_again(client, halfway):
    campaign, url, entry = halfway
    campaign_set_status(campaign=campaign, status=Status.PAUSED)
    assert "Taking a short break" in client.post(url, LAST_STEP).text
    campaign_set_status(campaign=campaign, status=Status.LIVE)
    assert client.post(url, LAST_STEP).status_code == 303
    entry.refresh_from_db()
    assert entry.status == EntryStatus.COMPLETED
    assert OutboundEmail.objects.exists()
    assert contests.ineligibility(entry) == ""


# --- the draw's cut-off ------------------------------------------------------------------------


def test_the_draw_counts_only_entries_completed_before_the_campaign_closed(client, publish):
    campaign = publish(giveaway_document())
    on_time = eligible_entry(campaign, completed_at=timezone.now() - timedelta(hours=1))
    campaign_set_status(campaign=campaign, status=Status.PAUSED)
    campaign.refresh_from_db()
    # Completed after the pause (a submit that raced it, or data from before the guard).
    late = eligible_entry(campaign, completed_at=campaign.closed_at + timedelta(seconds=1))
    campaign_set_status(campaign=campaign, status=Status.ENDED)
    campaign.refresh_from_db()
    assert campaign.closed_at < late.completed_at  # ending a paused campaign keeps the pause

    assert contests.ineligibility(late) == "It was completed after entries closed."
    assert list(contests.eligible_entries(campaign)) == [on_time]
    draw = draw_run(campaign=campaign, by=None)
    assert draw.proof["n"] == 1
    assert draw.proof["winners"] == [entry_ticket(on_time)]
    assert draw.cutoff == campaign.closed_at
    assert "cutoff" not in draw.proof  # the draw-v1 proof keeps its fields

    page = client.get(f"/c/{campaign.slug}/draws/{draw.pk}/")
    assert "Cut-off" in page.text
    assert f"{draw.cutoff.astimezone(UTC):%H:%M:%S} UTC" in page.text
    assert "when entries closed" in page.text


def test_the_end_date_is_the_cut_off_when_it_came_first(publish):
    ends_at = timezone.now() - timedelta(hours=1)
    campaign = publish(giveaway_document(), ends_at=ends_at)
    early = eligible_entry(campaign, completed_at=ends_at - timedelta(minutes=1))
    eligible_entry(campaign, completed_at=ends_at + timedelta(minutes=1))
    campaign_set_status(campaign=campaign, status=Status.ENDED)  # ended by hand later
    draw = draw_run(campaign=campaign, by=None)
    assert draw.proof["winners"] == [entry_ticket(early)]
    assert draw.cutoff == ends_at


def test_entries_completed_before_the_start_date_are_not_in_the_draw(publish):
    starts_at = timezone.now() - timedelta(days=1)
    campaign = publish(giveaway_document(), starts_at=starts_at)
    eligible_entry(campaign, completed_at=starts_at - timedelta(minutes=1))
    in_time = eligible_entry(campaign, completed_at=starts_at + timedelta(minutes=1))
    assert list(contests.eligible_entries(campaign)) == [in_time]
