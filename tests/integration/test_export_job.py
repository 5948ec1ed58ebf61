"""A large CSV export through the broker: the worker writes the file, the requester downloads it."""

import csv
import io

import pytest

from entries.models import Export, ExportStatus
from entries.services import exports as export_services
from tests.entries.export_data import HOSTILE, hostile_entries, two_version_campaign
from tests.factories import MembershipFactory
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_worker_runs_two_exports_at_once_and_each_downloads_its_own(celery_worker, client,
                                                                       monkeypatch):
    membership = MembershipFactory(role="editor")
    campaign, v1, v2 = two_version_campaign(workspace=membership.workspace)
    entries = hostile_entries(campaign, v1, v2)
    monkeypatch.setattr(export_services, "STREAM_LIMIT", 0)
    client.force_login(membership.user)
    url = f"/app/campaigns/{campaign.pk}/exports/"
    first = client.post(url, {"format": "wide", "include_partial": "on", "bom": "on"})
    second = client.post(url, {"format": "long", "include_partial": "on", "q": "p1@"})
    assert first.status_code == second.status_code == 302
    wide, long = Export.objects.order_by("id")

    def finished():
        """the worker to finish both exports"""
        return all(e.status in (ExportStatus.DONE, ExportStatus.FAILED)
                   for e in Export.objects.all())

    wait_for(finished, timeout=60)
    wide.refresh_from_db()
    long.refresh_from_db()
    assert (wide.status, long.status) == (ExportStatus.DONE, ExportStatus.DONE), wide.error
    assert wide.rows_total == wide.rows_done == len(entries)
    assert long.rows_done == 1
    assert "export_run" in celery_worker["log"].read_text()

    status = client.get(first["Location"])
    assert "Download CSV" in status.text
    body = b"".join(client.get(f"{first['Location']}download/").streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert [row[0] for row in rows[1:]] == [str(e.pk) for e in entries]
    names = [row[rows[0].index("Your name (name)")] for row in rows[1:len(HOSTILE) + 1]]
    assert names == ["'" + v if v[0] in "=+-@\t\r" else v for v in HOSTILE]

    body = b"".join(client.get(f"{second['Location']}download/").streaming_content)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    assert {row[0] for row in rows[1:]} == {str(entries[1].pk)}
    assert len(rows) == 4
