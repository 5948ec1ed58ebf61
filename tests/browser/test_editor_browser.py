"""The content editor in Debian's Chromium: a marketer builds a campaign only through the UI,
publishes it and a visitor completes it."""

import re

import pytest
from playwright.sync_api import expect

from campaigns.models import Campaign, Role
from campaigns.services.campaigns import campaign_create
from entries.models import Entry, EntryStatus
from tests.browser.serial import one_request_at_a_time  # noqa: F401 (takes turns)
from tests.browser.test_runtime_browser import assert_accessible
from tests.entries.documents import branching_quiz
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

def sign_in(page, live_server, user):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Campaigns", exact=True)).to_be_visible()


def open_settings(item):
    """Expand the item's settings unless they are already open (new items open expanded)."""
    details = item.locator("details.item-settings").first
    if details.get_attribute("open") is None:
        details.locator("> summary").click()


def open_question(question):
    details = question.locator("details.question-details")
    if details.get_attribute("open") is None:
        details.locator("> summary").click()


def settled(page):
    """HTMX has swapped and wired up the new content (a person is never this quick)."""
    page.wait_for_function(
        "!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")


def add_question(step, kind: str, label: str):
    count = step.locator(".question").count()
    step.locator(".add-question").get_by_label("Kind").select_option(kind)
    step.locator(".add-question").get_by_label("Question").fill(label)
    step.get_by_role("button", name="+ Add question").click()
    expect(step.locator(".question")).to_have_count(count + 1)
    settled(step.page)


def add_choice(question, label: str):
    question.locator(".add-choice").get_by_label("New choice").fill(label)
    question.get_by_role("button", name="+ Add choice").click()
    expect(question.locator(".choice-list input[name$='-label']").last).to_have_value(label)
    settled(question.page)


def choice_labels(question):
    return [field.input_value() for field in
            question.locator(".choice-list input[name$='-label']").all()]


def question_keys(step):
    return [q.get_attribute("id").removeprefix("question-")
            for q in step.locator(".question").all()]


