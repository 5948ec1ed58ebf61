"""A marketer's whole day in Chromium, only through the UI: a branching quiz built from blank,
published and completed down both branches; a gallery template changed, previewed and published
again while an entry started on version 1 finishes on version 1."""

import re

import pytest
from playwright.sync_api import expect

from campaigns.models import Campaign, Role
from entries.models import Entry, EntryStatus
from tests.browser.serial import one_request_at_a_time  # noqa: F401 (takes turns)
from tests.browser.test_editor_browser import (
    add_choice,
    add_question,
    open_question,
    settled,
    sign_in,
)
from tests.browser.test_logic_browser import redrawn
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def add_step(page, title: str, key: str):
    page.get_by_label("New step title").fill(title)
    page.get_by_role("button", name="+ Add step").click()
    step = page.locator(f"#step-{key}")
    expect(step).to_be_visible()
    settled(page)
    return step


def add_outcome(page, title: str, key: str) -> None:
    page.get_by_label("New outcome title").fill(title)
    page.get_by_role("button", name="+ Add outcome").click()
    expect(page.locator(f"#outcome-{key}")).to_be_visible()
    settled(page)


def add_rule(page, step: str, *, action: str, target: str, when: tuple | None = None) -> None:
    """A rule through the dropdowns: `when` is (question, comparison, value), None for always."""
    page.locator(f"#add-rule-{step}").click()
    form = page.locator("form.rule-form")
    if when is None:
        redrawn(page, lambda: form.get_by_role("button", name="Remove condition 1").click())
    else:
        question, comparison, value = when
        redrawn(page, lambda: form.get_by_label("Condition 1: question").select_option(question))
        redrawn(page, lambda: form.get_by_label("Condition 1: comparison").select_option(
            comparison))
        form.get_by_label("Condition 1: value").select_option(value)
    redrawn(page, lambda: form.get_by_label("Action").select_option(action))
    label = "Step" if action == "goto_step" else "Outcome"
    form.get_by_label(label, exact=True).select_option(target)
    form.get_by_role("button", name="Save rule").click()
    expect(page.get_by_text(f"Rule saved on step {step}.")).to_be_visible()


def publish(page, version: int) -> None:
    page.get_by_role("link", name="Overview", exact=True).click()
    page.get_by_role("button", name=re.compile("^Publish")).click()
    if page.get_by_role("button", name="Publish anyway").count():
        page.get_by_role("button", name="Publish anyway").click()
    expect(page.get_by_text(f"Version {version} is live.")).to_be_visible()


def next_step(page) -> None:
    page.locator('#stage .rt-btn[value="next"]').click()


def test_a_branching_quiz_built_from_blank_is_published_and_completed_both_ways(
        page, browser, live_server, screenshot):
    membership = MembershipFactory(role=Role.EDITOR)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, membership.user)

    page.get_by_role("link", name="+ New campaign").first.click()
    page.get_by_label("Campaign name").fill("Coffee or tea")
    page.get_by_label("Kind").select_option("quiz")
    page.get_by_role("button", name="Create campaign").click()
    page.get_by_role("link", name="Content", exact=True).click()

    first = page.locator("#step-step-1")
    add_question(first, "single_choice", "Coffee or tea?")
    drink = page.locator("#question-coffee_or_tea")
    for label in ("Coffee", "Tea"):
        add_choice(drink, label)
    coffee = add_step(page, "Coffee corner", "coffee-corner")
    add_question(coffee, "short_text", "Favourite roast")
    tea = add_step(page, "Tea room", "tea-room")
    add_question(tea, "short_text", "Favourite leaf")
    add_outcome(page, "You're a coffee person", "youre-a-coffee-person")
    add_outcome(page, "You're a tea person", "youre-a-tea-person")
    screenshot(page, "journey-editor")

    page.get_by_role("link", name="Logic", exact=True).click()
    add_rule(page, "step-1", when=("answers.coffee_or_tea", "equals", "tea"),
             action="goto_step", target="tea-room")
    add_rule(page, "coffee-corner", action="goto_outcome", target="youre-a-coffee-person")
    add_rule(page, "tea-room", action="goto_outcome", target="youre-a-tea-person")

    page.get_by_role("link", name="Flow map", exact=True).click()
    flowmap = page.locator("svg.flowmap")
    expect(flowmap.locator('path[data-from="step:step-1"][data-to="step:tea-room"]')
           ).to_have_count(1)
    expect(flowmap.locator('path[data-from="step:tea-room"][data-to="outcome:youre-a-tea-person"]')
           ).to_have_count(1)
    expect(page.get_by_text("No problems").first).to_be_visible()
    screenshot(page, "journey-map")

    publish(page, 1)
    campaign = Campaign.objects.get(name="Coffee or tea")

    for name, choice, field, answer, outcome in (
        ("Ada", "Coffee", "Favourite roast", "Dark", "You're a coffee person"),
        ("Bo", "Tea", "Favourite leaf", "Oolong", "You're a tea person"),
    ):
        visitor = browser.new_context().new_page()
        visitor.goto(f"{live_server.url}/c/{campaign.slug}/")
        visitor.get_by_label("What's your name?").fill(name)
        visitor.get_by_label(choice, exact=True).check()
        next_step(visitor)
        visitor.get_by_label(field).fill(answer)
        next_step(visitor)
        expect(visitor.locator("#stage .rt-outcome")).to_contain_text(outcome)
        visitor.context.close()

    entries = {e.answer_values["name"]: e for e in Entry.objects.filter(campaign=campaign)}
    assert entries["Ada"].trail == ["step-1", "coffee-corner"]
    assert entries["Ada"].outcome == "youre-a-coffee-person"
    assert entries["Bo"].trail == ["step-1", "tea-room"]
    assert entries["Bo"].outcome == "youre-a-tea-person"
    assert all(e.status == EntryStatus.COMPLETED for e in entries.values())


