"""The results page in Chromium: readable at phone and desktop widths, accessible (axe-core),
filters that swap the figures over HTMX and still work without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_runtime_browser import assert_accessible
from tests.entries import analytics_data
from tests.entries.documents import branching_quiz
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def results_url(live_server, publish):
    quiz = publish(branching_quiz())
    data = analytics_data.build(quiz)
    viewer = MembershipFactory(workspace=quiz.workspace, role="viewer").user
    return {"url": f"{live_server.url}/app/campaigns/{quiz.pk}/results/", "user": viewer,
            "v2": data["v2"], "login": f"{live_server.url}/accounts/login/"}


def sign_in(page, target):
    page.goto(target["login"])
    page.get_by_label("Email").fill(target["user"].email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/app/"))


@pytest.mark.parametrize("width", [375, 1280])
def test_results_are_accessible_and_look_right(browser, results_url, screenshot, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    sign_in(page, results_url)
    page.goto(results_url["url"])
    expect(page.get_by_role("heading", name="Funnel")).to_be_visible()
    expect(page.get_by_role("img", name="Funnel: views, starts, each step, completions")
           ).to_be_visible()
    assert_accessible(page, f"results at {width}px")
    screenshot(page, f"builder-results-{width}")
    context.close()


def test_the_filter_swaps_the_figures_in_place(page, results_url):
    sign_in(page, results_url)
    page.goto(results_url["url"])
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Version").select_option(str(results_url["v2"].pk))
    page.get_by_role("button", name="Show").click()
    expect(page.locator('.kpi:has(.kpi-label:text-is("Starts")) .kpi-value')).to_have_text("2")
    expect(page).to_have_url(re.compile(rf"version={results_url['v2'].pk}"))
    assert page.evaluate("window.notReloaded === true")
    expect(page.locator("#results-status")).to_have_text("Results updated: 2 entries.")
    expect(page.locator("#results-show")).to_be_focused()

    page.get_by_label("From", exact=True).fill("2026-03-04")
    page.get_by_label("To", exact=True).fill("2026-03-01")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("The last day must be on or after the first day.")).to_be_visible()


def test_the_filter_works_without_javascript(browser, results_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, results_url)
    page.goto(results_url["url"])
    page.get_by_label("From", exact=True).fill("2026-03-03")
    page.get_by_label("To", exact=True).fill("2026-03-03")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"start=2026-03-03"))
    expect(page.locator('.kpi:has(.kpi-label:text-is("Starts")) .kpi-value')).to_have_text("2")
    expect(page.get_by_role("link", name="Reset")).to_be_visible()
    context.close()
