"""Focus and chat modes in Debian's Chromium: every gallery template completed with the keyboard
only and with JavaScript off, one inside an embed on another origin, axe in each mode, the same
analytics from the same answers in every mode, and screenshots at phone and desktop widths.

The keyboard driver answers the question on screen with the keys a visitor would press: letters
for choices, typing then Enter for text, Enter to go on (a single choice goes on by itself).
"""

import copy
import re

import pytest
from playwright.sync_api import Frame, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from entries.analytics.funnel import median_seconds
from entries.analytics.scope import Scope
from entries.models import Answer, Entry, EntryStatus, Interaction
from tests.browser import test_runtime_browser
from tests.browser.serial import DB_TURN, one_request_at_a_time  # noqa: F401 (takes turns)
from tests.browser.test_runtime_browser import (
    EMAIL,
    GALLERY,
    MAX_STEPS,
    OUTCOME,
    PHONE,
    TEXT,
    assert_accessible,
    assert_recalled,
    embed,
    entry_url_pattern,
    fail_on_errors,
    fill_step,
    frame_of,
    host_page,
    load,
)

pytestmark = pytest.mark.django_db(transaction=True)
# The runtime tests' second origin and cookieless Chromium, shared.
host = test_runtime_browser.host
cookieless_browser = test_runtime_browser.cookieless_browser

MODES = ["focus", "chat"]
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
CURRENT = "#stage form.is-stepped .rt-question:not([hidden])"


def in_mode(document: dict, mode: str) -> dict:
    document = copy.deepcopy(document)
    document.setdefault("theme", {})["mode"] = mode
    document["theme"]["persona"] = "Mia"
    return document


def htmx_post(response) -> bool:
    return (response.request.method == "POST"
            and response.request.headers.get("hx-request") == "true")


def page_of(scope):
    return scope.page if isinstance(scope, Frame) else scope


def focused(scope):
    """The element with focus, marked so a locator can press keys on it."""
    scope.evaluate("""() => {
        document.querySelectorAll("[data-kb]").forEach(e => e.removeAttribute("data-kb"));
        document.activeElement.setAttribute("data-kb", "");
    }""")
    return scope.locator("[data-kb]")


def press(scope, key: str) -> None:
    focused(scope).press(key)


def wait_for_question(scope, key: str | None = None) -> str:
    """Wait until a question is on screen with focus inside it; its key."""
    selector = f"{CURRENT}#question-{key}" if key else CURRENT
    try:
        scope.wait_for_function(
            """s => { const q = document.querySelector(s);
                      return q && (q.contains(document.activeElement)
                                   || q === document.activeElement)
                        && !q.getAnimations().length; }""", arg=selector, timeout=10_000)
    except PlaywrightTimeoutError:
        pytest.fail(f"no question {key or ''} with focus: " + scope.evaluate("""() =>
            JSON.stringify({url: location.href, focus: document.activeElement.outerHTML
                .slice(0, 150), stage: document.querySelector("#stage").innerText.slice(0, 600)})
            """))
    return scope.locator(CURRENT).get_attribute("id").removeprefix("question-")


def answer_by_keyboard(scope, question: dict, path: int) -> str | None:
    """Answer the question on screen with keys, leaving the last key (Enter, or the letter
    of a single choice) unpressed: returns it (None when the question needs nothing more)."""
    kind, key = question["kind"], question["key"]
    rules = question.get("validation") or {}
    block = scope.locator(CURRENT)
    if kind in ("short_text", "long_text"):
        focused(scope).press_sequentially(TEXT.get(key, "Just testing"))
    elif kind == "email":
        focused(scope).press_sequentially(EMAIL)
    elif kind == "phone":
        focused(scope).press_sequentially(PHONE)
    elif kind == "number":
        focused(scope).press_sequentially(str(int(rules.get("min", 1) if path == 0
                                                  else rules.get("max", 99))))
    elif kind == "dropdown":
        press(scope, "End" if path else "Home")
        if block.locator("select").input_value() == "":
            press(scope, "ArrowDown")
    elif kind in ("single_choice", "image_choice", "yes_no", "rating", "opinion_scale"):
        count = block.locator("input[type=radio]").count()
        return LETTERS[0 if path == 0 else count - 1]
    elif kind == "multiple_choice":
        count = block.locator("input[type=checkbox]").count()
        press(scope, LETTERS[0 if path == 0 else count - 1])
    elif kind == "consent":
        press(scope, "A")
    return "Enter"


