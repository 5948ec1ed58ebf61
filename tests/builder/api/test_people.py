"""One person's data through the API: exported as JSON, or erased and logged."""

import pytest

from entries.models import Entry, Erasure
from tests.factories import AnswerFactory, EntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada(campaign):
    entry = EntryFactory(campaign=campaign, version=campaign.published_version,
                         email="ada@example.org")
    AnswerFactory(entry=entry, question_key="email", value="ada@example.org")
    return entry


def test_export_one_person(api, ada):
    response = api.post("/people/export", {"email": "ADA@example.org"})
    assert response.status_code == 200
    body = response.json()
    assert [e["id"] for e in body["entries"]] == [ada.pk]
    assert body["answers"][0]["value"] == "ada@example.org"


def test_erase_one_person(api, ada):
    response = api.post("/people/erase", {"email": "ada@example.org"})
    assert response.status_code == 200
    assert response.json()["counts"]["entries"] == 1
    assert "1 entry" in response.json()["erased"]
    assert not Entry.objects.filter(pk=ada.pk).exists()
    erasure = Erasure.objects.get()
    assert erasure.by == api.key.created_by
    assert erasure.workspace == api.key.workspace


@pytest.mark.parametrize("path", ["/people/export", "/people/erase"])
def test_unknown_and_invalid_addresses(api, ada, path):
    assert api.post(path, {"email": "nobody@example.org"}).status_code == 404
    invalid = api.post(path, {"email": "not an address"})
    assert invalid.status_code == 422
    assert invalid.json()["detail"]
    assert api.post(path, {}).status_code == 422
    assert Entry.objects.filter(pk=ada.pk).exists()


def test_another_workspaces_people_are_not_found(api_as, ada, publish, lead_form):
    other = publish(lead_form)
    theirs = api_as(workspace=other.workspace)
    assert theirs.post("/people/export", {"email": "ada@example.org"}).status_code == 404
    assert theirs.post("/people/erase", {"email": "ada@example.org"}).status_code == 404
    assert Entry.objects.filter(pk=ada.pk).exists()