def test_a_template_changed_and_published_again_keeps_started_entries_on_their_version(
        page, browser, live_server):
    membership = MembershipFactory(role=Role.EDITOR)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, membership.user)
    page.goto(live_server.url + "/app/campaigns/new/")
    page.get_by_role("button", name=re.compile("Use this template.*Request a demo")).click()
    publish(page, 1)
    campaign = Campaign.objects.get()

    # A visitor starts on version 1 and stops after the first step.
    visitor = browser.new_context().new_page()
    visitor.goto(f"{live_server.url}/c/{campaign.slug}/")
    visitor.get_by_role("button", name="Get started").click()
    for label, value in (("First name", "Ada"), ("Last name", "Lovelace"),
                         ("Work email", "ada@example.com"), ("Company", "Engines Ltd")):
        visitor.get_by_label(label).fill(value)
    next_step(visitor)
    expect(visitor.get_by_label("Number of employees")).to_be_visible()

    # The marketer renames that question, previews it, and publishes version 2.
    page.get_by_role("link", name="Content", exact=True).click()
    question = page.locator("#question-company_size")
    open_question(question)
    question.get_by_label("Label").fill("Headcount")
    question.get_by_role("button", name="Save question").click()
    expect(question.locator(".question-summary")).to_contain_text("Headcount")
    page.get_by_role("link", name="Preview", exact=True).click()
    frame = page.frame_locator("#preview-frame")
    frame.get_by_role("button", name="Get started").click()
    for label, value in (("First name", "Pat"), ("Last name", "Preview"),
                         ("Work email", "pat@example.com"), ("Company", "Preview Co")):
        frame.get_by_label(label).fill(value)
    frame.get_by_role("button", name="Next").click()
    expect(frame.get_by_label("Headcount")).to_be_visible()
    publish(page, 2)

    # The version 1 visitor still sees version 1's question, and finishes on version 1.
    visitor.reload()
    expect(visitor.get_by_label("Number of employees")).to_be_visible()
    visitor.get_by_label("Number of employees").select_option("size_1_10")
    next_step(visitor)
    expect(visitor.locator("#stage .rt-outcome")).to_be_visible()
    entry = Entry.objects.get(campaign=campaign)
    assert entry.status == EntryStatus.COMPLETED
    assert entry.version.number == 1

    newcomer = browser.new_context().new_page()
    newcomer.goto(f"{live_server.url}/c/{campaign.slug}/")
    newcomer.get_by_role("button", name="Get started").click()
    for label, value in (("First name", "Bo"), ("Last name", "Lee"),
                         ("Work email", "bo@example.com"), ("Company", "Tea Co")):
        newcomer.get_by_label(label).fill(value)
    next_step(newcomer)
    expect(newcomer.get_by_label("Headcount")).to_be_visible()