def is_last(scope, key: str) -> bool:
    return scope.evaluate("""k => { const all = document.querySelectorAll(
        "#stage form.is-stepped .rt-question"); return all[all.length - 1].id === k; }""",
                          f"question-{key}")


def walk_step(scope, document: dict, path: int) -> None:
    """Answer the rest of the step on screen question by question, by keyboard; the last
    question's last key submits it."""
    questions = {q["key"]: q for step in document["steps"] for q in step["questions"]}
    for _ in range(len(questions)):
        key = wait_for_question(scope)
        last_key = answer_by_keyboard(scope, questions[key], path)
        if not is_last(scope, key):
            press(scope, last_key)
            # On to the next question (a single choice goes on by itself after a moment).
            scope.wait_for_function("k => !document.querySelector(k)",
                                    arg=f"{CURRENT}#question-{key}")
            continue
        scope.locator("#stage h1").evaluate("h => h.setAttribute('data-old', '')")
        with page_of(scope).expect_response(htmx_post) as answer:
            press(scope, last_key)
        assert answer.value.status == 200, answer.value.text()[:500]
        scope.wait_for_function("""() => !document.querySelector("#stage h1[data-old]")""")
        return
    pytest.fail("the step never ended")


def start(scope, document: dict) -> None:
    scope.wait_for_function("() => document.readyState === 'complete' && window.htmx")
    if document.get("intro"):
        scope.locator("#stage h1").evaluate("h => h.setAttribute('data-old', '')")
        with page_of(scope).expect_response(htmx_post):
            scope.locator(".rt-intro button").press("Enter")
        scope.wait_for_function("""() => !document.querySelector("#stage h1[data-old]")""")


def complete_by_keyboard(scope, document: dict, path: int) -> None:
    start(scope, document)
    for _ in range(MAX_STEPS):
        if scope.locator(OUTCOME).count():
            return
        fail_on_errors(scope)
        walk_step(scope, document, path)
    pytest.fail(f"no outcome after {MAX_STEPS} steps")


# --- 1. every gallery template, keyboard only -----------------------------------------------

@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", GALLERY)
def test_a_keyboard_user_completes_every_template(page, live_server, publish, name, mode):
    document = in_mode(load(name), mode)
    campaign = publish(document)
    page.goto(f"{live_server.url}/c/{campaign.slug}/")
    complete_by_keyboard(page, document, path=GALLERY.index(name) % 2)
    expect(page.locator(OUTCOME)).to_be_visible()
    entry = Entry.objects.get(campaign=campaign)
    assert entry.status == EntryStatus.COMPLETED


# --- 2. without JavaScript: one question per page -------------------------------------------

QUESTION_BLOCKS = '#stage form[data-step] .rt-question[id^="question-"]'
SHOWN = QUESTION_BLOCKS + ":visible"
ASKED = ':not(.rt-question--statement)'


