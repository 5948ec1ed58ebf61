"""The public runtime in Debian's Chromium: with HTMX, without JavaScript, inside other sites'
iframes (third-party cookies blocked), by keyboard alone, checked by axe-core, at phone and
desktop widths.

Every published gallery template is walked along two paths (first choices, then last choices)
in each of three ways: with HTMX, without JavaScript, and embedded on a second origin.
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
from playwright.sync_api import Frame, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from campaigns.blueprints import GALLERY_DIR
from entries.models import Entry, EntryStatus, Interaction
from tests.browser.serial import DB_TURN, one_request_at_a_time  # noqa: F401 (takes turns)
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
OUTCOME = "#stage .rt-outcome:not(.rt-message)"
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

def fill_step(scope, document: dict, path: int,
              blocks: str = "#stage form[data-step] .rt-question") -> dict[str, str]:
    """Answer every question of the current step (the `blocks`) with a valid value: the first
    choice on path 0, the last on path 1. Returns what the outcome may recall, by question key."""
    questions = {q["key"]: q for step in document["steps"] for q in step["questions"]}
    recalled = {}
    for block in scope.locator(blocks).all():
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


def swap(scope, button: str = "next", *, keyboard: bool = False) -> None:
    """Click a stage's button (or press Enter on it) and wait for HTMX to swap the next stage in
    (JavaScript on)."""
    # A click before htmx has wired the page up would be a plain POST and a full page load.
    scope.wait_for_function("() => document.readyState === 'complete' && window.htmx")
    heading(scope).evaluate("h => h.setAttribute('data-old', '')")
    target = scope.locator(f'#stage .rt-btn[value="{button}"], #stage .rt-intro button').first
    in_a_frame = isinstance(scope, Frame)
    page = scope.page if in_a_frame else scope
    with page.expect_response(lambda r: r.request.method == "POST"
                              and r.request.headers.get("hx-request") == "true") as answer:
        # A click in an embedded frame is aimed from the frame's place on the host page, which
        # moves while the embed resizes it or scrolls the page; a key press needs no aim.
        if keyboard or in_a_frame:
            target.press("Enter")
        else:
            target.click()
    if answer.value.status != 200:
        pytest.fail(f"the step answered {answer.value.status}: {answer.value.text()[:500]}")
    # Swapped, settled, and focus moved into the new stage (its heading or first error).
    try:
        scope.wait_for_function("""() => !document.querySelector("#stage h1[data-old]")
            && document.querySelector("#stage").contains(document.activeElement)""",
                                timeout=15_000)
    except PlaywrightTimeoutError:
        pytest.fail("the next stage did not settle: " + scope.evaluate("""() => JSON.stringify({
            url: location.href, focus: document.activeElement.outerHTML.slice(0, 120),
            stage: document.querySelector("#stage").innerHTML.slice(0, 400)})"""))


def fail_on_errors(scope) -> None:
    """Stop at once, saying why, when the runtime refused a step or showed a message instead."""
    refusals = scope.locator("#stage .rt-error, #stage .rt-message, #stage .rt-alert:not("
                             "#error-summary)")
    if refusals.count():
        pytest.fail("the runtime refused: " + " | ".join(refusals.all_inner_texts()))


def assert_recalled(scope, document: dict, entry: Entry, recalled: dict[str, str]) -> None:
    """The outcome shows every answer its title and body recall."""
    outcome = next((o for o in document["outcomes"] if o["key"] == entry.outcome), None)
    assert outcome is not None, f"no outcome page for {entry.outcome!r}"
    text = scope.locator(OUTCOME).inner_text()
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
        if page.locator(OUTCOME).count():
            break
        expect(page).to_have_url(entry_url)
        expect(heading(page)).to_be_focused()
        assert page.evaluate("window.__marker") == "no full navigation"
        assert progress(page) > last_position
        last_position = progress(page)
        expect(page.locator("#announcer")).to_contain_text(heading(page).inner_text())
        expect(page).to_have_title(re.compile("^" + re.escape(heading(page).inner_text())))

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
    with DB_TURN:
        entry = Entry.objects.get(campaign=campaign)
    assert entry.status == EntryStatus.COMPLETED
    assert_recalled(page, document, entry, recalled)

    outcome_title = heading(page).inner_text()
    page.reload()  # the pushed URL is a real page
    expect(heading(page)).to_have_text(outcome_title)
    # The micro-interactions arrived by sendBeacon: focus and answer changes, first vs final.
    kinds, deadline = set(), time.monotonic() + 5
    while time.monotonic() < deadline and "change" not in kinds:
        with DB_TURN:
            kinds = set(Interaction.objects.filter(entry=entry).values_list("kind", flat=True))
        time.sleep(0.05)
    assert {"view", "focus", "change", "time", "back", "submit"} <= kinds


def test_the_outcome_offers_a_referral_link_that_links_the_friends_entry(browser, live_server,
                                                                          publish, settings):
    settings.SITE_URL = live_server.url  # shared links are built from it, like emails' links
    document = load("giveaway")
    campaign = publish(document)
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"{live_server.url}/c/{campaign.slug}/")
    swap(page)
    for _ in range(MAX_STEPS):
        if page.locator(OUTCOME).count():
            break
        fill_step(page, document, 0)
        swap(page)
        fail_on_errors(page)
    with DB_TURN:
        referrer = Entry.objects.get(campaign=campaign)
    link = page.get_by_label("Your personal link to share")
    expect(link).to_have_value(
        f"{live_server.url}/c/{campaign.slug}/?ref={referrer.referral_code}")
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_role("status")).to_have_text("Link copied.")
    assert page.evaluate("navigator.clipboard.readText()") == link.input_value()

    friend = browser.new_context().new_page()
    friend.goto(link.input_value())
    swap(friend)
    with DB_TURN:
        assert Entry.objects.get(campaign=campaign, referred_by=referrer)
    friend.context.close()
    context.close()


# --- 2. without JavaScript ------------------------------------------------------------------

# Both paths of the branching quiz, then one path of each gallery template, alternating.
WITHOUT_JS = [("branching-quiz", 0), ("branching-quiz", 1),
              *((name, index % 2) for index, name in enumerate(GALLERY))]


@pytest.mark.parametrize(("name", "path"), WITHOUT_JS, ids=[f"{n}-{p}" for n, p in WITHOUT_JS])
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
            page.locator(f'#stage .rt-btn[value="{button}"], #stage .rt-intro button').first.click()
        post = posts[-1]
        assert post.response().status == 303, post.response().status
        assert post.redirected_to is not None

    page.goto(f"{live_server.url}/c/{campaign.slug}/")
    if document.get("intro"):
        submit()
    recalled, first_step = {}, None
    for number in range(MAX_STEPS):
        if page.locator(OUTCOME).count():
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


# --- 3. embedded on another site ------------------------------------------------------------

class _HostSite(BaseHTTPRequestHandler):
    """A customer's site on a second origin (127.0.0.1; the live server is localhost)."""

    def do_GET(self):
        body = self.server.pages.get(self.path, "").encode()
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def host():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HostSite)
    server.pages = {}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def host_page(host, live_server, path: str, body: str) -> str:
    assert "localhost" in live_server.url  # the host page is on another site
    host.pages[path] = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Our blog</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        f'<body style="font-family: sans-serif"><h1>Our blog</h1>{body}</body></html>')
    return f"http://127.0.0.1:{host.server_port}{path}"


