"""Filters, search, sorting and keyset pages of a campaign's entrants."""

from datetime import timedelta

import pytest
from django.utils import timezone

from entries.entrants import (
    EntrantFilterForm,
    EntrantFilters,
    capped_count,
    decode_cursor,
    entrant_page,
    entrants,
)
from entries.models import Entry
from tests.entries.export_data import two_version_campaign
from tests.factories import EntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign_with_entries():
    campaign, v1, v2 = two_version_campaign()
    now = timezone.now()
    rows = [
        # (version, status, email, name, score, outcome, source, fraud, days ago)
        (v1, "started", "ann@example.org", "Ann", 1, "", {"utm_source": "newsletter"}, {}, 10),
        (v1, "completed", "bob@example.org", "Bob", 5, "explorer",
         {"referrer": "https://blog.example.com/post"}, {"score": 20}, 5),
        (v2, "completed", "cy@example.org", "Cy Newsletter", 9, "explorer",
         {"utm_source": "Newsletter"}, {"score": 90, "reasons": ["burst"]}, 2),
        (v2, "disqualified", "dee@fraud.test", "Dee", 3, "", {}, {"score": 75}, 0),
    ]
    entries = []
    for version, status, email, name, score, outcome, source, fraud, days in rows:
        entry = EntryFactory(version=version, campaign=campaign, status=status, email=email,
                             name=name, score=score, outcome=outcome, source=source, fraud=fraud)
        Entry.objects.filter(pk=entry.pk).update(started_at=now - timedelta(days=days))
        entries.append(entry)
    EntryFactory()  # another campaign's entry never shows
    return campaign, entries


def names(campaign, **filters):
    return sorted(entrants(campaign, EntrantFilters(**filters)).values_list("name", flat=True))


def test_filters(campaign_with_entries):
    campaign, _ = campaign_with_entries
    assert names(campaign) == ["Ann", "Bob", "Cy Newsletter", "Dee"]
    assert names(campaign, status="completed") == ["Bob", "Cy Newsletter"]
    assert names(campaign, status="started") == ["Ann"]
    assert names(campaign, outcome="explorer") == ["Bob", "Cy Newsletter"]
    assert names(campaign, version=2) == ["Cy Newsletter", "Dee"]
    assert names(campaign, min_fraud=75) == ["Cy Newsletter", "Dee"]
    assert names(campaign, source="newsletter") == ["Ann", "Cy Newsletter"]
    assert names(campaign, source="blog.example") == ["Bob"]
    today = timezone.now().date()
    assert names(campaign, date_from=(today - timedelta(days=6)).isoformat()) == [
        "Bob", "Cy Newsletter", "Dee"]
    assert names(campaign, date_to=(today - timedelta(days=5)).isoformat()) == ["Ann", "Bob"]


def test_search_by_email_or_name(campaign_with_entries):
    campaign, _ = campaign_with_entries
    assert names(campaign, q="BOB@") == ["Bob"]
    assert names(campaign, q="newsletter") == ["Cy Newsletter"]
    assert names(campaign, q="fraud.test") == ["Dee"]
    assert names(campaign, q="@fraud.test") == ["Dee"]  # a domain: searched anywhere
    assert names(campaign, q="ob@example") == []  # an address: by its start, indexed
    assert names(campaign, q="nobody") == []


def test_the_form_turns_query_parameters_into_filters(campaign_with_entries):
    campaign, _ = campaign_with_entries
    form = EntrantFilterForm({"status": "completed", "version": "2", "min_fraud": "50",
                              "sort": "-score", "q": "  cy "}, campaign=campaign)
    assert form.is_valid(), form.errors
    filters = form.filters()
    assert filters == EntrantFilters(status="completed", version=2, min_fraud=50.0,
                                     sort="-score", q="cy")
    assert EntrantFilters.from_json(filters.to_json()) == filters


def test_bad_parameters_are_errors_not_crashes(campaign_with_entries):
    campaign, _ = campaign_with_entries
    form = EntrantFilterForm({"status": "bogus", "version": "99", "min_fraud": "lots",
                              "date_from": "2026-05-02", "date_to": "2026-05-01",
                              "q": "ann"}, campaign=campaign)
    assert not form.is_valid()
    assert {"status", "version", "min_fraud", "date_to"} <= set(form.errors)
    assert form.filters() == EntrantFilters(q="ann", date_from="2026-05-02")


@pytest.mark.parametrize(("sort", "expected"), [
    ("-started", ["Dee", "Cy Newsletter", "Bob", "Ann"]),
    ("started", ["Ann", "Bob", "Cy Newsletter", "Dee"]),
    ("-score", ["Cy Newsletter", "Bob", "Dee", "Ann"]),
    ("score", ["Ann", "Dee", "Bob", "Cy Newsletter"]),
])
@pytest.mark.parametrize("selective", [False, True])
def test_keyset_pages_walk_forward_and_back_in_every_sort(campaign_with_entries, sort,
                                                           expected, selective):
    campaign, _ = campaign_with_entries
    queryset = entrants(campaign, EntrantFilters())
    first = entrant_page(queryset, sort, size=3, selective=selective)
    assert [e.name for e in first.rows] == expected[:3]
    assert first.previous_cursor is None
    assert first.next_cursor
    second = entrant_page(queryset, sort, after=first.next_cursor, size=3, selective=selective)
    assert [e.name for e in second.rows] == expected[3:]
    assert second.next_cursor is None
    assert second.previous_cursor
    back = entrant_page(queryset, sort, before=second.previous_cursor, size=3,
                        selective=selective)
    assert [e.name for e in back.rows] == expected[:3]
    assert back.previous_cursor is None


def test_ties_on_the_sort_column_are_broken_by_id(campaign_with_entries):
    campaign, entries = campaign_with_entries
    Entry.objects.filter(campaign=campaign).update(score=4)
    queryset = entrants(campaign, EntrantFilters())
    seen, cursor = [], ""
    while True:
        page = entrant_page(queryset, "-score", after=cursor, size=1)
        seen += [e.pk for e in page.rows]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert seen == sorted((e.pk for e in entries), reverse=True)


@pytest.mark.parametrize("cursor", ["", "garbage", "W10", "WyJ4IiwgMV0", "WzEsInR3byJd"])
def test_a_forged_cursor_is_the_first_page(campaign_with_entries, cursor):
    campaign, _ = campaign_with_entries
    page = entrant_page(entrants(campaign, EntrantFilters()), "-score", after=cursor, size=2)
    assert [e.name for e in page.rows] == ["Cy Newsletter", "Bob"]
    assert decode_cursor("WyJub3QgYSBkYXRlIiwgMV0", "started_at") is None


def test_capped_count_stops_at_the_cap(campaign_with_entries):
    campaign, _ = campaign_with_entries
    assert capped_count(Entry.objects.filter(campaign=campaign), cap=10) == (4, False)
    assert capped_count(Entry.objects.filter(campaign=campaign), cap=3) == (3, True)
