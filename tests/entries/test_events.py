"""Micro-interaction batches sent by the runtime script."""

import json
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from entries.models import Entry, Interaction
from tests.entries.documents import branching_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry_url(client, publish):
    cache.clear()
    campaign = publish(branching_quiz())
    client.post(f"/c/{campaign.slug}/")
    entry = Entry.objects.get()
    Interaction.objects.all().delete()
    return f"/c/{campaign.slug}/e/{entry.token}/events"


def now_ms() -> int:
    return int(time.time() * 1000)


def send(client, url, payload):
    body = payload if isinstance(payload, str | bytes) else json.dumps(payload)
    return client.post(url, body, content_type="application/json")


def test_a_valid_batch_is_written_with_one_insert(client, entry_url):
    events = [
        {"kind": "view", "step": "about", "at": now_ms()},
        {"kind": "focus", "step": "about", "at": now_ms(), "data": {"question": "name"}},
        {"kind": "change", "step": "taste", "at": now_ms(),
         "data": {"question": "drink", "first": "tea", "value": "coffee"}},
        {"kind": "time", "step": "about", "at": now_ms(), "data": {"ms": 5400}},
    ]
    with CaptureQueriesContext(connection) as queries:
        response = send(client, entry_url, {"events": events})
    assert response.status_code == 204
    inserts = [q for q in queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1
    rows = list(Interaction.objects.values_list("kind", "step_key", "data"))
    assert rows[2] == ("change", "taste", {"question": "drink", "first": "tea", "value": "coffee"})
    assert len(rows) == 4


@pytest.mark.parametrize(("payload", "reason"), [
    ("not json", "Expecting value"),
    ({"events": []}, "expected"),
    ({"events": [{"kind": "submit", "step": "about", "at": 1}]}, "unknown kind"),
    ({"events": [{"kind": "view", "step": "elsewhere", "at": 1}]}, "not a step"),
    ({"events": [{"kind": "view", "step": "about", "at": "soon"}]}, "milliseconds"),
    ({"events": [{"kind": "view", "step": "about", "at": 1}]}, "too far"),
    ({"events": [{"kind": "focus", "step": "about", "at": 0, "data": {"question": "x"}}]},
     "too far"),
    ({"events": [{"kind": "view", "step": "about", "at": 9 * 10**14}]}, "not a time"),
    # Values of the wrong type, lists and objects included, are refused like unknown ones.
    ({"events": [{"kind": ["view"], "step": "about", "at": 1}]}, "unknown kind"),
    ({"events": [{"kind": "view", "step": {"about": 1}, "at": 1}]}, "not a step"),
    ({"events": [{"kind": "focus", "step": "about", "at": now_ms(),
                  "data": {"question": ["drink"]}}]}, "not a question"),
])
def test_bad_batches_are_refused_whole(client, entry_url, payload, reason):
    response = send(client, entry_url, payload)
    assert response.status_code == 400
    assert reason in response.json()["error"]
    assert not Interaction.objects.exists()


def test_batches_are_bounded_in_count_and_size(client, entry_url):
    many = [{"kind": "view", "step": "about", "at": now_ms()}] * 101
    assert send(client, entry_url, {"events": many}).status_code == 400
    huge = [{"kind": "view", "step": "about", "at": now_ms(), "data": {"x": "y" * 400}}] * 90
    assert send(client, entry_url, {"events": huge}).status_code == 400
    assert not Interaction.objects.exists()


def test_unknown_entries_get_404(client, entry_url):
    forged = entry_url.replace("/e/", "/e/x")
    assert send(client, forged, {"events": []}).status_code == 404


def change(value: str) -> str:
    """A change event whose value is the raw JSON text `value`."""
    return (f'{{"events": [{{"kind": "change", "step": "about", "at": {now_ms()}, '
            f'"data": {{"question": "name", "value": {value}}}}}]}}')


@pytest.mark.parametrize(("body", "reason"), [
    ("[" * 50_000 + "]" * 50_000, "The batch is 100000 bytes; the most is 32000."),
    ("[" * 10_000 + "]" * 10_000, "nests deeper than 5 levels"),
    ('{"events": [{"data": {"value": [[["deep"]]]}}]}', "nests deeper than 5 levels"),
    (change("NaN"), "NaN is not a number JSON allows"),
    (change("-Infinity"), "-Infinity is not a number JSON allows"),
    (change("1e400"), "The number 1e400 is not a finite number"),
    (change("1" * 5_000), "is beyond ±1e+15"),
    (change('"\\ud800"'), "The batch at events[0].data.value contains broken Unicode"),
    (change('"a\\u0000b"'), "The batch at events[0].data.value contains a NUL character"),
    (change('{"k\\u0000": 1}'), "The batch at events[0].data.value, in a key, contains a NUL"),
    (change('"x"').encode().replace(b'"x"', b'"\xed\xa0\x80"'), "not valid UTF-8"),
])
def test_what_the_database_cannot_hold_is_refused_with_the_reason(client, entry_url, body,
                                                                   reason):
    response = send(client, entry_url, body)
    assert response.status_code == 400
    assert reason in response.json()["error"]
    assert not Interaction.objects.exists()


def test_a_storable_change_with_unicode_is_kept(client, entry_url):
    assert send(client, entry_url, change('"Zoë 😀 \\ud83d\\ude00"')).status_code == 204
    assert Interaction.objects.get().data["value"] == "Zoë 😀 😀"