def embed(live_server, campaign, **data) -> str:
    attributes = "".join(f' data-{key.replace("_", "-")}="{value}"' for key, value in data.items())
    return (f'<script src="{live_server.url}/static/embed.js" data-campaign="{campaign.slug}"'
            f"{attributes}></script>")


@pytest.fixture(scope="module")
def cookieless_browser(browser_type, browser_type_launch_args):
    """Chromium as it will ship: third-party cookies blocked."""
    args = [*browser_type_launch_args.get("args", []), "--test-third-party-cookie-phaseout"]
    browser = browser_type.launch(**{**browser_type_launch_args, "args": args})
    yield browser
    browser.close()


def frame_of(page, index: int = 0):
    iframe = page.locator("iframe").nth(index)
    frame = iframe.element_handle().content_frame()
    frame.wait_for_selector("#stage h1")
    return iframe, frame


def fitted_height(iframe, frame) -> float:
    """Wait until the iframe is as tall as the document inside it, and return that height."""
    deadline = time.monotonic() + 5
    while True:
        outer = iframe.evaluate("f => f.getBoundingClientRect().height")
        inner, scroll = frame.evaluate("""() => [
            document.documentElement.getBoundingClientRect().height,
            document.documentElement.scrollHeight]""")
        if abs(outer - inner) <= 2 and scroll <= outer + 2:  # and nothing scrolls inside
            return outer
        if time.monotonic() > deadline:
            pytest.fail(f"the iframe is {outer}px tall, its document {inner}px ({scroll}px)")
        time.sleep(0.05)


