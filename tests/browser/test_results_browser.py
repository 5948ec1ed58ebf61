"""The results page in Chromium: readable at phone and desktop widths, accessible (axe-core),
filters that swap the figures over HTMX and still work without JavaScript."""

import copy
import re

import pytest
from playwright.sync_api import expect

from campaigns.blueprints import gallery_template
from entries.demo import demo_visitors_seed
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


def test_funnel_labels_fit_and_an_nps_survey_shows_its_score_and_comments(browser, live_server,
                                                                         publish, screenshot):
    """Long step titles are cut with an ellipsis inside the chart (not clipped at its left
    edge); an NPS survey shows its score and trend, its comments are listed, searched and paged
    in place."""
    document = copy.deepcopy(gallery_template("nps-survey").document)
    document["steps"][0]["title"] = ("It's Saturday morning and you have the whole weekend "
                                     "ahead: how likely are you to recommend us to a friend?")
    survey = publish(document)
    demo_visitors_seed(campaign=survey, visitors=40)
    viewer = MembershipFactory(workspace=survey.workspace, role="viewer").user
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    sign_in(page, {"login": f"{live_server.url}/accounts/login/", "user": viewer})
    page.goto(f"{live_server.url}/app/campaigns/{survey.pk}/results/")
    labels = page.locator("#chart-funnel .chart-label")
    expect(labels.nth(2)).to_have_text(re.compile(r"^It's Saturday.*…$"))
    lefts = labels.evaluate_all("els => els.map(e => e.getBBox().x)")
    assert min(lefts) >= 0, f"a funnel label starts left of the chart: {lefts}"
    expect(page.get_by_text("Net Promoter Score")).to_be_visible()
    expect(page.locator("#chart-nps-nps")).to_be_visible()

    comments = page.locator("#text-promoter_comment")
    expect(comments.get_by_text(re.compile(r"\d+ written answers?"))).to_be_visible()
    screenshot(page, "builder-results-nps")
    assert_accessible(page, "results of an NPS survey")
    first = comments.locator(".text-answers li").first.inner_text().split(" · ")[0]
    word = first.split()[0]
    page.evaluate("window.notReloaded = true")
    comments.get_by_label("Search these answers").fill(word)
    expect(page.locator("#text-promoter_comment [role=status]")).to_contain_text(f"“{word}”")
    assert page.evaluate("window.notReloaded === true")
    expect(comments.get_by_label("Search these answers")).to_be_focused()  # only the list swapped
