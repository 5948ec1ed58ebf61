"""Integrations in Debian's Chromium: an editor adds a webhook endpoint for a real receiver on
loopback, copies its secret, sends a test event and sees it delivered in the log."""

import pytest
from playwright.sync_api import expect
from standardwebhooks import Webhook

from campaigns.models import Role
from tests.browser.serial import one_request_at_a_time  # noqa: F401 (takes turns)
from tests.browser.test_editor_browser import sign_in
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_editor_adds_an_endpoint_and_sends_a_test_event(browser, page, live_server, receiver,
                                                          screenshot):
    editor = MembershipFactory(role=Role.EDITOR).user
    sign_in(page, live_server, editor)
    page.get_by_role("link", name="Integrations").click()
    expect(page.get_by_role("heading", name="Integrations", exact=True)).to_be_visible()
    page.get_by_label("URL").fill(receiver.url)
    page.get_by_label("entry.completed").check()
    page.get_by_role("button", name="Add the endpoint").click()
    secret = page.locator("#endpoint-secret").inner_text()
    assert secret.startswith("whsec_")
    page.get_by_label("Send a test").select_option("entry.completed")
    page.get_by_role("button", name="Send test event").click()
    log = page.get_by_role("region", name="Delivery log")
    expect(log.get_by_role("table").get_by_text("Delivered")).to_be_visible()
    expect(log.get_by_text("answer 200")).to_be_visible()
    screenshot(page, "integrations-endpoint")
    request = receiver.wait_for(1)[0]
    assert Webhook(secret).verify(request.body, request.headers)["type"] == "entry.completed"