def in_view(page, locator) -> bool:
    box = locator.bounding_box()  # relative to the main page's viewport
    return box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"]


def test_an_embedded_campaign_fits_its_frame_and_needs_no_cookies(cookieless_browser,
                                                                  live_server, publish, host):
    document = load("lead-form")
    campaign = publish(document)
    url = host_page(host, live_server, "/inline",
                    '<p style="height: 900px">Read on: our demo form is below.</p>'
                    f'{embed(live_server, campaign, utm_source="blog")}<p>Thanks for reading.</p>')
    context = cookieless_browser.new_context(viewport={"width": 800, "height": 700})
    page = context.new_page()
    responses = []
    page.on("response", lambda r: r.url.startswith(live_server.url) and responses.append(r))
    page.goto(url)
    iframe, frame = frame_of(page)
    # The browser really blocks third-party cookies here.
    assert frame.evaluate("""() => {
        document.cookie = "probe=1; SameSite=None; Secure; Path=/";
        return document.cookie;
    }""") == ""

    intro = fitted_height(iframe, frame)
    swap(frame)
    long_step = fitted_height(iframe, frame)
    assert frame.evaluate("document.activeElement.id") == "stage-title"
    swap(frame)  # nothing filled in: errors make the step taller still
    assert frame.locator(".rt-error").count() >= 4
    with_errors = fitted_height(iframe, frame)
    assert in_view(page, frame.locator('[aria-invalid="true"]').first)
    fill_step(frame, document, 0)
    swap(frame)
    fail_on_errors(frame)
    short_step = fitted_height(iframe, frame)
    # The visitor, scrolled down to the long step's button, sees the next step's heading.
    assert in_view(page, frame.locator("#stage h1"))
    fill_step(frame, document, 0)
    swap(frame)
    outcome = fitted_height(iframe, frame)
    assert frame.locator(f"{OUTCOME} h1").inner_text().startswith("You're all set")
    assert with_errors > long_step > short_step + 150, (intro, long_step, with_errors, short_step)
    assert intro != long_step
    assert outcome != with_errors

    with DB_TURN:
        entry = Entry.objects.get(campaign=campaign)
    assert entry.status == EntryStatus.COMPLETED
    assert entry.source["utm_source"] == "blog"
    assert entry.source["referrer"].startswith(f"http://127.0.0.1:{host.server_port}/")
    assert not context.cookies()
    assert not [r.url for r in responses if r.header_value("set-cookie")]
    context.close()


