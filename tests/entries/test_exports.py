"""CSV exports checked cell by cell against the entries, in both layouts, with hostile values."""

import csv
import io

import pytest

from entries.entrants import EntrantFilters
from entries.exports.cells import neutralise
from entries.exports.columns import wide_columns
from entries.exports.resources import EntryResource
from entries.exports.stream import ExportSpec, csv_chunks
from entries.models import Answer, Entry
from tests.entries.export_data import HOSTILE, hostile_entries, two_version_campaign
from tests.factories import CampaignFactory, CampaignVersionFactory, UserFactory

pytestmark = pytest.mark.django_db

WIDE_HEADERS = [
    "Entry ID", "Version", "Status", "Started (UTC)", "Completed (UTC)", "Last activity (UTC)",
    "Email", "Name", "Score", "Outcome", "Language", "UTM source", "UTM medium", "UTM campaign",
    "UTM term",
    "UTM content", "Referrer", "Your name (name)", "Favourite colours", "Your name (city)",
    "Campaign source", "Age", "Consent", "Fraud score", "Fraud reasons", "Referral code",
    "Referred by (entry ID)", "Bonus tickets",
]


def export(spec: ExportSpec, *, chunk_size: int = 3) -> tuple[str, list[list[str]]]:
    text = "".join(piece for piece, _ in csv_chunks(spec, chunk_size=chunk_size))
    return text, list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


@pytest.fixture
def data():
    campaign, v1, v2 = two_version_campaign()
    return campaign, hostile_entries(campaign, v1, v2)


@pytest.mark.parametrize("value", [*HOSTILE, "\0nul", "=1+2", "-", "@"])
def test_every_formula_start_is_neutralised(value):
    assert neutralise(value) == ("'" + value if value[0] in "=+-@\t\r\0" else value)


def test_ordinary_text_is_left_alone():
    assert neutralise("Ada Lovelace") == "Ada Lovelace"
    assert neutralise("ada@example.org") == "ada@example.org"
    assert neutralise("") == ""


def test_wide_export_cell_by_cell(data):
    campaign, entries = data
    _, rows = export(ExportSpec(campaign=campaign))
    assert rows[0] == WIDE_HEADERS
    assert len(rows) == 1 + len(entries)
    by_id = {row[0]: dict(zip(WIDE_HEADERS, row, strict=True)) for row in rows[1:]}
    for index, value in enumerate(HOSTILE):
        entry = entries[index]
        cells = by_id[str(entry.pk)]
        safe = "'" + value if value[0] in "=+-@\t\r" else value
        assert cells["Your name (name)"] == safe
        assert cells["Name"] == safe
        assert cells["Version"] == "v1"
        assert cells["Status"] == "Partial"
        assert cells["Email"] == f"p{index}@example.org"
        assert cells["Favourite colours"] == "Red, Blue, obviously"  # v1's labels
        assert cells["Age"] == ("-3" if index == 0 else str(30 + index))  # numbers stay numbers
        assert cells["Score"] == ("-2" if index == 2 else str(index))
        assert cells["UTM source"] == "'=evil()"
        assert cells["Referrer"] == "https://ex.org/a"
        assert cells["Your name (city)"] == ""
        assert cells["Completed (UTC)"] == ""
        assert cells["Started (UTC)"] == entry.started_at.strftime("%Y-%m-%d %H:%M:%S")
        assert cells["Referral code"] == neutralise(entry.referral_code)
    ada = by_id[str(entries[-1].pk)]
    assert ada["Version"] == "v2"
    assert ada["Status"] == "Completed"
    assert ada["Favourite colours"] == "Crimson"  # v2 renamed the choice
    assert ada["Your name (city)"] == "Paris"
    assert ada["Campaign source"] == "newsletter"
    assert ada["Outcome"] == "The Explorer"
    assert ada["Score"] == "7.5"
    assert ada["Fraud score"] == "80"
    assert ada["Fraud reasons"] == "burst"
    assert ada["Consent"] == "rules_version: 2"
    assert ada["Age"] == ""
    assert ada["Bonus tickets"] == "0"


