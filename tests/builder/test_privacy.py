"""The workspace's personal-data page: owners only; export, erase and retention from the UI."""

import json

import pytest

from entries.models import Entry, Erasure
from tests.factories import AnswerFactory, EntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada(workspace):
    entry = EntryFactory(version__campaign__workspace=workspace, email="ada@example.org")
    AnswerFactory(entry=entry, value="Ada")
    return entry


def test_only_owners_reach_the_page(login, owner, editor, viewer):
    assert login(owner).get("/app/privacy/").status_code == 200
    for user in (editor, viewer):
        response = login(user).get("/app/privacy/")
        assert response.status_code == 403
        assert "Only owners of this workspace" in response.text


def test_the_owner_downloads_one_persons_data(login, owner, ada):
    response = login(owner).post("/app/privacy/export/", {"export-email": "ADA@example.org"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="personal-data.json"'
    document = json.loads(response.content)
    assert [e["id"] for e in document["entries"]] == [ada.pk]
    assert document["answers"][0]["value"] == "Ada"


def test_an_unknown_or_invalid_address_is_explained(login, owner, ada):
    response = login(owner).post("/app/privacy/export/", {"export-email": "zed@example.org"})
    assert response.status_code == 200
    assert "No entry in this workspace belongs to that address." in response.text
    response = login(owner).post("/app/privacy/export/", {"export-email": "nope"})
    assert 'id="id_export-email_error"' in response.text


def test_erasing_needs_the_address_twice_then_logs_it(login, owner, ada):
    client = login(owner)
    response = client.post("/app/privacy/erase/", {"erase-email": "ada@example.org",
                                                   "erase-confirm": "bob@example.org"})
    assert "The two addresses differ." in response.text
    assert Entry.objects.filter(pk=ada.pk).exists()

    response = client.post("/app/privacy/erase/", {"erase-email": "ada@example.org",
                                                   "erase-confirm": "ADA@example.org"},
                           follow=True)
    assert not Entry.objects.filter(pk=ada.pk).exists()
    erasure = Erasure.objects.get()
    assert "Erased 1 entry, 1 answer, 0 interactions, 0 files, 0 emails." in response.text
    assert erasure.email_hash[:14] in response.text
    assert "ada@example.org" not in response.text


def test_retention_is_saved_and_validated(login, owner, workspace):
    client = login(owner)
    response = client.post("/app/privacy/retention/", {"days": "0"})
    assert response.status_code == 200
    assert 'id="id_days_error"' in response.text
    client.post("/app/privacy/retention/", {"days": "90"})
    workspace.refresh_from_db()
    assert workspace.retention_days == 90
    response = client.post("/app/privacy/retention/", {"days": ""}, follow=True)
    workspace.refresh_from_db()
    assert workspace.retention_days is None
    assert "Retention is off" in response.text


def test_another_workspaces_person_is_not_found(login, outsider, ada):
    response = login(outsider).post("/app/privacy/export/", {"export-email": "ada@example.org"})
    assert "No entry in this workspace belongs to that address." in response.text
    login(outsider).post("/app/privacy/erase/", {"erase-email": "ada@example.org",
                                                 "erase-confirm": "ada@example.org"})
    assert Entry.objects.filter(pk=ada.pk).exists()
