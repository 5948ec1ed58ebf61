"""The public runtime in Debian's Chromium: with HTMX, without JavaScript, inside other sites'
iframes (third-party cookies blocked), by keyboard alone, checked by axe-core, at phone and
desktop widths.

Every published gallery template is walked along two paths (first choices, then last choices);
`fill_step` answers whatever the current step asks, so a new template is covered without a test
change.
"""

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from campaigns.blueprints import GALLERY_DIR
from entries.models import Entry, EntryStatus, Interaction
from tests.entries.documents import branching_quiz

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
GALLERY = sorted(path.stem for path in GALLERY_DIR.glob("*.json"))
CAMPAIGNS = ["branching-quiz", *GALLERY]
MAX_STEPS = 15
TEXT = {"first_name": "Ada", "name": "Ada", "last_name": "Lovelace",
        "company": "Analytical Engines", "job_title": "Head of Research"}
EMAIL = "ada@example.com"
PHONE = "+442079460958"  # as the server stores it, so Back shows exactly what was typed
RECALL_TAG = re.compile(r"\{\{\s*answers\.([a-z0-9_-]+)\s*\}\}")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def load(name: str) -> dict:
    if name == "branching-quiz":
        return branching_quiz()
    with open(GALLERY_DIR / f"{name}.json", encoding="utf-8") as file:
        return json.load(file)


def entry_url_pattern(slug: str) -> re.Pattern:
    return re.compile(rf"/c/{re.escape(slug)}/e/[A-Za-z0-9_-]{{20,}}/$")


# --- answering a step -----------------------------------------------------------------------

def fill_step(scope, document: dict, path: int) -> dict[str, str]:
    """Answer every visible question of the current step with a valid value: the first choice
    on path 0, the last on path 1. Returns what the outcome may recall, by question key."""
    questions = {q["key"]: q for step in document["steps"] for q in step["questions"]}
    recalled = {}
    for block in scope.locator("#stage form[data-step] .rt-question").all():
        key = block.get_attribute("id").removeprefix("question-")
        question = questions[key]
        kind = question["kind"]
        rules = question.get("validation") or {}
        choices = question.get("choices") or []
        pick = 0 if path == 0 else -1
        if kind in ("short_text", "long_text"):
            value = TEXT.get(key, "Just testing")
            block.locator("input, textarea").fill(value)
        elif kind == "email":
            value = EMAIL
            block.locator("input").fill(value)
        elif kind == "phone":
            value = PHONE
            block.locator("input").fill(value)
        elif kind == "number":
            low, high = rules.get("min", 1), rules.get("max", 99)
            value = str(int(low if path == 0 else high))
            block.locator("input").fill(value)
        elif kind == "date":
            value = rules.get("min" if path == 0 else "max") or "2030-06-15"
            block.locator("input").fill(value)
        elif kind == "dropdown":
            choice = choices[pick]
            block.locator("select").select_option(choice["key"])
            value = choice["label"]
        elif kind in ("single_choice", "image_choice", "multiple_choice"):
            choice = choices[pick]
            block.locator(f'input[value="{choice["key"]}"]').check()
            value = choice["label"]
        elif kind in ("rating", "opinion_scale", "yes_no"):
            radios = block.locator("input[type=radio]")
            radio = radios.first if path == 0 else radios.last
            radio.check()
            value = {"yes": "Yes", "no": "No"}.get(radio.get_attribute("value"),
                                                  radio.get_attribute("value"))
        elif kind == "consent":
            block.locator("input[type=checkbox]").check()
            value = "Yes"
        elif kind == "file_upload":
            block.locator("input[type=file]").set_input_files(
                {"name": "note.txt", "mimeType": "text/plain", "buffer": b"hello"})
            value = "note.txt"
        else:  # statement
            continue
        recalled[key] = value
    return recalled


def form_state(scope) -> list[tuple[str, str]]:
    """What the visitor sees entered in the current step (without running page scripts)."""
    state = []
    fields = scope.locator("#stage form[data-step] .rt-question").locator("input, select, textarea")
    for field in fields.all():
        kind = field.get_attribute("type")
        if kind in ("radio", "checkbox"):
            if field.is_checked():
                state.append((field.get_attribute("name"), field.get_attribute("value")))
        elif kind != "file":
            state.append((field.get_attribute("name"), field.input_value()))
    return state


def heading(scope):
    return scope.locator("#stage h1")


def progress(scope) -> int:
    return int(scope.locator("#stage .rt-progress").get_attribute("aria-valuenow"))


def swap(scope, button: str = "next") -> None:
    """Click a step's button and wait for HTMX to swap the next stage in."""
    heading(scope).evaluate("h => h.setAttribute('data-old', '')")
    scope.locator(f'#stage button[type=submit][value="{button}"], #stage .rt-intro button').first.click()
    expect(scope.locator("#stage h1[data-old]")).to_have_count(0)


def fail_on_errors(scope) -> None:
    errors = scope.locator("#stage .rt-error")
    if errors.count():
        pytest.fail("the step refused our answers: " + " | ".join(errors.all_inner_texts()))