def questions_on_page(page) -> tuple[int, int]:
    """The questions that ask something (not statements): shown on this page, and in the step."""
    return (page.locator(SHOWN + ASKED).count(),
            page.locator(QUESTION_BLOCKS + ASKED).count())


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", GALLERY)
def test_a_visitor_completes_every_template_without_javascript(browser, live_server, publish,
                                                               name, mode):
    document = in_mode(load(name), mode)
    campaign = publish(document)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/c/{campaign.slug}/")
    if document.get("intro"):
        with page.expect_navigation():
            page.locator(".rt-intro button").click()
    recalled, pages, asked = {}, 0, set()
    for _ in range(MAX_STEPS * 6):
        if page.locator(OUTCOME).count():
            break
        expect(page).to_have_url(entry_url_pattern(campaign.slug))
        expect(page.locator(f"#stage .rt-mode--{mode}")).to_be_visible()
        expect(page.locator("#stage [data-keys-hint]")).to_be_hidden()  # no script, no keys
        shown, in_step = questions_on_page(page)
        assert shown == min(in_step, 1), f"{shown} questions on one page"
        asked |= {block.get_attribute("id") for block in page.locator(SHOWN + ASKED).all()}
        pages += 1
        recalled |= fill_step(page, document, 1, blocks=SHOWN)
        with page.expect_navigation():
            page.locator('#stage .rt-btn-primary[value="next"]').click()
        fail_on_errors(page)
    else:
        pytest.fail("no outcome")
    entry = Entry.objects.get(campaign=campaign)
    assert entry.status == EntryStatus.COMPLETED
    assert pages >= len(asked)  # a page for each question answered
    assert_recalled(page, document, entry, recalled)
    context.close()


def lead_form_second_page(browser, live_server, publish, mode, **options):
    """Without JavaScript, the lead form's first question answered ("Ada"): its second page."""
    campaign = publish(in_mode(load("lead-form"), mode))
    context = browser.new_context(java_script_enabled=False, **options)
    page = context.new_page()
    page.goto(f"{live_server.url}/c/{campaign.slug}/")
    with page.expect_navigation():
        page.locator(".rt-intro button").click()
    page.locator("#q-first_name").fill("Ada")
    with page.expect_navigation():
        page.locator('#stage .rt-btn-primary[value="next"]').click()
    return context, page


@pytest.mark.parametrize("mode", MODES)
def test_without_javascript_back_goes_to_the_previous_question_with_answers_kept(
        browser, live_server, publish, mode):
    context, page = lead_form_second_page(browser, live_server, publish, mode)
    expect(page.locator(SHOWN)).to_have_attribute("id", "question-last_name")
    page.locator("#q-last_name").fill("Lovelace")
    with page.expect_navigation():
        page.locator('#stage .rt-btn[value="back"]').click()
    expect(page.locator(SHOWN)).to_have_attribute("id", "question-first_name")
    expect(page.locator("#q-first_name")).to_have_value("Ada")
    # Left empty, the required email is refused on its own page, its message tied to the field.
    for _ in range(3):
        with page.expect_navigation():
            page.locator('#stage .rt-btn-primary[value="next"]').click()
    expect(page.locator(SHOWN)).to_have_attribute("id", "question-email")
    expect(page.locator("#q-email")).to_have_attribute("aria-describedby",
                                                       re.compile("error-email"))
    expect(page.locator("#q-last_name")).to_have_value("Lovelace")
    assert Entry.objects.get().answer_values == {}
    context.close()


# --- 3. embedded on another origin ----------------------------------------------------------

@pytest.mark.parametrize("mode", MODES)
def test_a_keyboard_user_completes_it_embedded_on_another_site(cookieless_browser, live_server,
                                                               publish, host, mode):
    document = in_mode(load("lead-form"), mode)
    campaign = publish(document)
    context = cookieless_browser.new_context(viewport={"width": 800, "height": 700})
    page = context.new_page()
    page.goto(host_page(host, live_server, f"/{mode}", embed(live_server, campaign)))
    _, frame = frame_of(page)
    complete_by_keyboard(frame, document, path=0)
    expect(frame.locator(OUTCOME)).to_be_visible()
    with DB_TURN:
        assert Entry.objects.get(campaign=campaign).status == EntryStatus.COMPLETED
    context.close()


# --- 4. the chat log, errors and going back ---------------------------------------------------