def test_wide_export_in_entry_order_whatever_the_chunk_size(data):
    campaign, entries = data
    texts = {export(ExportSpec(campaign=campaign), chunk_size=size)[0] for size in (1, 2, 100)}
    assert len(texts) == 1
    _, rows = export(ExportSpec(campaign=campaign))
    assert [row[0] for row in rows[1:]] == [str(e.pk) for e in sorted(entries, key=lambda e: e.pk)]


def test_long_export_one_row_per_answer(data):
    campaign, entries = data
    _, rows = export(ExportSpec(campaign=campaign, format="long"))
    assert rows[0] == ["Entry ID", "Version", "Status", "Email", "Step", "Question key",
                       "Question", "Answer", "First answer", "Times changed", "Answered (UTC)"]
    assert len(rows) == 1 + 3 * len(HOSTILE) + 4
    first = entries[0]
    mine = [row for row in rows[1:] if row[0] == str(first.pk)]
    assert {row[5]: row[6:10] for row in mine} == {
        "name": ["Your name", "'" + HOSTILE[0], "'" + HOSTILE[0], "0"],
        "colours": ["Favourite colours", "Red, Blue, obviously", "Red", "1"],
        "age": ["Age", "-3", "30", "0"],
    }
    assert all(row[4] == "s1" and row[1] == "v1" for row in mine)
    ada = {row[5]: row[7] for row in rows[1:] if row[0] == str(entries[-1].pk)}
    assert ada == {"name": "Ada", "colours": "Crimson", "city": "Paris",
                   "utm_source": "newsletter"}


def test_interactions_export(data):
    campaign, entries = data
    _, rows = export(ExportSpec(campaign=campaign, format="interactions"))
    assert rows[0][:5] == ["Entry ID", "Version", "Email", "Step", "Event"]
    events = [row for row in rows[1:] if row[0] == str(entries[-1].pk)]
    change = next(row for row in events if row[4] == "Answer changed")
    assert change[5] == "colours"
    assert change[8] == "blue"
    assert change[9] == "red"
    timing = next(row for row in events if row[4] == "Time on step")
    assert timing[7] == "4200"


def test_without_partial_entries_and_with_filters(data):
    campaign, entries = data
    _, rows = export(ExportSpec(campaign=campaign, include_partial=False))
    assert [row[0] for row in rows[1:]] == [str(entries[-1].pk)]
    _, rows = export(ExportSpec(campaign=campaign, filters=EntrantFilters(q="p3@")))
    assert [row[0] for row in rows[1:]] == [str(entries[3].pk)]
    _, rows = export(ExportSpec(campaign=campaign, format="long",
                                filters=EntrantFilters(version=2)))
    assert {row[0] for row in rows[1:]} == {str(entries[-1].pk)}


def test_bom_option(data):
    campaign, _ = data
    with_bom, _ = export(ExportSpec(campaign=campaign, bom=True))
    without, _ = export(ExportSpec(campaign=campaign))
    assert with_bom.startswith("\ufeffEntry ID,")
    assert without.startswith("Entry ID,")
    assert with_bom.encode("utf-8")[:3] == b"\xef\xbb\xbf"


def test_an_empty_campaign_exports_its_headers(data):
    campaign = CampaignFactory()
    CampaignVersionFactory(campaign=campaign)
    for fmt in ("wide", "long", "interactions"):
        text, rows = export(ExportSpec(campaign=campaign, format=fmt))
        assert len(rows) == 1
        assert rows[0][0] == "Entry ID"
        assert text.endswith("\r\n")
    _, rows = export(ExportSpec(campaign=campaign))
    assert "Name" in rows[0]  # the factory version's one question