def test_build_reorder_duplicate_delete_publish_and_complete(page, browser, live_server,
                                                             screenshot):
    membership = MembershipFactory(role=Role.EDITOR, workspace__name="Acme Marketing")
    sign_in(page, live_server, membership.user)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name="+ New campaign").first.click()
    page.get_by_label("Campaign name").fill("Brew finder")
    page.get_by_label("Kind").select_option("quiz")
    page.get_by_role("button", name="Create campaign").click()
    page.get_by_role("link", name="Content", exact=True).click()
    expect(page.get_by_role("heading", name="Content", exact=True)).to_be_visible()
    campaign = Campaign.objects.get(name="Brew finder")

    # The blank campaign's step: a title, and a second question.
    first = page.locator("#step-step-1")
    open_settings(first)
    first.get_by_label("Title", exact=True).fill("About you")
    first.get_by_label("Text", exact=True).fill("Two quick questions.\n\nThen your brew.")
    first.get_by_role("button", name="Save step").click()
    expect(first.get_by_role("heading", name="About you")).to_be_visible()
    add_question(first, "email", "Your email")
    email = page.locator("#question-your_email")
    expect(email.get_by_label("Label")).to_have_value("Your email")
    email.get_by_label("Required").check()
    email.get_by_role("button", name="Save question").click()
    expect(email.locator(".req")).to_be_visible()

    # Picking another kind shows its settings at once; saving makes it so.
    add_question(first, "short_text", "Cups a day")
    cups = page.locator("#question-cups_a_day")
    cups.get_by_label("Kind").select_option("number")
    expect(cups.get_by_text("Not saved yet")).to_be_visible()
    cups.get_by_label("Highest number").fill("20")
    cups.get_by_role("button", name="Save question").click()
    expect(cups.locator(".kind-badge")).to_have_text("Number")
    assert campaign.questions.get(key="cups_a_day").validation["max"] == 20

    # A new step with a choice question and a rating, its title recalling the first answer.
    page.get_by_label("New step title").fill("Your taste")
    page.get_by_role("button", name="+ Add step").click()
    taste = page.locator("#step-your-taste")
    expect(taste).to_be_visible()
    add_question(taste, "single_choice", "Coffee or tea?")
    drink = page.locator("#question-coffee_or_tea")
    for label in ("Coffee", "Tea", "Water"):
        add_choice(drink, label)
    add_question(taste, "rating", "How strong?")
    strength = page.locator("#question-how_strong")
    strength.get_by_label("Scale ends at").fill("10")
    strength.get_by_label("Label at the high end").fill("Rocket fuel")
    strength.get_by_role("button", name="Save question").click()
    expect(strength.locator(".field-error")).to_have_count(0)
    expect(strength.get_by_label("Scale ends at")).to_have_value("10")
    open_settings(taste)
    title = taste.get_by_label("Title", exact=True)
    title.fill("")
    title.press_sequentially("Hi ")
    taste.locator(".item-settings").get_by_text("Insert recall tag").click()
    taste.get_by_role("button", name="What's your name?").click()
    expect(title).to_have_value("Hi {{ answers.name }}")
    taste.get_by_role("button", name="Save step").click()
    expect(taste.get_by_role("heading", name="Hi {{ answers.name }}")).to_be_visible()
    expect(page.locator("#editor-status")).to_contain_text("No problems")

    # Reorder by keyboard: focus stays on the moved question's button.
    assert question_keys(first) == ["name", "your_email", "cups_a_day"]
    down = first.locator("#question-name").get_by_role("button", name="Move question down")
    down.focus()
    page.keyboard.press("Enter")
    expect(first.locator(".question").first).to_have_id("question-your_email")
    expect(page.locator("#question-name-down")).to_be_focused()
    # Reorder by drag and drop: Water to the top.
    open_question(drink)
    revision = page.locator("#editor-revision").input_value()
    drink.locator("#choice-coffee_or_tea-water .drag-handle").drag_to(
        drink.locator("#choice-coffee_or_tea-coffee"), target_position={"x": 5, "y": 2})
    expect(page.locator("#editor-revision")).not_to_have_value(revision)
    expect(drink.locator(".choice").first).to_have_id("choice-coffee_or_tea-water")
    assert list(campaign.questions.get(key="coffee_or_tea").choices.values_list(
        "key", flat=True)) == ["water", "coffee", "tea"]

    # Duplicate a step, then delete the copy.
    taste.get_by_role("button", name="Duplicate step").click()
    copy = page.locator("#step-your-taste-2")
    expect(copy).to_be_visible()
    expect(copy.locator("#question-coffee_or_tea_2")).to_be_visible()
    copy.get_by_role("button", name="Delete step").click()
    expect(copy.get_by_text("It has 2 questions")).to_be_visible()
    copy.get_by_role("button", name="Delete", exact=True).click()
    expect(page.locator("#step-your-taste-2")).to_have_count(0)

    # Deleting a recalled question warns where it is used; cancelling keeps it.
    first.locator("#question-name").get_by_role("button", name="Delete question").click()
    warning = page.locator("#question-name")
    expect(warning.get_by_text("It is used in 1 place")).to_be_visible()
    expect(warning).to_contain_text("title shows it with {{ answers.name }}")
    expect(warning.get_by_role("button", name="Delete anyway")).to_be_focused()
    screenshot(page, "editor-delete-warning")
    warning.get_by_role("link", name="Cancel").click()
    expect(page.locator("#question-name .question-summary")).to_be_visible()
    expect(page.locator("#question-name-delete")).to_be_focused()

    # Outcome.
    page.get_by_label("New outcome title").fill("Enjoy your brew")
    page.get_by_role("button", name="+ Add outcome").click()
    expect(page.locator("#outcome-enjoy-your-brew")).to_be_visible()

    open_question(drink)
    expect(drink.get_by_label("Correct answer", exact=True)).to_be_visible()
    screenshot(page, "editor-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "editor-375")
    page.set_viewport_size({"width": 1280, "height": 900})

    # A stale save from a second page: refused, what was typed kept, who changed what said.
    other = browser.new_context().new_page()
    sign_in(other, live_server, membership.user)
    other.goto(page.url)
    theirs = other.locator("#step-step-1")
    open_settings(theirs)
    theirs.get_by_label("Button label").fill("Let's go")
    theirs.get_by_role("button", name="Save step").click()
    expect(theirs.get_by_label("Button label")).to_have_value("Let's go")
    mine = page.locator("#step-step-1")
    open_settings(mine)
    mine.get_by_label("Title", exact=True).fill("About you, briefly")
    mine.get_by_role("button", name="Save step").click()
    expect(mine.get_by_role("alert")).to_contain_text("This draft was changed by "
                                                      + membership.user.email)
    expect(mine.get_by_label("Title", exact=True)).to_have_value("About you, briefly")
    assert campaign.steps.get(key="step-1").title == "About you"
    mine.get_by_role("link", name="Reload the editor").click()
    expect(page.locator("#step-step-1").get_by_label("Button label")).to_have_value(
        "Let's go")

    # Publish from the overview, then complete it as a visitor.
    page.get_by_role("link", name="Overview").click()
    page.get_by_role("button", name=re.compile("^Publish")).click()
    if page.get_by_role("button", name="Publish anyway").count():
        page.get_by_role("button", name="Publish anyway").click()
    expect(page.get_by_text("Version 1 is live.")).to_be_visible()

    page.goto(f"{live_server.url}/c/{Campaign.objects.get(pk=campaign.pk).slug}/")
    expect(page.locator("#stage h1")).to_have_text("About you")
    page.get_by_label("Your email").fill("ada@example.com")
    page.get_by_label("What's your name?").fill("Ada")
    page.locator('#stage .rt-btn[value="next"]').click()
    expect(page.locator("#stage h1")).to_have_text("Hi Ada")
    page.get_by_label("Tea").check()
    page.locator('#stage input[type=radio][value="10"]').check()
    page.locator('#stage .rt-btn[value="next"]').click()
    expect(page.locator("#stage .rt-outcome")).to_be_visible()
    entry = Entry.objects.get(campaign=campaign)
    assert entry.status == EntryStatus.COMPLETED
    assert {a.question_key: a.value for a in entry.answers.all()} == {
        "name": "Ada", "your_email": "ada@example.com", "cups_a_day": None, "coffee_or_tea": "tea",
        "how_strong": 10}


@pytest.mark.parametrize("role", [Role.EDITOR, Role.VIEWER])
def test_editor_page_is_accessible(page, live_server, role, screenshot):
    membership = MembershipFactory(role=role, workspace__name="Acme Marketing")
    campaign = campaign_create(workspace=membership.workspace, by=membership.user,
                               document=branching_quiz())
    sign_in(page, live_server, membership.user)
    page.goto(f"{live_server.url}/app/campaigns/{campaign.pk}/edit/")
    open_question(page.locator("#question-drink"))
    if role == Role.EDITOR:
        open_settings(page.locator("#step-taste"))
        page.locator("#step-taste .step-head .recall > summary").click()
    assert_accessible(page, f"the editor as {role}")
    screenshot(page, f"editor-as-{role}")
    page.set_viewport_size({"width": 375, "height": 800})
    assert_accessible(page, f"the editor at 375 px as {role}")


def test_without_javascript_every_edit_is_a_plain_post(browser, live_server):
    membership = MembershipFactory(role=Role.EDITOR, workspace__name="Acme Marketing")
    campaign = campaign_create(workspace=membership.workspace, by=membership.user,
                               document=branching_quiz())
    page = browser.new_context(java_script_enabled=False).new_page()
    sign_in(page, live_server, membership.user)
    page.goto(f"{live_server.url}/app/campaigns/{campaign.pk}/edit/")
    strength = page.locator("#step-strength")
    strength.get_by_role("button", name="Move step up").click()
    expect(page.locator(".step-card").nth(1)).to_have_id("step-strength")

    page.get_by_label("New step title").fill("Extra")
    page.get_by_role("button", name="+ Add step").click()
    expect(page.locator("#step-extra")).to_be_visible()
    extra = page.locator("#step-extra")
    extra.locator("details.item-settings > summary").click()
    extra.get_by_label("Text", exact=True).fill("One line\nand another")
    extra.get_by_label("Key").fill("Not a key!")
    extra.get_by_role("button", name="Save step").click()
    expect(page.locator("#step-extra .field-error")).to_contain_text("Use lower-case letters")
    expect(page.locator("#step-extra").get_by_label("Text", exact=True)).to_have_value(
        "One line\nand another")

    page.goto(f"{live_server.url}/app/campaigns/{campaign.pk}/edit/")
    page.locator("#question-drink").get_by_role("button", name="Delete question").click()
    expect(page.get_by_role("heading", name="Confirm deletion")).to_be_visible()
    expect(page.get_by_role("heading", name="Delete question “Coffee or tea?”?")).to_be_visible()
    expect(page.get_by_text("tests this answer")).to_be_visible()
    page.get_by_role("button", name="Delete anyway").click()
    expect(page.get_by_text("These now refer to nothing and need fixing")).to_be_visible()
    assert not campaign.questions.filter(key="drink").exists()


def test_drag_a_question_onto_another_step(page, live_server):
    membership = MembershipFactory(role=Role.EDITOR, workspace__name="Acme Marketing")
    campaign = campaign_create(workspace=membership.workspace, by=membership.user,
                               document=branching_quiz())
    sign_in(page, live_server, membership.user)
    page.set_viewport_size({"width": 1280, "height": 1600})  # both steps in view: no scrolling
    page.goto(f"{live_server.url}/app/campaigns/{campaign.pk}/edit/")
    revision = page.locator("#editor-revision").input_value()
    page.locator("#question-email .drag-handle").drag_to(
        page.locator("#question-rating"), target_position={"x": 20, "y": 2})
    expect(page.locator("#editor-revision")).not_to_have_value(revision)
    expect(page.locator("#step-strength .question").first).to_have_id("question-email")
    assert list(campaign.steps.get(key="strength").questions.values_list("key", flat=True)) == [
        "email", "rating"]
    assert list(campaign.steps.get(key="about").questions.values_list("key", flat=True)) == [
        "name", "utm_source"]


def test_leaving_with_an_unsaved_label_asks_first(page, live_server):
    """Type a new label, click another tab: a dialog warns; staying keeps the text, saving
    clears the warning, and leaving after that asks nothing."""
    membership = MembershipFactory(role=Role.EDITOR, workspace__name="Acme Marketing")
    campaign = campaign_create(workspace=membership.workspace, by=membership.user,
                               document=branching_quiz())
    sign_in(page, live_server, membership.user)
    page.goto(f"{live_server.url}/app/campaigns/{campaign.pk}/edit/")
    question = page.locator("#question-drink")
    open_question(question)
    label = question.get_by_label("Label", exact=True)
    label.fill("Coffee, tea or cocoa?")
    tabs = page.get_by_role("navigation", name="Campaign")

    dialogs = []

    def stay(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", stay)
    tabs.get_by_role("link", name="Logic").click()
    expect(page.get_by_role("heading", name="Content")).to_be_visible()
    assert dialogs == ["You have changes that are not saved. Leave this page and lose them?"]
    expect(label).to_have_value("Coffee, tea or cocoa?")

    question.get_by_role("button", name="Save question").click()
    settled(page)
    assert campaign.questions.get(key="drink").label == "Coffee, tea or cocoa?"
    page.on("dialog", lambda dialog: dialogs.append(dialog.message) or dialog.dismiss())
    tabs.get_by_role("link", name="Logic").click()
    expect(page).to_have_url(re.compile(r"/logic/$"))
    assert len(dialogs) == 1


def test_ending_a_campaign_asks_in_a_dialog(page, live_server, publish):
    campaign = publish(branching_quiz())
    owner = campaign.workspace.memberships.get(role=Role.OWNER).user
    sign_in(page, live_server, owner)
    page.goto(f"{live_server.url}/app/campaigns/{campaign.pk}/")
    messages = []
    page.once("dialog", lambda dialog: messages.append(dialog.message) or dialog.dismiss())
    page.get_by_role("button", name="End", exact=True).click()
    assert messages
    assert messages[0].startswith("End “Coffee or tea?” now?")
    campaign.refresh_from_db()
    assert campaign.status == "live"
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="End", exact=True).click()
    expect(page.get_by_text("“Coffee or tea?” is now Ended.")).to_be_visible()
    campaign.refresh_from_db()
    assert campaign.status == "ended"