def test_chat_asks_in_a_live_log_and_an_answer_can_be_edited(page, live_server, publish):
    document = in_mode(load("lead-form"), "chat")
    campaign = publish(document)
    page.goto(f"{live_server.url}/c/{campaign.slug}/")
    start(page, document)
    log = page.locator('#stage [role="log"][aria-live="polite"]')
    expect(log).to_have_count(1)
    wait_for_question(page, "first_name")
    expect(log.locator(".rt-msg--bot")).to_have_count(1)
    expect(page.locator("#stage .rt-persona")).to_contain_text("Mia")
    focused(page).press_sequentially("Ada")
    press(page, "Enter")
    wait_for_question(page, "last_name")
    expect(log.locator(".rt-msg--me")).to_contain_text("Ada")
    expect(log.locator(".rt-msg--bot")).to_have_count(2)
    # Appended, never re-rendered: the first message is the same node.
    first = log.locator(".rt-msg").first.element_handle()
    focused(page).press_sequentially("Lovelace")
    press(page, "Enter")
    wait_for_question(page, "email")
    assert first.evaluate("m => m.isConnected")

    edit = log.locator('[data-edit="0"]')
    expect(edit).to_have_accessible_name(re.compile(r"^Edit\s*: First name$"))
    edit.press("Enter")
    wait_for_question(page, "first_name")
    expect(log.locator(".rt-msg--me")).to_have_count(0)
    expect(page.locator("#q-first_name")).to_have_value("Ada")
    press(page, "End")
    focused(page).press_sequentially("line")
    press(page, "Enter")
    wait_for_question(page, "last_name")
    expect(log.locator(".rt-msg--me")).to_contain_text("Adaline")

    # Skip the rest of the step: the server's errors bring back the first refused question.
    for _ in range(6):
        if page.locator("#error-summary").count():
            break
        key = wait_for_question(page)
        press(page, "Enter")
        page.wait_for_function("k => !document.querySelector(k)", arg=f"{CURRENT}#question-{key}")
    expect(page.locator("#error-summary")).to_be_visible()
    key = wait_for_question(page)
    assert key == "email"
    expect(page.locator("#q-email")).to_be_focused()
    assert_accessible(page, "chat with errors")


def test_focus_keys_move_between_questions_and_shift_enter_is_a_new_line(page, live_server,
                                                                          publish):
    document = in_mode(load("lead-form"), "focus")
    campaign = publish(document)
    page.goto(f"{live_server.url}/c/{campaign.slug}/")
    start(page, document)
    expect(page.locator("#stage [data-keys-hint]")).to_be_visible()
    assert wait_for_question(page) == "first_name"
    press(page, "ArrowDown")
    assert wait_for_question(page, "last_name")
    press(page, "ArrowUp")
    assert wait_for_question(page, "first_name")

    document = in_mode(load("nps-survey"), "focus")
    campaign = publish(document)
    page.goto(f"{live_server.url}/c/{campaign.slug}/")
    start(page, document)
    walk_step(page, document, 0)  # the score: a letter picks it and goes on
    choice = wait_for_question(page)
    press(page, "B")
    expect(page.locator(f"#question-{choice} input").nth(1)).to_be_checked()
    # The single choice goes on by itself.
    page.wait_for_function("k => !document.querySelector(k)", arg=f"{CURRENT}#question-{choice}")
    text = wait_for_question(page)
    focused(page).press_sequentially("One")
    press(page, "Shift+Enter")
    focused(page).press_sequentially("Two")
    assert page.locator(f"#question-{text} textarea").input_value() == "One\nTwo"
    with page.expect_response(htmx_post):
        press(page, "Enter")  # the step's last question: Enter submits the step


# --- 5. the same analytics in every mode -----------------------------------------------------

def click(scope, selector: str) -> None:
    """Click a stage's button once HTMX is ready, and wait for the next stage."""
    scope.wait_for_function("() => document.readyState === 'complete' && window.htmx")
    scope.locator("#stage h1").evaluate("h => h.setAttribute('data-old', '')")
    with page_of(scope).expect_response(htmx_post):
        scope.locator(selector).click()
    scope.wait_for_function("""() => !document.querySelector("#stage h1[data-old]")""")