def test_headers_are_unique_shortened_and_neutralised():
    campaign, _, _ = two_version_campaign()
    headers = [c.header for c in wide_columns([campaign])]
    assert len({h.casefold() for h in headers}) == len(headers)
    assert "Hello" not in headers  # statements have no answer

    long_label = "How likely are you to recommend us to a friend or colleague, " * 3
    CampaignVersionFactory(campaign=campaign, number=3, definition={
        "schema": 1, "name": "x", "kind": "quiz", "steps": [{"key": "s1", "questions": [
            {"key": "formula", "kind": "short_text", "label": "=HYPERLINK(\"http://x\")"},
            {"key": "nps", "kind": "opinion_scale", "label": long_label},
            {"key": "nps2", "kind": "opinion_scale", "label": long_label},
            {"key": "email", "kind": "email", "label": "Email"},
        ]}]})
    headers = [c.header for c in wide_columns([campaign])]
    assert "'=HYPERLINK(\"http://x\")" in headers
    nps = [h for h in headers if h.startswith("How likely")]
    assert len(nps) == 2
    assert all(len(h) <= 80 + len(" (nps2)") for h in nps)
    assert nps[0].endswith("… (nps)")
    assert nps[1].endswith("… (nps2)")
    assert "Email (email)" in headers
    assert "Email" in headers
    assert len({h.casefold() for h in headers}) == len(headers)


def test_the_admin_resource_declares_the_same_columns_and_cells(data):
    campaign, entries = data
    _, rows = export(ExportSpec(campaign=campaign))
    dataset = EntryResource().export(Entry.objects.filter(campaign=campaign).order_by("id"))
    assert list(dataset.headers) == rows[0]
    assert [list(row) for row in dataset] == rows[1:]


def test_streaming_holds_one_chunk_of_queries_at_a_time(data, django_assert_max_num_queries):
    campaign, _ = data
    with django_assert_max_num_queries(2 + 2 * 4 + 1):
        export(ExportSpec(campaign=campaign), chunk_size=3)


def test_the_django_admin_exports_with_the_resource(data, client):
    campaign, entries = data
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    form = client.get("/admin/entries/entry/export/")
    assert 'name="entryresource_answers"' in form.text  # the question columns as one choice
    fields = ["entry_id", "status", "name", "answers", "fraud_score"]
    response = client.post(f"/admin/entries/entry/export/?campaign__id__exact={campaign.pk}", {
        "format": "0", "resource": "0", **{f"entryresource_{name}": "on" for name in fields}})
    assert response.status_code == 200, response.content[:500]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"), newline="")))
    assert rows[0] == ["Entry ID", "Status", "Name", "Your name (name)", "Favourite colours",
                       "Your name (city)", "Campaign source", "Age", "Fraud score"]
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id[str(entries[0].pk)][2:5] == ["'" + HOSTILE[0], "'" + HOSTILE[0],
                                              "Red, Blue, obviously"]
    assert by_id[str(entries[-1].pk)][-1] == "80"


def test_json_columns_read_as_text_give_the_cells_the_json_field_gives(data):
    """The streaming export decodes consent, fraud and answers from their text itself."""
    campaign, entries = data
    odd = {"nested": {"list": [1, 2.5, None, True], "ünï": "✓ \u2028"}, "big": 10**20}
    Entry.objects.filter(pk=entries[-1].pk).update(
        consent={"rules": {"wording": "J'accepte ✓", "at": "2026-12-03T10:00:00+00:00"},
                 "marketing": True},
        fraud={"score": 12.5, "reasons": ["ip", "ünï"]},
        answer_values={**entries[-1].answer_values, "city": odd})
    Answer.objects.filter(entry=entries[-1], question_key="city").update(value=odd)
    _, rows = export(ExportSpec(campaign=campaign))
    dataset = EntryResource().export(Entry.objects.filter(campaign=campaign).order_by("id"))
    assert [list(row) for row in dataset] == rows[1:]
    last = dict(zip(rows[0], rows[-1], strict=True))
    assert last["Fraud score"] == "12.5"
    assert last["Fraud reasons"] == "ip, ünï"
    assert "J'accepte ✓" in last["Consent"]
    assert '"ünï": "✓ \u2028"' in last["Your name (city)"]
