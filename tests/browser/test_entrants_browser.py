"""Entrants in a real browser: HTMX filters with shareable URLs, the entry page, exports and the
personal-data page, each checked by axe-core and screenshotted."""

import re

import pytest
from playwright.sync_api import expect

from entries.models import Export, ExportStatus
from entries.services import exports as export_services
from tests.browser.test_runtime_browser import assert_accessible
from tests.entries.export_data import hostile_entries, two_version_campaign
from tests.factories import PASSWORD, ErasureFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def signed_in(page, live_server):
    membership = MembershipFactory(role="owner", workspace__name="Acme Marketing")
    campaign, v1, v2 = two_version_campaign(workspace=membership.workspace, name="Colour quiz")
    entries = hostile_entries(campaign, v1, v2)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(membership.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Campaigns", exact=True)).to_be_visible()
    return page, live_server, membership, campaign, entries


def test_filters_update_the_table_and_the_url(signed_in, screenshot):
    page, live_server, _, campaign, entries = signed_in
    page.goto(f"{live_server.url}/app/campaigns/{campaign.pk}/")
    page.get_by_role("navigation", name="Campaign").get_by_role("link", name="Entrants").click()
    expect(page.get_by_role("heading", name="9 entries")).to_be_visible()
    assert_accessible(page, "entrants")
    screenshot(page, "builder-entrants")

    page.get_by_label("Status").select_option("completed")
    expect(page.get_by_role("heading", name="1 entry matches the filters")).to_be_visible()
    expect(page).to_have_url(re.compile(r"status=completed"))
    page.get_by_label("Search email or name").fill("nobody")
    expect(page.get_by_text("No entry matches these filters.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=nobody"))

    page.reload()  # the URL alone restores the view
    expect(page.get_by_text("No entry matches these filters.")).to_be_visible()
    expect(page.get_by_label("Status")).to_have_value("completed")

    page.get_by_label("Search email or name").fill("")
    expect(page.get_by_role("heading", name="1 entry matches the filters")).to_be_visible()
    page.get_by_role("link", name="ada@example.org").click()
    expect(page.get_by_role("heading", name="ada@example.org")).to_be_visible()
    expect(page.get_by_text("Crimson")).to_be_visible()
    assert_accessible(page, "entry")
    screenshot(page, "builder-entry")


@pytest.mark.parametrize("width", [1366, 375])
def test_the_entry_page_fits_the_window(signed_in, screenshot, width):
    """Long visitor text (a referrer, an answer without spaces, an address) wraps: the page
    never scrolls sideways. Consent reads as a sentence."""
    page, live_server, _, campaign, entries = signed_in
    ada = entries[-1]
    ada.source = {"referrer": "https://news.example.com/" + "weekly-digest-" * 12,
                  "utm_source": "newsletter", "utm_campaign": "spring-" * 10}
    ada.consent = {"rules": {"question": "rules_consent", "wording": "I agree to the rules.",
                             "rules_version": 2, "at": "2026-03-04T09:41:58+00:00"}}
    ada.save()
    ada.answers.filter(question_key="city").update(value="Llanfair" + "pwllgwyngyll" * 8)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/app/campaigns/{campaign.pk}/entrants/{ada.pk}/")
    expect(page.get_by_text("Agreed to “I agree to the rules.” (rules v2) at 4 Mar 2026, 09:41 UTC")
           ).to_be_visible()
    screenshot(page, f"builder-entry-long-text-{width}")
    wide = page.evaluate("() => document.documentElement.scrollWidth")
    assert wide <= width, f"the entry page is {wide} px wide in a {width} px window"


def test_export_downloads_the_filtered_csv(signed_in):
    page, live_server, _, campaign, entries = signed_in
    page.goto(f"{live_server.url}/app/campaigns/{campaign.pk}/entrants/")
    page.get_by_label("Status").select_option("completed")
    expect(page.get_by_role("heading", name="1 entry matches the filters")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()
    text = download.value.path().read_bytes().decode("utf-8")
    assert text.startswith("Entry ID,")
    assert text.count("\r\n") == 2
    assert "ada@example.org" in text


def test_the_personal_data_page(signed_in, screenshot):
    page, live_server, membership, _, _ = signed_in
    ErasureFactory(workspace=membership.workspace, by=membership.user)
    page.get_by_role("link", name="Personal data").click()
    expect(page.get_by_role("heading", name="Erase one person")).to_be_visible()
    assert_accessible(page, "personal data")
    screenshot(page, "builder-privacy")
    page.get_by_label("Email address").nth(1).fill("p1@example.org")
    page.get_by_label("Type the address again to confirm").fill("p1@example.org")
    page.get_by_role("button", name="Erase everything about this person").click()
    expect(page.get_by_text("Erased 1 entry, 3 answers, 0 interactions, 0 files, 0 emails.")
           ).to_be_visible()
    expect(page.get_by_role("cell", name="1 entry, 3 answers, 9 interactions")).to_be_visible()


def test_a_large_export_shows_progress_then_a_download_link(signed_in, screenshot, monkeypatch):
    page, live_server, membership, campaign, entries = signed_in
    running = Export.objects.create(campaign=campaign, requested_by=membership.user,
                                    status=ExportStatus.RUNNING, rows_done=4000,
                                    rows_total=10000)
    page.goto(f"{live_server.url}/app/campaigns/{campaign.pk}/exports/{running.pk}/")
    expect(page.get_by_text("Exporting 4,000 of 10,000 entries…")).to_be_visible()
    assert_accessible(page, "export progress")
    screenshot(page, "builder-export-running")
    Export.objects.filter(pk=running.pk).update(rows_done=9000)
    expect(page.get_by_text("Exporting 9,000 of 10,000 entries…")).to_be_visible()  # polled

    monkeypatch.setattr(export_services, "STREAM_LIMIT", 0)
    page.goto(f"{live_server.url}/app/campaigns/{campaign.pk}/entrants/")
    page.get_by_role("button", name="Export CSV").click()
    expect(page.get_by_role("link", name="Download CSV")).to_be_visible()
    screenshot(page, "builder-export-ready")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    assert download.value.path().read_bytes().count(b"\r\n") == 1 + len(entries)
