"""CSV exports through the API: a job, its status, its file, for the key's creator only."""

import pytest
from django.utils import timezone

from entries.models import Export
from tests.factories import EntryFactory, ExportFactory

pytestmark = pytest.mark.django_db


def test_an_export_job_runs_and_its_file_downloads(api, campaign,
                                                   django_capture_on_commit_callbacks):
    EntryFactory(campaign=campaign, version=campaign.published_version, status="completed",
                 completed_at=timezone.now(), answer_values={"email": "ada@example.org"},
                 email="ada@example.org")
    EntryFactory(campaign=campaign, version=campaign.published_version)
    with django_capture_on_commit_callbacks(execute=True):
        started = api.post(f"/campaigns/{campaign.pk}/exports", {"include_partial": False})
    assert started.status_code == 202
    export_id = started.json()["id"]
    export = Export.objects.get(pk=export_id)
    assert export.requested_by == api.key.created_by
    status = api.get(f"/exports/{export_id}").json()
    assert status["status"] == "done"
    assert status["rows_done"] == 1
    assert status["file"].endswith(f"/api/v1/exports/{export_id}/file")
    response = api.get(f"/exports/{export_id}/file")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    assert "ada@example.org" in text
    assert len(text.strip().splitlines()) == 2  # the header and the one completed entry


def test_a_file_not_ready_is_409_and_an_expired_one_410(api, campaign):
    pending = ExportFactory(campaign=campaign, requested_by=api.key.created_by)
    response = api.get(f"/exports/{pending.pk}/file")
    assert response.status_code == 409
    assert "waiting" in response.json()["detail"]
    Export.objects.filter(pk=pending.pk).update(status="done", file="exports/x/y.csv",
                                                expires_at=timezone.now())
    assert api.get(f"/exports/{pending.pk}/file").status_code == 410


def test_someone_elses_or_another_workspaces_export_is_404(api, campaign):
    colleagues = ExportFactory(campaign=campaign)  # asked by someone else
    elsewhere = ExportFactory(requested_by=api.key.created_by)  # another workspace's campaign
    for export in (colleagues, elsewhere):
        assert api.get(f"/exports/{export.pk}").status_code == 404
        assert api.get(f"/exports/{export.pk}/file").status_code == 404


def test_export_options_are_checked(api, campaign):
    response = api.post(f"/campaigns/{campaign.pk}/exports", {"format": "pdf"})
    assert response.status_code == 422
    assert not Export.objects.exists()
