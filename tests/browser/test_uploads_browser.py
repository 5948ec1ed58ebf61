"""A visitor's file from the runtime to the marketer's entry page, in a real browser: a page
dressed as a picture is refused on the step, a real picture is shown re-drawn and downloaded."""

import pytest
from playwright.sync_api import expect

from campaigns.models import Role
from entries.models import Entry
from tests.browser.serial import DB_TURN, one_request_at_a_time  # noqa: F401 (takes turns)
from tests.browser.test_runtime_browser import OUTCOME, swap
from tests.entries.test_runtime_uploads import photo_form
from tests.entries.upload_files import HTML_PAGE, picture
from tests.factories import PASSWORD, MembershipFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("private_uploads")]


def test_a_page_dressed_as_a_picture_is_refused_and_a_picture_reaches_the_marketer(
        page, live_server, publish, screenshot):
    campaign = publish(photo_form(["image/*"]))
    page.goto(f"{live_server.url}/c/{campaign.slug}/")
    page.get_by_label("Caption").fill("Beach at dawn")
    photo = page.locator("#q-photo")
    assert photo.get_attribute("accept") == "image/png,image/jpeg,image/gif,image/webp"
    photo.set_input_files({"name": "holiday.html", "mimeType": "image/png", "buffer": HTML_PAGE})
    swap(page)
    expect(page.locator("#error-photo")).to_contain_text("This file contains web page code")
    expect(page.get_by_label("Caption")).to_have_value("Beach at dawn")

    data = picture("PNG", (400, 300))
    page.locator("#q-photo").set_input_files(
        {"name": "beach.png", "mimeType": "image/png", "buffer": data})
    swap(page)
    expect(page.locator(OUTCOME)).to_be_visible()

    with DB_TURN:
        entry = Entry.objects.get(campaign=campaign)
        marketer = MembershipFactory(workspace=campaign.workspace, role=Role.VIEWER).user
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(marketer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Campaigns", exact=True)).to_be_visible()
    page.goto(f"{live_server.url}/app/campaigns/{campaign.pk}/entrants/{entry.pk}/")
    thumbnail = page.locator("img.file-preview")
    expect(thumbnail).to_be_visible()
    assert thumbnail.evaluate("img => img.complete && img.naturalWidth") == 400
    screenshot(page, "builder-entry-upload")
    with page.expect_download() as download:
        page.get_by_role("link", name="beach.png").click()
    assert download.value.suggested_filename == "beach.png"
    assert download.value.path().read_bytes() == data