def walk_with_a_change(scope, document: dict, mode: str) -> None:
    """Answer the personality quiz's first step, go on, come back, change the answer, finish."""
    start(scope, document)
    questions = {q["key"]: q for step in document["steps"] for q in step["questions"]}
    first = document["steps"][0]["questions"][0]
    if mode == "card":
        def step(path):
            for block in scope.locator("#stage form[data-step] .rt-question").all():
                key = block.get_attribute("id").removeprefix("question-")
                fill_step_one(block, questions[key], path)
            click(scope, '#stage .rt-btn-primary[value="next"]')
    else:
        def step(path):
            walk_step(scope, document, path)
    step(0)
    if mode != "card":
        wait_for_question(scope)  # the chat has asked it
    click(scope, '#stage .rt-btn[value="back"]')
    expect(scope.locator(f"#question-{first['key']}")).to_be_visible()
    step(1)  # the other answer: one change
    for _ in range(MAX_STEPS):
        if scope.locator(OUTCOME).count():
            return
        step(0)
    pytest.fail("no outcome")


def fill_step_one(block, question: dict, path: int) -> None:
    choices = question.get("choices") or []
    kind = question["kind"]
    if kind in ("single_choice", "image_choice"):
        block.locator(f'input[value="{choices[0 if path == 0 else -1]["key"]}"]').check()
    elif kind == "short_text":
        block.locator("input").fill(TEXT.get(question["key"], "Just testing"))
    elif kind == "email":
        block.locator("input").fill(EMAIL)
    elif kind == "consent":
        block.locator("input[type=checkbox]").check()


def figures(campaign) -> dict:
    entry = Entry.objects.get(campaign=campaign)
    assert entry.status == EntryStatus.COMPLETED
    answers = {a.question_key: (a.value, a.first_value, a.changes)
               for a in Answer.objects.filter(entry=entry)}
    events = list(Interaction.objects.filter(entry=entry))
    focused_questions = {e.data.get("question") for e in events if e.kind == "focus"}
    changed = {}
    for event in events:
        if event.kind == "change":
            changed.setdefault(event.data["question"], set()).add(event.data["value"])
    timed_steps = {e.step_key for e in events if e.kind == "time"}
    medians = median_seconds(Scope(campaign))
    return {"answers": answers, "focused": focused_questions, "changed": changed,
            "timed": timed_steps, "median_steps": set(medians), "outcome": entry.outcome}


def test_the_same_answers_give_the_same_analytics_in_every_mode(page, live_server, publish):
    results = {}
    for mode in ("card", "focus", "chat"):
        document = in_mode(load("personality-quiz"), mode)
        campaign = publish(document)
        page.goto(f"{live_server.url}/c/{campaign.slug}/")
        walk_with_a_change(page, document, mode)
        page.goto("about:blank")  # the last step's time goes with the page
        page.wait_for_timeout(300)
        with DB_TURN:
            results[mode] = figures(campaign)
    card = results["card"]
    first = load("personality-quiz")["steps"][0]["questions"][0]["key"]
    assert card["answers"][first][2] == 1  # the answer changed once
    assert card["median_steps"], "no time per step"
    for mode in ("focus", "chat"):
        assert results[mode]["answers"] == card["answers"], mode
        assert results[mode]["outcome"] == card["outcome"], mode
        assert results[mode]["median_steps"] == card["median_steps"], mode
        assert results[mode]["changed"] == card["changed"], mode
        assert results[mode]["focused"] >= set(card["answers"]), mode
        assert results[mode]["timed"] >= card["median_steps"], mode


# --- 6. axe and screenshots at phone and desktop widths -------------------------------------

