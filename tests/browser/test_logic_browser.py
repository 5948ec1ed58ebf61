"""The logic tools in Chromium: on a campaign made from a gallery template, a rule added through
the dropdowns shows as an arrow on the flow map, and the preview walks that branch and the other
one at phone and desktop widths, with nothing saved. axe-core checks each page."""

import copy
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from campaigns.blueprints import gallery_template
from campaigns.models import Campaign, Rule
from campaigns.services.campaigns import campaign_create
from entries.models import Answer, Entry, Interaction
from tests.entries.documents import long_form
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
TEMPLATE = "product-recommender"


def sign_in(page, live_server, user):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Campaigns", exact=True)).to_be_visible()


def axe_clean(page, where: str) -> None:
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(r"""async () => {
        const result = await axe.run(document);
        if (result.passes.length < 10) return ["axe-core checked next to nothing"];
        return result.violations
            .filter(v => v.impact === "serious" || v.impact === "critical")
            .map(v => `${v.impact} ${v.id}: ${v.help} ` + v.nodes.slice(0, 3).map(
                n => n.target.join(" ")).join(", "));
    }""")
    assert not violations, f"axe on {where}:\n" + "\n".join(violations)


def redrawn(page, action) -> None:
    """Do `action`, which makes HTMX draw the rule form again, and wait for the new form."""
    page.locator("form.rule-form").evaluate("form => form.dataset.drawn = 'before'")
    action()
    page.wait_for_selector("form.rule-form:not([data-drawn])")


def test_a_rule_added_through_the_dropdowns_is_drawn_and_previewed(page, live_server,
                                                                   screenshot):
    user = MembershipFactory().user
    page.set_viewport_size({"width": 1360, "height": 900})
    sign_in(page, live_server, user)

    page.goto(live_server.url + "/app/campaigns/new/")
    name = gallery_template(TEMPLATE).name
    page.get_by_role("button", name=re.compile(f"Use this template.*{re.escape(name)}")).click()
    campaign = Campaign.objects.get()
    page.get_by_role("link", name="Logic", exact=True).click()
    expect(page.get_by_role("heading", name="How the outcome is picked")).to_be_visible()

    page.get_by_role("link", name="+ Add a rule to step where").click()
    form = page.locator("form.rule-form")
    # Each of these draws the form again (HTMX): the pickers fit the question chosen.
    redrawn(page, lambda: form.get_by_label("Condition 1: question").select_option(
        "answers.surface"))
    redrawn(page, lambda: form.get_by_label("Condition 1: comparison").select_option("equals"))
    form.get_by_label("Condition 1: value").select_option("treadmill")
    redrawn(page, lambda: form.get_by_role("button", name="+ Condition").click())
    expect(form.get_by_label("Condition 2: question")).to_be_visible()
    redrawn(page, lambda: form.get_by_role("button", name="Remove condition 2").click())
    expect(form.get_by_label("Condition 2: question")).to_have_count(0)
    expect(form.get_by_label("Condition 1: value")).to_have_value("treadmill")
    redrawn(page, lambda: form.get_by_label("Action").select_option("goto_step"))
    form.get_by_label("Step", exact=True).select_option("feet")
    axe_clean(page, "the rule form")
    screenshot(page, "logic-rule-form")
    form.get_by_role("button", name="Save rule").click()

    rule_text = page.locator("#rules-where .rule-text")
    expect(rule_text).to_contain_text("surface is Treadmill")
    expect(rule_text).to_contain_text("go to step feet")
    expect(page.get_by_text("Rule saved on step where.")).to_be_visible()
    assert Rule.objects.get(step__campaign=campaign, step__key="where").action == {
        "type": "goto_step", "step": "feet"}
    axe_clean(page, "the logic page")
    screenshot(page, "logic-page")

    page.get_by_role("link", name="Flow map").click()
    arrow = page.locator('svg.flowmap path[data-from="step:where"][data-to="step:feet"]')
    expect(arrow).to_have_count(1)
    expect(page.locator("svg.flowmap .edge-label", has_text="surface is Treadmill")).to_be_visible()
    expect(page.locator(".edge-list")).to_contain_text("when surface is Treadmill")
    axe_clean(page, "the flow map")
    screenshot(page, "map-page")

    page.get_by_role("link", name="Preview", exact=True).click()
    expect(page.get_by_text("Preview — nothing is saved.")).to_be_visible()
    frame_element = page.locator("#preview-frame")
    assert round(frame_element.bounding_box()["width"]) == 375
    frame = page.frame_locator("#preview-frame")
    frame.get_by_role("button", name="Find my shoe").click()
    frame.get_by_label("Treadmill").check()
    frame.get_by_role("button", name="Next").click()
    expect(frame.get_by_role("heading", name="How do your feet and legs feel on a run?")
           ).to_be_visible()  # the rule skipped "What are you training for?"
    axe_clean(page, "the preview page")
    screenshot(page, "preview-phone")

    page.get_by_role("link", name="Desktop").click()
    expect(page.get_by_role("link", name="Desktop")).to_have_attribute("aria-current", "true")
    expect(frame_element).to_have_attribute("src", re.compile("/preview/frame/"))
    page.wait_for_function(
        "document.getElementById('preview-frame').getBoundingClientRect().width > 1000")
    frame.get_by_role("button", name="Back").click()
    frame.get_by_label("Roads and pavements").check()
    frame.get_by_role("button", name="Next").click()
    expect(frame.get_by_role("heading", name="What are you training for?")).to_be_visible()
    screenshot(page, "preview-desktop")

    assert not Entry.objects.exists()
    assert not Answer.objects.exists()
    assert not Interaction.objects.exists()


