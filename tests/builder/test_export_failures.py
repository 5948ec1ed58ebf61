"""Exports that fail part-way fail loudly, and rows stored before visitor input was checked (a lone
surrogate in interaction data, as SQLite accepted) still show on every marketer page and CSV."""

import csv
import http.client
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from http.cookies import SimpleCookie

import pytest
from django.db import connection
from django.utils import timezone

from entries.exports.stream import CHUNK_SIZE, INCOMPLETE
from entries.models import Answer, Entry, Export, ExportStatus
from entries.services import exports as export_services
from tests.entries.export_data import hostile_entries, two_version_campaign
from tests.factories import (
    AnswerFactory,
    CampaignVersionFactory,
    EntryFactory,
    InteractionFactory,
)
from tests.integration.conftest import ROOT, _database_url

pytestmark = pytest.mark.django_db


def _rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8").removeprefix("\ufeff"), newline="")))


def _broken_entry(campaign) -> Entry:
    """An entry (with an answer) whose version's definition no longer loads: a real fault in
    the data, made without touching our code. The version is not one of the campaign's own, so
    the entrants page, which lists those, still opens."""
    broken = CampaignVersionFactory(definition={"schema": 1})
    entry = EntryFactory(campaign=campaign, version=broken)
    AnswerFactory(entry=entry, question_key="city", value="Paris")
    return entry


@pytest.fixture
def data(workspace):
    campaign, v1, v2 = two_version_campaign(workspace=workspace)
    return campaign, v1, v2, hostile_entries(campaign, v1, v2)


@pytest.mark.skipif(connection.vendor != "sqlite",
                    reason="PostgreSQL never stored a lone surrogate: jsonb refuses it")
def test_a_stored_lone_surrogate_shows_as_a_replacement_everywhere(login, owner, data):
    campaign, _, _, entries = data
    ada = entries[-1]
    InteractionFactory(entry=ada, step_key="s1", kind="change",
                       data={"question": "name", "first": "A\ud800", "value": "\ud800da"})
    client = login(owner)
    page = client.get(f"/app/campaigns/{campaign.pk}/entrants/{ada.pk}/")
    assert page.status_code == 200
    assert "\ufffdda (first answer: A\ufffd)" in page.text
    assert client.get(f"/app/campaigns/{campaign.pk}/entrants/").status_code == 200
    response = client.post(f"/app/campaigns/{campaign.pk}/exports/",
                           {"format": "interactions", "include_partial": "on"})
    rows = _rows(b"".join(response.streaming_content))
    assert ["A\ufffd", "\ufffdda"] in [row[8:10] for row in rows]
    assert len(rows) == 1 + 3  # the header and all three of Ada's events
    personal = client.post("/app/privacy/export/", {"export-email": "ada@example.org"})
    assert personal.status_code == 200
    assert "\ufffdda" in personal.content.decode("utf-8")


def test_a_download_that_fails_before_its_first_rows_says_why_instead(login, editor, data):
    campaign, *_ = data
    _broken_entry(campaign)
    response = login(editor).post(f"/app/campaigns/{campaign.pk}/exports/",
                                  {"format": "long", "include_partial": "on"})
    assert response.status_code == 302
    assert response["Location"] == f"/app/campaigns/{campaign.pk}/entrants/"
    # (The table would show the broken entry too, so the message is read on a filtered one.)
    page = login(editor).get(f"{response['Location']}?status=completed").text
    assert "The export failed (BlueprintError: Invalid blueprint" in page
    assert "Nothing was downloaded." in page


def _many_entries_then_a_broken_one(campaign, version) -> None:
    """A first chunk of good entries (each with an answer), then one that cannot be exported."""
    made = Entry.objects.bulk_create(Entry(campaign=campaign, version=version, current_step="s1")
                                     for _ in range(CHUNK_SIZE))
    Answer.objects.bulk_create(Answer(entry=entry, question_key="name", value="Bo",
                                      first_value="Bo", answered_at=timezone.now())
                               for entry in made)
    _broken_entry(campaign)