@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("mode", MODES)
def test_each_mode_is_accessible_and_looks_right(browser, live_server, publish, screenshot,
                                                 mode, width):
    document = in_mode(load("lead-form"), mode)
    campaign = publish(document)
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}/c/{campaign.slug}/")
    start(page, document)
    wait_for_question(page)
    focused(page).press_sequentially("Ada")
    press(page, "Enter")
    wait_for_question(page, "last_name")
    assert_accessible(page, f"{mode} first step")
    screenshot(page, f"modes-{mode}-{width}-text")
    walk_step(page, document, 0)
    walk_step(page, document, 1)  # a large team: on to the last step
    wait_for_question(page)
    assert_accessible(page, f"{mode} last step")
    screenshot(page, f"modes-{mode}-{width}-last-step")
    context.close()


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("mode", MODES)
def test_without_javascript_each_page_is_accessible_and_looks_right(
        browser, live_server, publish, screenshot, mode, width):
    context, page = lead_form_second_page(browser, live_server, publish, mode,
                                          viewport={"width": width, "height": 800})
    expect(page.locator(SHOWN)).to_have_count(1)
    screenshot(page, f"modes-{mode}-{width}-nojs-question")
    # axe needs a script: the page as served, its scripts taken out, in a page that runs them.
    html = re.sub(r"<script\b.*?</script>", "", page.content(), flags=re.S)
    checker = browser.new_context(viewport={"width": width, "height": 800}).new_page()
    checker.goto(f"{live_server.url}/static/css/modes.css")
    checker.set_content(html)
    expect(checker.locator(SHOWN)).to_have_count(1)
    assert_accessible(checker, f"{mode} without JavaScript")
    checker.context.close()
    context.close()


# --- 7. the chat's history survives a reload ---------------------------------------------------

@pytest.mark.parametrize("width", [375, 1280])
def test_a_reloaded_chat_shows_its_history_once_and_asks_on(browser, live_server, publish,
                                                           screenshot, width):
    document = in_mode(load("lead-form"), "chat")
    campaign = publish(document)
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}/c/{campaign.slug}/")
    start(page, document)
    walk_step(page, document, 0)
    wait_for_question(page)
    page.reload()
    page.wait_for_function("() => document.readyState === 'complete' && window.htmx")
    wait_for_question(page)
    past = page.locator("#stage .rt-chat-past")
    expect(past).to_have_count(1)
    expect(past).to_contain_text("Ada")
    expect(past).to_contain_text(EMAIL)
    assert past.locator(".rt-msg--me").count() == 5  # the first step's five answers, once
    log = page.locator('#stage [role="log"]')
    expect(log.locator(".rt-msg--bot")).to_have_count(1)  # only the question now asked
    expect(log.locator(".rt-msg--me")).to_have_count(0)
    assert past.evaluate("p => !p.closest('[aria-live]')")  # not read again at each load
    assert_accessible(page, "chat reloaded")
    screenshot(page, f"modes-chat-{width}-reloaded")
    walk_step(page, document, 0)  # it goes on from there, to the end
    expect(page.locator(OUTCOME)).to_be_visible()
    context.close()


def test_a_reloaded_focus_step_is_taken_whole_by_the_script(page, live_server, publish):
    """A plain GET serves the step's first page for visitors without JavaScript; the script
    takes the whole step from it and completes it as before."""
    document = in_mode(load("lead-form"), "focus")
    campaign = publish(document)
    page.goto(f"{live_server.url}/c/{campaign.slug}/")
    start(page, document)
    wait_for_question(page, "first_name")
    page.reload()
    page.wait_for_function("() => document.readyState === 'complete' && window.htmx")
    assert wait_for_question(page) == "first_name"
    expect(page.locator('#stage input[name="part"]')).to_have_count(0)
    for _ in range(MAX_STEPS):
        if page.locator(OUTCOME).count():
            break
        walk_step(page, document, 0)
    expect(page.locator(OUTCOME)).to_be_visible()
    with DB_TURN:
        assert Entry.objects.get(campaign=campaign).status == EntryStatus.COMPLETED