def test_a_fifty_step_map_scrolls_and_stays_readable(page, live_server, screenshot):
    membership = MembershipFactory()
    document = long_form(50)
    for number, step in enumerate(document["steps"][:-3]):
        if number % 4 == 1:
            step["rules"].insert(0, {"when": {"all": [
                {"field": f"answers.q{number}b", "op": "equals", "value": "x"}]},
                "action": {"type": "goto_step", "step": f"s{number + 3}"}})
    campaign = campaign_create(workspace=membership.workspace, by=membership.user,
                               document=document)
    page.set_viewport_size({"width": 1360, "height": 900})
    sign_in(page, live_server, membership.user)
    page.goto(f"{live_server.url}/app/campaigns/{campaign.pk}/map/")
    expect(page.locator("svg.flowmap a.box--step")).to_have_count(50)
    scroller = page.locator(".map-scroll")
    assert scroller.evaluate("el => el.scrollHeight > el.clientHeight")  # it scrolls
    page.locator("#map-steps12").focus()
    expect(page.locator("#map-steps12")).to_be_focused()
    axe_clean(page, "the fifty-step map")
    screenshot(page, "map-fifty-steps")


def test_without_javascript_a_rule_is_added_with_plain_forms(browser, live_server):
    membership = MembershipFactory()
    campaign = campaign_create(workspace=membership.workspace, by=membership.user,
                               document=long_form(3))
    page = browser.new_context(java_script_enabled=False).new_page()
    sign_in(page, live_server, membership.user)
    page.goto(f"{live_server.url}/app/campaigns/{campaign.pk}/logic/")
    page.get_by_role("link", name="+ Add a rule to step s0").click()
    form = page.locator("form.rule-form")
    form.get_by_label("Condition 1: question").select_option("answers.q0b")
    form.get_by_role("button", name="Update the choices").click()  # no HTMX: redraw by POST
    form.get_by_label("Condition 1: comparison").select_option("equals")
    form.get_by_label("Condition 1: value").select_option("y")
    form.get_by_label("Action").select_option("end")
    form.get_by_role("button", name="Update the choices").click()
    expect(form.get_by_label("Step", exact=True)).to_have_count(0)
    form.get_by_role("button", name="Save rule").click()
    added = page.locator("#rules-s0 .rule-text").nth(1)  # after the step's own rule
    expect(added).to_contain_text("If q0b is Y")
    expect(added).to_contain_text("end")
    assert Rule.objects.filter(step__key="s0", action={"type": "end"}).exists()


def test_rules_are_reordered_by_drag_and_drop_and_by_keyboard(page, live_server):
    membership = MembershipFactory()
    campaign = campaign_create(workspace=membership.workspace, by=membership.user,
                               document=copy.deepcopy(gallery_template(TEMPLATE).document))
    step = campaign.steps.get(key="send_match")
    before = list(step.rules.values_list("pk", flat=True))
    sign_in(page, live_server, membership.user)
    page.goto(f"{live_server.url}/app/campaigns/{campaign.pk}/logic/")
    page.locator(f"#rule-{before[4]}").drag_to(page.locator(f"#rule-{before[0]}"))
    expect(page.locator("#rules-send_match .rule").first).to_have_id(f"rule-{before[4]}")
    assert list(step.rules.values_list("pk", flat=True)) == [before[4], *before[:4]]

    up = page.locator(f"#rule-{before[0]}-up")  # now second: back to first by keyboard
    up.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#rules-send_match .rule").first).to_have_id(f"rule-{before[0]}")
    expect(page.locator(f"#rule-{before[0]}-up")).to_be_focused()  # focus kept across redraw
    assert list(step.rules.values_list("pk", flat=True)) == [before[0], before[4], *before[1:4]]