def assert_recalled(scope, document: dict, entry: Entry, recalled: dict[str, str]) -> None:
    """The outcome shows every answer its title and body recall."""
    outcome = next((o for o in document["outcomes"] if o["key"] == entry.outcome), None)
    assert outcome is not None, f"no outcome page for {entry.outcome!r}"
    text = scope.locator("#stage .rt-outcome").inner_text()
    tags = set(RECALL_TAG.findall(outcome["title"] + outcome.get("body", "")))
    for key in tags & recalled.keys():
        assert recalled[key] in text, f"{key}={recalled[key]!r} is not recalled in {text!r}"


# --- 1. with JavaScript ---------------------------------------------------------------------

@pytest.mark.parametrize("path", [0, 1], ids=["first-choices", "last-choices"])
@pytest.mark.parametrize("name", CAMPAIGNS)
def test_a_visitor_completes_a_campaign_with_htmx(page, live_server, publish, name, path):
    document = load(name)
    campaign = publish(document)
    page.goto(f"{live_server.url}/c/{campaign.slug}/")
    page.evaluate("window.__marker = 'no full navigation'")
    if document.get("intro"):
        expect(heading(page)).to_have_text(document["intro"]["title"])
        swap(page)
    entry_url = entry_url_pattern(campaign.slug)

    recalled, last_position, first_step = {}, 0, None
    for number in range(MAX_STEPS):
        if page.locator("#stage .rt-outcome").count():
            break
        expect(page).to_have_url(entry_url)
        expect(heading(page)).to_be_focused()
        assert page.evaluate("window.__marker") == "no full navigation"
        assert progress(page) > last_position
        last_position = progress(page)
        expect(page.locator("#announcer")).to_contain_text(heading(page).inner_text())

        if number == 1:  # Back keeps what was answered, then forward again
            title = heading(page).inner_text()
            swap(page, "back")
            expect(heading(page)).to_be_focused()
            expect(heading(page)).to_have_text(first_step["title"])
            assert form_state(page) == first_step["state"]
            swap(page)
            expect(heading(page)).to_have_text(title)
            expect(heading(page)).to_be_focused()

        recalled |= fill_step(page, document, path)
        if number == 0:
            first_step = {"title": heading(page).inner_text(), "state": form_state(page)}
        swap(page)
        fail_on_errors(page)
    else:
        pytest.fail(f"no outcome after {MAX_STEPS} steps")

    expect(heading(page)).to_be_focused()
    expect(page).to_have_url(entry_url)
    assert page.evaluate("window.__marker") == "no full navigation"
    entry = Entry.objects.get(campaign=campaign)
    assert entry.status == EntryStatus.COMPLETED
    assert_recalled(page, document, entry, recalled)

    outcome_title = heading(page).inner_text()
    page.reload()  # the pushed URL is a real page
    expect(heading(page)).to_have_text(outcome_title)
    # The micro-interactions arrived by sendBeacon: focus and answer changes, first vs final.
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not Interaction.objects.filter(
            entry=entry, kind="change").exists():
        time.sleep(0.1)
    kinds = set(Interaction.objects.filter(entry=entry).values_list("kind", flat=True))
    assert {"view", "focus", "change", "time", "back", "submit"} <= kinds


# --- 2. without JavaScript ------------------------------------------------------------------

@pytest.mark.parametrize("path", [0, 1], ids=["first-choices", "last-choices"])
@pytest.mark.parametrize("name", CAMPAIGNS)
def test_a_visitor_completes_a_campaign_without_javascript(browser, live_server, publish, name,
                                                           path):
    document = load(name)
    campaign = publish(document)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    posts = []
    page.on("request", lambda r: r.method == "POST" and posts.append(r))

    def submit(button: str = "next") -> None:
        with page.expect_navigation():
            page.locator(f'#stage button[type=submit][value="{button}"], '
                         '#stage .rt-intro button').first.click()
        post = posts[-1]
        assert post.response().status == 303, post.response().status
        assert post.redirected_to is not None

    page.goto(f"{live_server.url}/c/{campaign.slug}/")
    if document.get("intro"):
        submit()
    recalled, first_step = {}, None
    for number in range(MAX_STEPS):
        if page.locator("#stage .rt-outcome").count():
            break
        expect(page).to_have_url(entry_url_pattern(campaign.slug))
        if number == 1:
            submit("back")
            expect(heading(page)).to_have_text(first_step["title"])
            assert form_state(page) == first_step["state"]
            submit()
        recalled |= fill_step(page, document, path)
        if number == 0:
            first_step = {"title": heading(page).inner_text(), "state": form_state(page)}
        submit()
        fail_on_errors(page)
    else:
        pytest.fail(f"no outcome after {MAX_STEPS} steps")

    entry = Entry.objects.get(campaign=campaign)
    assert entry.status == EntryStatus.COMPLETED
    assert_recalled(page, document, entry, recalled)
    assert not context.cookies()
    context.close()
