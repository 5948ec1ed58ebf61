"""Emails in Debian's Chromium: "Continue later" on a runtime step (with HTMX, without
JavaScript, inside another site's iframe), and the builder's email editor with its preview."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from campaigns.models import Role
from entries.mail.unsubscribe import unsubscribe_url
from entries.models import Entry, EntryStatus, OutboundEmail, Suppression
from tests.browser import test_runtime_browser as runtime
from tests.browser.serial import one_request_at_a_time  # noqa: F401 (takes turns)
from tests.browser.test_runtime_browser import (
    assert_accessible,
    embed,
    frame_of,
    heading,
    host_page,
    swap,
)
from tests.entries.email_documents import follow_up_quiz
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

# The runtime tests' fixtures: a second origin, cookies blocked.
host = runtime.host
cookieless_browser = runtime.cookieless_browser


@pytest.fixture(autouse=True)
def _site_url(settings, live_server):
    settings.SITE_URL = live_server.url


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def _about(scope, *, email="ada@example.com"):
    scope.get_by_label("First name").fill("Ada")
    scope.get_by_label("Email", exact=True).fill(email)


def _resume_link() -> str:
    [message] = mail.outbox
    return re.search(r"https?://\S+/e/[A-Za-z0-9_-]+/", message.body).group(0)


def test_continue_later_with_htmx_emails_a_link_that_resumes_elsewhere(browser, page,
                                                                       live_server, publish,
                                                                       screenshot):
    campaign = publish(follow_up_quiz())
    page.goto(f"{live_server.url}/c/{campaign.slug}/")
    _about(page)
    swap(page)
    expect(heading(page)).to_have_text("Pick one")
    step_url = page.url
    screenshot(page, "runtime-step-with-continue-later")
    page.get_by_role("link", name="Continue later").click()
    expect(heading(page)).to_have_text("Continue later")
    expect(heading(page)).to_be_focused()
    expect(page.get_by_label("Your email address")).to_have_value("ada@example.com")
    assert page.url == step_url  # the resume form is a stage, not a new address
    assert_accessible(page, "the resume form")
    screenshot(page, "runtime-continue-later")
    page.get_by_role("button", name="Email me a link").click()
    expect(heading(page)).to_have_text("Check your inbox")
    expect(page.get_by_role("status")).to_contain_text("ada@example.com")
    screenshot(page, "runtime-continue-later-sent")

    link = _resume_link()
    assert link == step_url
    other_device = browser.new_context()
    resumed = other_device.new_page()
    resumed.goto(link)
    expect(heading(resumed)).to_have_text("Pick one")
    resumed.get_by_label("Tea").check()
    swap(resumed)
    expect(heading(resumed)).to_have_text("A tea person")
    assert Entry.objects.get().status == EntryStatus.COMPLETED
    assert OutboundEmail.objects.filter(trigger="resume", status="sent").count() == 1
    other_device.close()


def test_continue_later_without_javascript(browser, live_server, publish):
    campaign = publish(follow_up_quiz())
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/c/{campaign.slug}/")
    _about(page)
    with page.expect_navigation():
        page.locator('.rt-btn[value="next"]').last.click()
    with page.expect_navigation():
        page.get_by_role("link", name="Continue later").click()
    expect(heading(page)).to_have_text("Continue later")
    page.get_by_label("Your email address").fill("not-an-email")
    with page.expect_navigation():
        page.get_by_role("button", name="Email me a link").click()
    expect(page.locator(".rt-error")).to_contain_text("look like an email address")
    expect(page.get_by_label("Your email address")).to_have_value("not-an-email")
    page.get_by_label("Your email address").fill("ada.other@example.com")
    with page.expect_navigation():
        page.get_by_role("button", name="Email me a link").click()
    expect(heading(page)).to_have_text("Check your inbox")
    assert mail.outbox[0].to == ["ada.other@example.com"]
    with page.expect_navigation():
        page.get_by_role("link", name="Back to the form").click()
    expect(heading(page)).to_have_text("Pick one")
    assert not context.cookies()
    context.close()


def test_continue_later_inside_another_sites_iframe(cookieless_browser, live_server, publish,
                                                    host):
    campaign = publish(follow_up_quiz())
    url = host_page(host, live_server, "/later", embed(live_server, campaign))
    context = cookieless_browser.new_context()
    page = context.new_page()
    page.goto(url)
    _, frame = frame_of(page)
    _about(frame)
    swap(frame)
    frame.get_by_role("link", name="Continue later").click()
    expect(heading(frame)).to_have_text("Continue later")
    frame.get_by_role("button", name="Email me a link").click()
    expect(heading(frame)).to_have_text("Check your inbox")
    assert _resume_link().startswith(live_server.url)
    context.close()


def _sign_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Campaigns", exact=True)).to_be_visible()


def test_the_email_editor_previews_as_you_type(page, live_server, publish, screenshot):
    campaign = publish(follow_up_quiz())
    owner = MembershipFactory(workspace=campaign.workspace, role=Role.OWNER).user
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, live_server, owner)
    page.goto(f"{live_server.url}/app/campaigns/{campaign.pk}/emails/")
    expect(page.get_by_role("heading", name="Follow-up emails")).to_be_visible()
    assert_accessible(page, "the emails section")
    screenshot(page, "builder-emails")

    page.get_by_role("link", name="Thanks, {{ name }}: {{ outcome.title }}").click()
    preview = page.frame_locator("iframe.mail-frame")
    expect(page.locator(".mail-subject")).to_have_text("Thanks, Alex: Coffee it is")
    expect(preview.locator("body")).to_contain_text("You picked Coffee and scored 7.")
    expect(page.locator("[data-show-for=outcome]")).to_be_hidden()

    page.get_by_label("Subject").fill("Hello {{ name }} ")
    expect(page.locator(".mail-subject")).to_have_text("Hello Alex")
    body = page.get_by_label("Text", exact=True)
    body.fill("Your drink: ")
    page.get_by_role("button", name=re.compile(r"Insert \{\{ answers\.drink \}\}")).click()
    expect(body).to_have_value("Your drink: {{ answers.drink }}")
    expect(preview.locator("body")).to_contain_text("Your drink: Coffee")
    page.get_by_label("Send when").select_option("outcome")
    expect(page.locator("[data-show-for=outcome]")).to_be_visible()
    page.get_by_label("Send when").select_option("completed")
    assert_accessible(page, "the email editor")
    screenshot(page, "builder-email-editor")

    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Email saved.")).to_be_visible()
    page.get_by_role("button", name="Send a test to me").click()
    expect(page.get_by_text(f"Test email on its way to {owner.email}")).to_be_visible()
    assert mail.outbox[-1].subject == "Hello Alex"
    assert mail.outbox[-1].to == [owner.email]
    page.get_by_role("link", name="Send log").click()
    expect(page.locator(".mail-log")).to_contain_text("Sent")
    screenshot(page, "builder-email-log")


def test_the_unsubscribe_page_confirms_then_unsubscribes(page, live_server, publish, screenshot):
    campaign = publish(follow_up_quiz())
    page.goto(unsubscribe_url(workspace_id=campaign.workspace_id, email="ada@example.com"))
    expect(page.get_by_role("heading", name="Unsubscribe?")).to_be_visible()
    assert_accessible(page, "the unsubscribe page")
    screenshot(page, "unsubscribe-confirm")
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", name="You're unsubscribed")).to_be_visible()
    screenshot(page, "unsubscribe-done")
    assert Suppression.objects.filter(workspace=campaign.workspace,
                                      email="ada@example.com").exists()
