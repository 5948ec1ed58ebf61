"""Share buttons and share images in Debian's Chromium: on the result page, with the keyboard
only, each network's link opens the network's share page (through our redirect, which counts it)
with the visitor's referral link, Copy copies it and says so, and the Open Graph image is a
1200×630 picture; in the builder, the outcome editor and Share show the cards, axe-clean."""

from io import BytesIO
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image
from playwright.sync_api import expect

from campaigns.models import Role
from campaigns.services.campaigns import campaign_create, campaign_publish
from entries.models import Entry, Interaction, InteractionKind
from tests.browser.serial import DB_TURN, one_request_at_a_time  # noqa: F401 (takes turns)
from tests.browser.test_builder_pages_browser import _violations
from tests.browser.test_editor_browser import open_settings, sign_in
from tests.browser.test_runtime_browser import assert_accessible, load
from tests.browser.test_runtime_details_browser import complete
from tests.entries.documents import branching_quiz
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def shares_of(entry_id: int) -> list[str]:
    with DB_TURN:
        return sorted(Interaction.objects.filter(entry_id=entry_id, kind=InteractionKind.SHARE)
                      .values_list("data__network", flat=True))


def test_share_buttons_work_from_the_keyboard_and_are_counted(browser, live_server, publish,
                                                               settings, screenshot, tmp_path):
    settings.SITE_URL = live_server.url
    settings.MEDIA_ROOT = str(tmp_path)
    document = load("personality-quiz")
    campaign = publish(document)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    # Requests to the networks are seen and aborted: the test never leaves this machine.
    requested = []
    context.on("request", lambda request: requested.append(request.url))
    context.route("https://twitter.com/**", lambda route: route.abort())
    page = context.new_page()
    complete(page, live_server, campaign, document)
    with DB_TURN:
        entry = Entry.objects.get(campaign=campaign)
    shared = f"{live_server.url}/c/{campaign.slug}/?ref={entry.referral_code}"

    # X, reached and followed with the keyboard: a new tab at the network, with the link.
    x = page.get_by_role("link", name="Share on X (opens in a new tab)")
    x.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    expect(x).to_be_focused()
    with context.expect_page() as opened:
        page.keyboard.press("Enter")
    tab = opened.value
    tab.wait_for_load_state()
    target = urlsplit(next(url for url in requested if "twitter.com" in url))
    assert f"{target.netloc}{target.path}" == "twitter.com/intent/tweet"
    assert parse_qs(target.query)["url"] == [shared]
    tab.close()

    # Copy: Tab reaches it, Enter copies, the status region says so, and it is counted.
    copy = page.get_by_role("button", name="Copy link")
    copy.focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-copy-status]")).to_have_text("Link copied.")
    assert page.evaluate("navigator.clipboard.readText()") == shared
    for _ in range(50):
        if shares_of(entry.pk) == ["copy", "x"]:
            break
        page.wait_for_timeout(100)
    assert shares_of(entry.pk) == ["copy", "x"]

    # The Open Graph image is a picture a network can show.
    image = page.locator('meta[property="og:image"]').get_attribute("content")
    response = page.request.get(image)
    assert response.status == 200
    assert "immutable" in response.headers["cache-control"]
    assert Image.open(BytesIO(response.body())).size == (1200, 630)
    assert_accessible(page, "the result page with its share buttons")
    screenshot(page, "runtime-result-share-1280")
    context.close()


def test_the_builder_shows_share_images_in_the_outcome_editor_and_share(
        page, live_server, settings, screenshot, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    membership = MembershipFactory(role=Role.EDITOR, workspace__name="Acme Marketing")
    campaign = campaign_create(workspace=membership.workspace, by=membership.user,
                               document=branching_quiz())
    campaign_publish(campaign=campaign, by=membership.user)
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server, membership.user)
    page.goto(f"{live_server.url}/app/campaigns/{campaign.pk}/edit/")
    tea = page.locator("#outcome-tea-lover")
    open_settings(tea)
    for name in ("Share image drawn from this draft for “A tea person”",
                 "Live share image for “A tea person”"):
        image = tea.get_by_role("img", name=name)
        expect(image).to_be_visible()
        image.scroll_into_view_if_needed()
        page.wait_for_function("image => image.complete && image.naturalWidth === 1200",
                               arg=image.element_handle())
    expect(tea.get_by_label("Share image")).to_be_attached()
    problems = _violations(page)
    assert not problems, "\n".join(problems)
    tea.scroll_into_view_if_needed()
    screenshot(page, "builder-outcome-share-image")

    page.goto(f"{live_server.url}/app/campaigns/{campaign.pk}/share/")
    previews = page.locator(".share-previews img")
    expect(previews).to_have_count(3)
    for index in range(3):
        page.wait_for_function("image => image.complete && image.naturalWidth === 1200",
                               arg=previews.nth(index).element_handle())
    assert not _violations(page)
    screenshot(page, "builder-share-link-previews")