@pytest.mark.parametrize("path", [0, 1], ids=["first-choices", "last-choices"])
@pytest.mark.parametrize("name", CAMPAIGNS)
def test_a_visitor_completes_a_campaign_embedded_on_another_site(cookieless_browser, live_server,
                                                                  publish, host, name, path):
    """embed.js on a second origin, third-party cookies blocked: every stage fits its frame."""
    document = load(name)
    campaign = publish(document)
    context = cookieless_browser.new_context(viewport={"width": 800, "height": 700})
    page = context.new_page()
    page.goto(host_page(host, live_server, f"/{name}", embed(live_server, campaign)))
    iframe, frame = frame_of(page)
    if document.get("intro"):
        swap(frame)
    recalled = {}
    for _ in range(MAX_STEPS):
        fitted_height(iframe, frame)
        if frame.locator(OUTCOME).count():
            break
        recalled |= fill_step(frame, document, path)
        swap(frame)
        fail_on_errors(frame)
    else:
        pytest.fail(f"no outcome after {MAX_STEPS} steps")

    with DB_TURN:
        entry = Entry.objects.get(campaign=campaign)
    assert entry.status == EntryStatus.COMPLETED
    assert_recalled(frame, document, entry, recalled)
    assert not context.cookies()
    context.close()


def test_the_popup_is_a_modal_dialog_that_escape_closes(page, live_server, publish, host):
    campaign = publish(branching_quiz())
    page.goto(host_page(host, live_server, "/popup",
                        "<p>Which brew are you?</p>"
                        + embed(live_server, campaign, mode="popup", button="Take the quiz")))
    button = page.get_by_role("button", name="Take the quiz")
    for inside_the_frame in (False, True):
        button.focus()
        page.keyboard.press("Enter")
        dialog = page.get_by_role("dialog", name="Take the quiz")
        expect(dialog).to_be_visible()
        assert dialog.evaluate("d => d.matches(':modal')")
        iframe, frame = frame_of(page)
        expect(frame.locator("#stage h1")).to_have_text("Find your brew")
        fitted_height(iframe, frame)
        if inside_the_frame:  # Escape works wherever focus is, even inside the campaign
            swap(frame)
            assert frame.evaluate("document.activeElement.id") == "stage-title"
        page.keyboard.press("Escape")
        expect(page.locator("dialog")).to_have_count(0)
        expect(button).to_be_focused()


def test_two_campaigns_on_one_page_work_independently(page, live_server, publish, host):
    quiz, giveaway = publish(branching_quiz()), publish(load("giveaway"))
    page.goto(host_page(host, live_server, "/two",
                        embed(live_server, quiz) + "<hr>" + embed(live_server, giveaway)))
    quiz_iframe, quiz_frame = frame_of(page, 0)
    giveaway_iframe, giveaway_frame = frame_of(page, 1)
    giveaway_intro = load("giveaway")["intro"]["title"]
    expect(giveaway_frame.locator("#stage h1")).to_have_text(giveaway_intro)
    swap(quiz_frame)
    quiz_frame.get_by_label("Your first name").fill("Ada")
    swap(quiz_frame)
    quiz_frame.get_by_label("Tea").check()
    swap(quiz_frame)
    expect(quiz_frame.locator("#stage h1")).to_have_text("A tea person")
    expect(giveaway_frame.locator("#stage h1")).to_have_text(giveaway_intro)
    quiz_height = fitted_height(quiz_iframe, quiz_frame)
    swap(giveaway_frame)
    giveaway_height = fitted_height(giveaway_iframe, giveaway_frame)
    assert abs(fitted_height(quiz_iframe, quiz_frame) - quiz_height) <= 2  # untouched
    expect(quiz_frame.locator("#stage h1")).to_have_text("A tea person")
    assert abs(quiz_height - giveaway_height) > 20
    with DB_TURN:
        assert Entry.objects.get(campaign=quiz).status == EntryStatus.COMPLETED
        assert Entry.objects.get(campaign=giveaway).status == EntryStatus.STARTED


# --- 4. accessibility -----------------------------------------------------------------------

