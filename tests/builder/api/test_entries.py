"""Entries through the API: cursor pages, filters, one entry in full."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.blueprints import gallery_template
from entries.models import Entry
from tests.factories import (
    AnswerFactory,
    EntryAuditFactory,
    EntryFactory,
    InteractionFactory,
    OutboundEmailFactory,
)

pytestmark = pytest.mark.django_db


def _entry(campaign, **fields):
    return EntryFactory(campaign=campaign, version=campaign.published_version, **fields)


def _all_pages(api, **params) -> list[int]:
    ids, cursor = [], None
    while True:
        page = api.get("/entries", **params, **({"cursor": cursor} if cursor else {})).json()
        ids += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return ids


def test_pages_see_every_entry_once_while_new_ones_arrive(api, campaign):
    made = [_entry(campaign).pk for _ in range(25)]
    seen, cursor = [], None
    for _ in range(20):
        page = api.get("/entries", limit=10, **({"cursor": cursor} if cursor else {})).json()
        seen += [item["id"] for item in page["items"]]
        made += [_entry(campaign).pk for _ in range(3)]  # arrive between pages
        cursor = page["next_cursor"]
        if cursor is None:
            break
    # Everything that arrived before the last page was read is in it, exactly once.
    assert len(seen) == len(set(seen))
    assert set(made[: len(seen)]) == set(seen)
    assert seen == made[: len(seen)]
    assert len(seen) >= 25


def test_an_entry_that_changes_comes_again_after_the_cursor(api, campaign):
    first, second = _entry(campaign), _entry(campaign)
    page = api.get("/entries", limit=1).json()
    assert [i["id"] for i in page["items"]] == [first.pk]
    Entry.objects.filter(pk=first.pk).update(updated_at=timezone.now() + timedelta(seconds=1))
    rest = api.get("/entries", limit=10, cursor=page["next_cursor"]).json()
    assert [i["id"] for i in rest["items"]] == [second.pk, first.pk]


def test_a_page_costs_the_same_queries_wherever_it_is(api, campaign,
                                                      django_assert_num_queries):
    for _ in range(30):
        _entry(campaign)
    api.get("/entries", limit=5)  # writes last_used_at once
    cursor = None
    for _ in range(6):
        with django_assert_num_queries(2):  # the key, the page
            page = api.get("/entries", limit=5, **({"cursor": cursor} if cursor else {}))
        assert page.status_code == 200
        cursor = page.json()["next_cursor"]
    assert cursor is None


def test_items_carry_answers_by_their_stable_keys(api, campaign):
    entry = _entry(campaign, answer_values={"email": "ada@example.org", "company_size": "11-50"},
                   status="completed", completed_at=timezone.now(), outcome="team")
    item = api.get("/entries").json()["items"][0]
    assert item["id"] == entry.pk
    assert item["answers"] == {"email": "ada@example.org", "company_size": "11-50"}
    assert item["version"] == campaign.published_version.number
    assert item["campaign_id"] == campaign.pk
    assert item["outcome"] == "team"
    assert item["status"] == "completed"


def test_filters(api, campaign, publish, lead_form):
    now = timezone.now()
    old = _entry(campaign, status="completed", completed_at=now - timedelta(days=3),
                 outcome="team")
    new = _entry(campaign, status="completed", completed_at=now, outcome="enterprise")
    partial = _entry(campaign)
    disqualified = _entry(campaign, status="disqualified", completed_at=now)
    other = publish(lead_form)
    other.workspace = campaign.workspace
    other.save()
    elsewhere = _entry(other)
    assert _all_pages(api, status="started") == [partial.pk, elsewhere.pk]
    assert _all_pages(api, outcome="team") == [old.pk]
    assert _all_pages(api, completed_since=(now - timedelta(days=1)).isoformat()) == [
        new.pk, disqualified.pk]
    assert _all_pages(api, campaign=other.pk) == [elsewhere.pk]
    assert _all_pages(api, order="completed") == [old.pk, new.pk, disqualified.pk]
    Entry.objects.filter(pk=old.pk).update(updated_at=now + timedelta(seconds=5))
    assert _all_pages(api, updated_since=(now + timedelta(seconds=1)).isoformat()) == [old.pk]


@pytest.mark.parametrize(("params", "status"), [
    ({"cursor": "not-ours"}, 400), ({"limit": 0}, 400), ({"limit": 501}, 400),
    ({"status": "winning"}, 422), ({"completed_since": "yesterday"}, 422),
    ({"order": "random"}, 422),
])
def test_bad_parameters_are_refused_with_a_message(api, campaign, params, status):
    response = api.get("/entries", **params)
    assert response.status_code == status
    assert response.json()["detail"]


def test_another_workspaces_entries_are_never_listed_or_found(api_as, campaign, publish,
                                                              lead_form):
    mine = _entry(campaign)
    other = publish(lead_form)
    theirs = _entry(other)
    api = api_as()
    assert _all_pages(api) == [mine.pk]
    assert _all_pages(api, campaign=other.pk) == []
    assert api.get(f"/entries/{theirs.pk}").status_code == 404
    assert api.get(f"/entries/{mine.pk}").status_code == 200


def test_one_entry_in_full(api, campaign):
    entry = _entry(campaign, answer_values={"email": "ada@example.org"},
                   trail=["contact"], current_step="company_profile")
    AnswerFactory(entry=entry, question_key="email", value="ada@example.org",
                  first_value="ada@example.com", changes=1)
    InteractionFactory(entry=entry, step_key="contact", kind="submit")
    OutboundEmailFactory(campaign=campaign, entry=entry, to_email="ada@example.org",
                         status="sent", subject="Thanks")
    body = api.get(f"/entries/{entry.pk}").json()
    assert body["path"] == ["contact", "company_profile"]
    email = next(a for a in body["answered"] if a["question"] == "email")
    assert email["value"] == "ada@example.org"
    assert email["first_shown"] == "ada@example.com"
    assert email["changes"] == 1
    assert email["step"] == "contact"
    assert [i["kind"] for i in body["interactions"]] == ["submit"]
    assert body["emails"][0]["to"] == "ada@example.org"
    assert body["emails"][0]["status"] == "sent"
    assert body["contest"] is None


def test_a_contest_entry_carries_its_contest_state(api_as, publish):
    giveaway = publish(gallery_template("giveaway").document)
    api = api_as(workspace=giveaway.workspace)
    entry = EntryFactory(campaign=giveaway, version=giveaway.published_version,
                         status="disqualified", completed_at=timezone.now(), bonus_tickets=2)
    EntryAuditFactory(entry=entry, reason="Same household")
    contest = api.get(f"/entries/{entry.pk}").json()["contest"]
    assert contest["tickets"] == 3
    assert contest["eligible"] is False
    assert contest["ineligible_because"] == "This entry was disqualified."
    assert contest["ticket_id"]
    assert contest["audit"][0]["reason"] == "Same household"
