"""The entrants table, the entry page and exports from the builder, as marketers use them."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.services.campaigns import campaign_create, campaign_publish
from entries.entrants import EntrantFilters
from entries.models import Export, ExportStatus
from entries.services import exports as export_services
from entries.services.exports import export_request, export_spec
from entries.tasks import exports_purge_expired
from tests.entries.contests import eligible_entry, giveaway_document
from tests.entries.export_data import HOSTILE, hostile_entries, two_version_campaign
from tests.factories import CampaignFactory, EntryFactory, InteractionFactory, MembershipFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def data(workspace):
    campaign, v1, v2 = two_version_campaign(workspace=workspace)
    return campaign, hostile_entries(campaign, v1, v2)


def test_the_table_lists_entrants_with_their_columns(login, viewer, data):
    campaign, entries = data
    response = login(viewer).get(f"/app/campaigns/{campaign.pk}/entrants/")
    assert response.status_code == 200
    page = response.text
    assert "9 entries" in page
    assert "ada@example.org" in page
    assert "The Explorer" in page
    assert 'class="fraud fraud--high">80<' in page
    assert "=evil()" in page  # the source, escaped by the template, shown as typed
    assert f"/app/campaigns/{campaign.pk}/entrants/{entries[-1].pk}/" in page
    assert "Export CSV" not in page  # viewers cannot download personal data in bulk


def test_every_filter_description_exists(login, viewer, data):
    campaign, _ = data
    page = login(viewer).get(f"/app/campaigns/{campaign.pk}/entrants/?min_fraud=x").text
    described = re.findall(r'aria-describedby="([^"]+)"', page)
    assert "id_source_helptext" in " ".join(described)
    for ids in described:
        for id_ in ids.split():
            assert f'id="{id_}"' in page, f"aria-describedby points at a missing #{id_}"


def test_a_referrer_from_our_own_page_shows_as_no_source(login, viewer, data, settings):
    campaign, entries = data
    settings.SITE_URL = "http://127.0.0.1:8101"
    entries[0].source = {"referrer": f"http://127.0.0.1:8101/c/{campaign.slug}/"}
    entries[0].save()
    page = login(viewer).get(f"/app/campaigns/{campaign.pk}/entrants/?sort=started").text
    first_row = page.split(f"/entrants/{entries[0].pk}/", 1)[1].split("</tr>", 1)[0]
    assert "127.0.0.1" not in first_row
    assert "<td>—</td>" in first_row
    assert "ex.org" not in first_row


def test_htmx_filters_return_only_the_table(login, editor, data):
    campaign, entries = data
    response = login(editor).get(
        f"/app/campaigns/{campaign.pk}/entrants/?q=&status=completed&outcome=&after=", **HTMX)
    assert response.status_code == 200
    assert response["HX-Push-Url"] == f"/app/campaigns/{campaign.pk}/entrants/?status=completed"
    assert response.text.lstrip().startswith('<section class="card card--flush" id="entrant-table"')
    assert "1 entry match" in response.text
    assert ('role="status" hx-swap-oob="true">1 entry matches the filters</p>'
            in response.text)  # announced to screen readers
    assert "ada@example.org" in response.text
    assert "p1@example.org" not in response.text
    assert 'form="export-form" name="status" value="completed"' in response.text


def test_pages_follow_cursors_and_keep_the_filters(login, editor, data, monkeypatch):
    campaign, entries = data
    monkeypatch.setattr("builder.views.entrants.PAGE_SIZE", 4)
    client = login(editor)
    first = client.get(f"/app/campaigns/{campaign.pk}/entrants/?sort=started&q=example")
    shown = [e for e in entries if f"/entrants/{e.pk}/" in first.text]
    assert [e.pk for e in shown] == [e.pk for e in sorted(entries, key=lambda e: e.pk)[:4]]
    assert 'rel="prev"' not in first.text
    link = first.text.split('rel="next" href="?', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert "sort=started" in link
    assert "q=example" in link
    assert "after=" in link
    second = client.get(f"/app/campaigns/{campaign.pk}/entrants/?{link}")
    shown = [e for e in entries if f"/entrants/{e.pk}/" in second.text]
    assert [e.pk for e in shown] == [e.pk for e in sorted(entries, key=lambda e: e.pk)[4:8]]
    assert 'rel="prev"' in second.text


def test_bad_filters_are_shown_next_to_the_field(login, editor, data):
    campaign, _ = data
    response = login(editor).get(f"/app/campaigns/{campaign.pk}/entrants/?min_fraud=lots")
    assert response.status_code == 200
    assert 'id="id_min_fraud_error"' in response.text
    assert "9 entries" in response.text


def test_the_entry_page_shows_answers_as_asked_path_and_timeline(login, viewer, data):
    campaign, entries = data
    ada = entries[-1]
    ada.trail = ["s1"]
    ada.save()
    InteractionFactory(entry=ada, step_key="s1", kind="back", data={"by": "client"})
    response = login(viewer).get(f"/app/campaigns/{campaign.pk}/entrants/{ada.pk}/")
    assert response.status_code == 200
    page = response.text
    assert "as asked in v2" in page
    assert "Crimson" in page  # v2's choice label, not v1's "Red"
    assert "Paris" in page
    assert "The Explorer" in page
    assert "Answer changed" in page
    assert "first answer: blue" in page
    assert "Went back" in page
    assert "4.2 s on this step" in page
    first = entries[0]
    page = login(viewer).get(f"/app/campaigns/{campaign.pk}/entrants/{first.pk}/").text
    assert "changed 1×, first answer: Red" in page
    assert "Red, Blue, obviously" in page


def test_an_entrys_consent_reads_as_sentences(login, viewer, data):
    campaign, entries = data
    ada = entries[-1]
    ada.consent = {
        "rules": {"question": "rules_consent", "wording": "I agree to the <Official> Rules.",
                  "rules_version": 3, "at": "2026-03-04T09:41:58.479328+00:00"},
        "age": {"min_age": 18, "confirmed_at": "2026-03-04T09:40:00+00:00"},
    }
    ada.save()
    page = login(viewer).get(f"/app/campaigns/{campaign.pk}/entrants/{ada.pk}/").text
    assert ("Agreed to “I agree to the &lt;Official&gt; Rules.” (rules v3) at "
            '<time datetime="2026-03-04T09:41:58.479328+00:00">4 Mar 2026, 09:41 UTC</time>'
            in page)
    assert "Confirmed being 18 or older at" in page
    assert "{&#x27;" not in page
    assert "rules_version" not in page


def test_an_entry_of_another_campaign_is_404(login, viewer, data):
    campaign, _ = data
    other = EntryFactory(version__campaign__workspace=campaign.workspace)
    response = login(viewer).get(f"/app/campaigns/{campaign.pk}/entrants/{other.pk}/")
    assert response.status_code == 404


def _rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"), newline="")))


def test_a_small_export_downloads_at_once_with_the_filters(login, editor, data):
    campaign, entries = data
    response = login(editor).post(f"/app/campaigns/{campaign.pk}/exports/", {
        "format": "wide", "include_partial": "on", "q": "p2@", "sort": "-started"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="colours-entries.csv"'
    rows = _rows(response)
    assert len(rows) == 2
    assert rows[1][0] == str(entries[2].pk)
    assert "'" + HOSTILE[2] in rows[1]
    assert not Export.objects.exists()


def test_export_options_long_and_bom(login, editor, data):
    campaign, _ = data
    response = login(editor).post(f"/app/campaigns/{campaign.pk}/exports/",
                                  {"format": "long", "bom": "on"})
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbfEntry ID,Version,Status,Email,Step,Question key")
    assert response["Content-Disposition"].endswith('colours-answers.csv"')
    response = login(editor).post(f"/app/campaigns/{campaign.pk}/exports/",
                                  {"format": "wide"})  # include_partial unticked
    assert len(_rows(response)) == 2


def test_a_bad_export_request_says_why(login, editor, data):
    campaign, _ = data
    response = login(editor).post(f"/app/campaigns/{campaign.pk}/exports/",
                                  {"format": "xlsx"}, follow=True)
    assert response.status_code == 200
    assert "The export did not start." in response.text


def test_a_large_export_runs_as_a_job_with_progress_and_a_link(
        login, editor, data, monkeypatch, django_capture_on_commit_callbacks):
    campaign, entries = data
    monkeypatch.setattr(export_services, "STREAM_LIMIT", 3)
    client = login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/app/campaigns/{campaign.pk}/exports/",
                               {"format": "wide", "include_partial": "on", "bom": "on"})
    export = Export.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/app/campaigns/{campaign.pk}/exports/{export.pk}/"
    assert export.status == ExportStatus.DONE
    assert (export.rows_done, export.rows_total) == (len(entries), len(entries))
    assert export.expires_at > timezone.now() + timedelta(hours=23)
    status = client.get(response["Location"], **HTMX)
    assert "Download CSV" in status.text
    assert "hx-trigger" not in status.text
    download = client.get(f"/app/campaigns/{campaign.pk}/exports/{export.pk}/download/")
    assert download.status_code == 200
    body = b"".join(download.streaming_content)
    assert body.startswith(b"\xef\xbb\xbfEntry ID,")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert [row[0] for row in rows[1:]] == [str(e.pk) for e in entries]


def test_a_running_export_polls_for_progress(login, editor, data):
    campaign, _ = data
    export = Export.objects.create(campaign=campaign, requested_by=editor,
                                   status=ExportStatus.RUNNING, rows_done=3, rows_total=9)
    response = login(editor).get(f"/app/campaigns/{campaign.pk}/exports/{export.pk}/", **HTMX)
    assert 'hx-trigger="every 2s"' in response.text
    assert "Exporting 3 of 9 entries" in response.text
    assert 'value="33"' in response.text


def test_expired_and_foreign_download_links_are_404(login, editor, data, workspace,
                                                    monkeypatch,
                                                    django_capture_on_commit_callbacks):
    campaign, _ = data
    monkeypatch.setattr(export_services, "STREAM_LIMIT", 3)
    with django_capture_on_commit_callbacks(execute=True):
        login(editor).post(f"/app/campaigns/{campaign.pk}/exports/",
                            {"format": "wide", "include_partial": "on"})
    export = Export.objects.get()
    url = f"/app/campaigns/{campaign.pk}/exports/{export.pk}/download/"
    assert login(editor).get(url).status_code == 200

    colleague = MembershipFactory(workspace=workspace, role="owner").user
    assert login(colleague).get(url).status_code == 404
    assert login(colleague).get(url.removesuffix("download/")).status_code == 404
    outsider = MembershipFactory(role="owner").user
    assert login(outsider).get(url).status_code == 404
    other_campaign = EntryFactory(version__campaign__workspace=workspace).campaign
    wrong = f"/app/campaigns/{other_campaign.pk}/exports/{export.pk}/download/"
    assert login(editor).get(wrong).status_code == 404

    Export.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert login(editor).get(url).status_code == 404
    assert "has expired" in login(editor).get(url.removesuffix("download/")).text


def test_two_exports_at_once_do_not_interfere(login, editor, data, monkeypatch,
                                              django_capture_on_commit_callbacks):
    campaign, entries = data
    monkeypatch.setattr(export_services, "STREAM_LIMIT", 0)
    client = login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/app/campaigns/{campaign.pk}/exports/", {"format": "wide",
                                                                "include_partial": "on"})
        client.post(f"/app/campaigns/{campaign.pk}/exports/", {"format": "long",
                                                                "status": "completed"})
    wide, long = Export.objects.order_by("id")
    assert wide.file.name != long.file.name
    assert wide.rows_done == len(entries)
    assert long.rows_done == 1
    with wide.file.open("rb") as f:
        assert f.read().startswith(b"Entry ID,Version,Status,Started")
    with long.file.open("rb") as f:
        assert f.read().count(b"\r\n") == 1 + 4


def test_a_failed_export_says_so_and_a_redelivered_job_leaves_it(login, editor, data,
                                                                    monkeypatch):
    campaign, _ = data
    export = Export.objects.create(campaign=campaign, requested_by=editor)

    def broken(spec):
        raise OSError("disk full")

    monkeypatch.setattr(export_services, "csv_chunks", broken)
    with pytest.raises(OSError, match="disk full"):
        export_services.export_run(export=export)
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED
    assert export.error == "stopped after 0 of 9 entries (OSError: disk full)"
    page = login(editor).get(f"/app/campaigns/{campaign.pk}/exports/{export.pk}/")
    assert "The export failed: stopped after 0 of 9 entries (OSError: disk full)" in page.text
    assert export_services.export_run(export=export).status == ExportStatus.FAILED


def test_expired_files_are_deleted_by_the_periodic_job(editor, data, monkeypatch,
                                                       django_capture_on_commit_callbacks):
    campaign, _ = data
    monkeypatch.setattr(export_services, "STREAM_LIMIT", 0)
    spec = export_spec(campaign=campaign, format="wide", filters=EntrantFilters(),
                       include_partial=True, bom=False)
    with django_capture_on_commit_callbacks(execute=True):
        export = export_request(spec=spec, by=editor)
    export.refresh_from_db()
    name = export.file.name
    assert export.file.storage.exists(name)
    assert exports_purge_expired.delay().get() == 0  # not expired yet
    Export.objects.filter(pk=export.pk).update(expires_at=timezone.now())
    assert exports_purge_expired.delay().get() == 1
    export.refresh_from_db()
    assert not export.file
    assert not export.file.storage.exists(name)


def test_a_campaign_without_entries_says_so(login, viewer, workspace):
    campaign = CampaignFactory(workspace=workspace)
    response = login(viewer).get(f"/app/campaigns/{campaign.pk}/entrants/")
    assert response.status_code == 200
    assert "0 entries" in response.text
    assert "once the campaign is published" in response.text


def test_labels_about_many_entries_show_recall_tags_as_an_ellipsis(login, viewer, workspace,
                                                                 owner):
    campaign = campaign_create(workspace=workspace, by=owner, document=giveaway_document())
    campaign_publish(campaign=campaign, by=owner)
    campaign.refresh_from_db()
    eligible_entry(campaign, email="ada@example.com", outcome="entered")
    page = login(viewer).get(f"/app/campaigns/{campaign.pk}/entrants/").text
    assert "{{" not in page
    assert "<td>You&#x27;re in, …!</td>" in page  # the Outcome column, not only the filter