@pytest.mark.django_db(transaction=True)
def test_a_download_that_fails_part_way_is_cut_off_and_says_it_is_incomplete(live_server,
                                                                              client, workspace,
                                                                              editor):
    """Through a real HTTP server and client: the file ends with the incomplete row."""
    campaign, v1, _ = two_version_campaign(workspace=workspace)
    _many_entries_then_a_broken_one(campaign, v1)
    client.force_login(editor)
    cookies = {"sessionid": client.cookies["sessionid"].value}
    entrants = f"{live_server.url}/app/campaigns/{campaign.pk}/entrants/?status=completed"
    with urllib.request.urlopen(urllib.request.Request(
            entrants, headers={"Cookie": f"sessionid={cookies['sessionid']}"})) as page:
        jar = SimpleCookie()
        for header in page.headers.get_all("Set-Cookie"):
            jar.load(header)
    cookies["csrftoken"] = jar["csrftoken"].value
    request = urllib.request.Request(
        f"{live_server.url}/app/campaigns/{campaign.pk}/exports/",
        data=b"format=long&include_partial=on", method="POST",
        headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
                 "X-CSRFToken": cookies["csrftoken"], "Referer": entrants,
                 "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request) as response:
        assert response.status == 200
        body = response.read()
    rows = _rows(body)
    assert rows[0][0] == "Entry ID"
    assert len(rows) == 1 + CHUNK_SIZE + 1
    assert rows[-1] == [INCOMPLETE]


def test_the_streamed_response_itself_raises_after_the_incomplete_row(login, editor, workspace):
    campaign, v1, _ = two_version_campaign(workspace=workspace)
    _many_entries_then_a_broken_one(campaign, v1)
    response = login(editor).post(f"/app/campaigns/{campaign.pk}/exports/",
                                  {"format": "long", "include_partial": "on"})
    pieces = []
    with pytest.raises(Exception, match="Invalid blueprint"):
        pieces.extend(response.streaming_content)  # what was sent before it failed is kept
    assert _rows(b"".join(pieces))[-1] == [INCOMPLETE]


def test_a_job_that_fails_part_way_keeps_no_file_and_says_how_far_it_got(login, editor, data):
    campaign, *_ = data
    _broken_entry(campaign)
    export = Export.objects.create(campaign=campaign, requested_by=editor, format="long")
    with pytest.raises(Exception, match="Invalid blueprint"):
        export_services.export_run(export=export)
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED
    assert not export.file
    assert export.error.startswith("stopped after 0 of 10 entries (BlueprintError:")
    page = login(editor).get(f"/app/campaigns/{campaign.pk}/exports/{export.pk}/")
    assert "The export failed: stopped after 0 of" in page.text
    assert "Download CSV" not in page.text


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="gunicorn needs a database it can share: CI's PostgreSQL run")
@pytest.mark.django_db(transaction=True)
def test_through_gunicorn_a_download_failing_part_way_is_an_unfinished_transfer(client,
                                                                                workspace,
                                                                                editor):
    """The production server, a plain HTTP client: the chunked body never gets its last chunk,
    so the client knows the file is incomplete, and what did arrive ends with the row."""
    campaign, v1, _ = two_version_campaign(workspace=workspace)
    _many_entries_then_a_broken_one(campaign, v1)
    client.force_login(editor)
    session = client.cookies["sessionid"].value
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "DATABASE_URL": _database_url()}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "1",
                               "--bind", f"127.0.0.1:{port}"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        connection_to = _connect(port)
        connection_to.request("GET", f"/app/campaigns/{campaign.pk}/entrants/?status=completed",
                              headers={"Cookie": f"sessionid={session}"})
        page = connection_to.getresponse()
        page.read()
        jar = SimpleCookie()
        for header in page.headers.get_all("Set-Cookie"):
            jar.load(header)
        token = jar["csrftoken"].value
        connection_to.request(
            "POST", f"/app/campaigns/{campaign.pk}/exports/", body="format=long&include_partial=on",
            headers={"Cookie": f"sessionid={session}; csrftoken={token}", "X-CSRFToken": token,
                     "Content-Type": "application/x-www-form-urlencoded"})
        response = connection_to.getresponse()
        assert response.status == 200
        assert response.getheader("Transfer-Encoding") == "chunked"
        with pytest.raises(http.client.IncompleteRead) as cut_off:
            response.read()
        assert _rows(cut_off.value.partial)[-1] == [INCOMPLETE]
    finally:
        server.terminate()
        server.wait(timeout=30)


def _connect(port: int) -> http.client.HTTPConnection:
    """A connection to the server on `port` once it listens (it takes a second or two)."""
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            time.sleep(0.1)
        else:
            return http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    raise AssertionError(f"gunicorn did not listen on port {port}")