def assert_accessible(page, where: str) -> None:
    """axe-core finds no violation, of any impact."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    violations = page.evaluate(r"""async () => {
        const result = await axe.run(document);
        if (result.passes.length < 10) return ["axe-core checked next to nothing"];
        return result.violations
            .map(v => `${v.impact} ${v.id}: ${v.help}\n` + v.nodes.slice(0, 5).map(
                n => `    ${n.target.join(" ")}\n      ${n.failureSummary.replace(/\n/g, " ")}`
            ).join("\n"));
    }""")
    assert not violations, f"axe on {where}:\n" + "\n".join(violations)


def focus_is_visible(page) -> bool:
    """The focused control, or the label or box drawn for it, shows a focus indicator."""
    return page.evaluate("""() => {
        const el = document.activeElement;
        return [el, el.closest("label"), el.nextElementSibling].filter(Boolean).some(node => {
            const style = getComputedStyle(node);
            return (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
                || style.boxShadow !== "none";
        });
    }""")


def tab_to(page, selector: str, limit: int = 20) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            assert focus_is_visible(page), f"no visible focus on {selector}"
            return
    pytest.fail(f"Tab never reached {selector}")


def test_a_keyboard_user_completes_the_quiz(page, live_server, publish):
    campaign = publish(branching_quiz())
    page.goto(f"{live_server.url}/c/{campaign.slug}/")
    tab_to(page, ".rt-intro button")
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("Hi there")
    expect(heading(page)).to_be_focused()
    tab_to(page, "#q-name")
    page.keyboard.type("Ada")
    tab_to(page, ".rt-btn[value=next]")
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("Ada, pick one")
    expect(heading(page)).to_be_focused()
    tab_to(page, "input[name=drink]")
    page.keyboard.press("Space")
    expect(page.get_by_label("Coffee")).to_be_checked()
    page.keyboard.press("Enter")  # submits forward, although Back is the first visible button
    expect(heading(page)).to_have_text("How strong?")
    expect(heading(page)).to_be_focused()  # settled: Tab now starts from the heading
    tab_to(page, "input[name=rating]")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(page.locator("input[name=rating][value='4']")).to_be_checked()
    tab_to(page, ".rt-btn[value=next]")
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("Coffee it is")
    expect(heading(page)).to_be_focused()
    expect(page.locator(".rt-outcome")).to_contain_text("Enjoy, Ada! Score 2.")


# --- 4 and 5. axe and screenshots at phone and desktop widths -------------------------------

@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("name", ["lead-form", "personality-quiz", "nps-survey"])
def test_intro_errors_and_outcome_are_accessible_and_look_right(browser, live_server, publish,
                                                                screenshot, name, width):
    document = load(name)
    campaign = publish(document)
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}/c/{campaign.slug}/")
    assert_accessible(page, f"{name} intro")
    screenshot(page, f"runtime-{name}-{width}-intro")

    swap(page)
    swap(page)  # nothing answered
    expect(page.locator("#error-summary")).to_be_visible()
    first_error = page.locator('#stage [aria-invalid="true"]').first
    expect(first_error).to_be_focused()
    assert_accessible(page, f"{name} step with errors")
    screenshot(page, f"runtime-{name}-{width}-errors")

    for _ in range(MAX_STEPS):
        if page.locator(OUTCOME).count():
            break
        fill_step(page, document, 0)
        swap(page)
        fail_on_errors(page)
    expect(page.locator(OUTCOME)).to_be_visible()
    assert_accessible(page, f"{name} outcome")
    screenshot(page, f"runtime-{name}-{width}-outcome")
    context.close()


def test_a_long_answer_ending_in_an_emoji_is_reported_whole(page, live_server, publish):
    """The script cuts a reported value at 200 characters, never inside a surrogate pair: half an
    emoji is a lone surrogate, which the server refuses with the whole batch."""
    campaign = publish(branching_quiz())
    page.goto(f"{live_server.url}/c/{campaign.slug}/")
    swap(page)
    typed = "a" * 199 + "😀" + "tail"
    page.locator('#stage input[name="name"]').fill(typed)
    swap(page)
    expect(heading(page)).to_have_text(f"{typed}, pick one")
    changes, deadline = [], time.monotonic() + 5
    while time.monotonic() < deadline and not changes:
        with DB_TURN:
            changes = list(Interaction.objects.filter(kind="change").values_list("data",
                                                                                 flat=True))
        time.sleep(0.05)
    assert [change["value"] for change in changes] == ["a" * 199 + "😀"]
