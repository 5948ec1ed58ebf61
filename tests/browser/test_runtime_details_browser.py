"""What a visitor on a phone sees of the runtime's details, measured in Debian's Chromium at 320
and 375 px: focus indicators that contrast 3:1 with what is next to them on every gallery theme,
44 px targets for the small links, the 0-10 scale on one row with its end labels at its ends,
share buttons, and nothing that needs JavaScript shown without it. axe-core finds nothing, of
any impact, on the pages these touch."""

import json

import pytest
from playwright.sync_api import expect

from campaigns.blueprints import GALLERY_DIR
from entries.models import Entry
from tests.browser.serial import DB_TURN, one_request_at_a_time  # noqa: F401 (takes turns)
from tests.browser.test_runtime_browser import (
    MAX_STEPS,
    OUTCOME,
    assert_accessible,
    fail_on_errors,
    fill_step,
    load,
    swap,
)
from tests.entries.documents import branching_quiz

pytestmark = pytest.mark.django_db(transaction=True)

GALLERY_THEMES = {path.stem: json.loads(path.read_text())["theme"]
                  for path in sorted(GALLERY_DIR.glob("*.json"))}
PALE_PRIMARY = {"primary": "#fde68a", "background": "#ffffff", "text": "#111827",
                "font": "system", "logo": "", "cover": ""}
PHONE = {"width": 375, "height": 800}

# The focused element's ring: its colour, and the colour it is drawn on (the nearest ancestor's
# opaque background, since the ring sits outside the element), both as sRGB bytes read back
# from a canvas, so any CSS colour syntax (color-mix, color(srgb …)) is measured alike.
FOCUS_RING = r"""() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 1;
    const ctx = canvas.getContext("2d", {willReadFrequently: true});
    const rgba = colour => {
        ctx.clearRect(0, 0, 1, 1);
        ctx.fillStyle = "#000"; ctx.fillStyle = colour; ctx.fillRect(0, 0, 1, 1);
        return Array.from(ctx.getImageData(0, 0, 1, 1).data);
    };
    let behind = [255, 255, 255, 255];
    for (let node = el.parentElement; node; node = node.parentElement) {
        const colour = rgba(getComputedStyle(node).backgroundColor);
        if (colour[3] === 255) { behind = colour; break; }
    }
    return {what: el.outerHTML.slice(0, 80), style: style.outlineStyle,
            width: parseFloat(style.outlineWidth), offset: parseFloat(style.outlineOffset),
            ring: rgba(style.outlineColor), behind};
}"""


def contrast(first, second) -> float:
    def luminance(rgb):
        def channel(value):
            c = value / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
        r, g, b = (channel(v) for v in rgb[:3])
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def assert_focus_ring_contrasts(page, where: str) -> float:
    ring = page.evaluate(FOCUS_RING)
    assert ring["style"] != "none", f"{where}: no ring on {ring}"
    assert ring["width"] >= 2, f"{where}: too thin a ring {ring}"
    assert ring["ring"][3] == 255, f"{where}: a see-through ring {ring}"
    assert ring["offset"] >= 1, f"{where}: the ring must sit on what is behind, {ring}"
    ratio = contrast(ring["ring"], ring["behind"])
    assert ratio >= 3, f"{where}: the focus ring contrasts {ratio:.2f}:1 — {ring}"
    return ratio


def box(locator) -> dict:
    return locator.bounding_box()


def focus_by_keyboard(page, locator) -> None:
    """Focus arrives by Tab, as :focus-visible needs after a click."""
    locator.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    expect(locator).to_be_focused()


# --- focus indicators -----------------------------------------------------------------------

@pytest.mark.parametrize("theme", [*GALLERY_THEMES.values(), PALE_PRIMARY],
                         ids=[*GALLERY_THEMES, "pale-primary"])
def test_focus_indicators_contrast_3_to_1_on_every_theme(browser, live_server, publish, theme,
                                                        screenshot):
    campaign = publish({**branching_quiz(), "theme": theme})
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/c/{campaign.slug}/")
    page.keyboard.press("Tab")
    while not page.evaluate("document.activeElement.matches('.rt-intro button')"):
        page.keyboard.press("Tab")
    assert_focus_ring_contrasts(page, "the Start button")

    swap(page, keyboard=True)  # a step with a text input; its Next button
    page.locator("#q-name").focus()
    assert_focus_ring_contrasts(page, "a text input")
    focus_by_keyboard(page, page.locator(".rt-btn[value=next]"))
    assert_focus_ring_contrasts(page, "the Next button")

    swap(page, keyboard=True)  # nothing typed: the name is invalid and takes focus
    expect(page.locator("#q-name")).to_be_focused()
    expect(page.locator("#q-name")).to_have_attribute("aria-invalid", "true")
    assert_focus_ring_contrasts(page, "an invalid input")
    if theme in (PALE_PRIMARY, GALLERY_THEMES["personality-quiz"]):
        screenshot(page, f"runtime-focus-invalid-{theme['primary'][1:]}")
    context.close()


# --- target sizes and the 0-10 scale at phone widths -----------------------------------------

def test_continue_later_and_footer_links_are_44px_targets(browser, live_server, publish):
    campaign = publish(load("giveaway"))
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/c/{campaign.slug}/")
    swap(page)
    targets = [page.get_by_role("link", name="Continue later"),
               page.locator(".rt-footer").get_by_role("link", name="Official rules"),
               page.locator(".rt-footer").get_by_role("link", name="Stepcraft")]
    for target in targets:
        size = box(target)
        assert size["height"] >= 44, (target, size)
        assert size["width"] >= 44, (target, size)
    context.close()


def scale_layout(page) -> dict:
    return page.evaluate("""() => {
        const rect = el => el.getBoundingClientRect();
        const points = [...document.querySelectorAll("#question-nps .rt-scale-point")].map(rect);
        const [low, high] = document.querySelectorAll("#question-nps .rt-scale-labels > span");
        return {tops: points.map(p => Math.round(p.top)),
                lefts: points.map(p => p.left), rights: points.map(p => p.right),
                widths: points.map(p => p.width), heights: points.map(p => p.height),
                low: [rect(low).left, rect(low).top], high: [rect(high).right, rect(high).top],
                scroll: document.documentElement.scrollWidth, width: innerWidth};
    }""")


@pytest.mark.parametrize("width", [320, 375])
def test_the_0_to_10_scale_fits_one_row_with_its_labels_at_its_ends(browser, live_server,
                                                                    publish, screenshot, width):
    campaign = publish(load("nps-survey"))
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}/c/{campaign.slug}/")
    swap(page)
    for state in ("fresh", "errors"):
        if state == "errors":
            swap(page)  # nothing chosen: the question is marked, its bar takes room too
            expect(page.locator("#question-nps.has-error")).to_be_visible()
        layout = scale_layout(page)
        assert len(layout["tops"]) == 11, layout
        assert len(set(layout["tops"])) == 1, layout
        assert layout["scroll"] <= layout["width"], "the page scrolls sideways"
        # "Not at all likely" starts under 0, "Extremely likely" ends under 10.
        assert abs(layout["low"][0] - layout["lefts"][0]) <= 2, layout
        assert abs(layout["high"][0] - layout["rights"][-1]) <= 2, layout
        # WCAG 2.5.8: each point 24px from the next, centre to centre, and tall to tap.
        centres = [(left + right) / 2 for left, right in zip(layout["lefts"], layout["rights"],
                                                              strict=True)]
        assert min(b - a for a, b in zip(centres, centres[1:], strict=False)) >= 24, layout
        assert min(layout["heights"]) >= 44, layout
        screenshot(page, f"runtime-nps-scale-{width}-{state}")
    assert_accessible(page, f"the NPS step with errors at {width}px")
    page.locator("label[for=q-nps-10]").click()  # the point a finger taps
    expect(page.locator("#q-nps-10")).to_be_checked()
    context.close()


# --- the result page: share buttons, and nothing that needs JavaScript without it --------------

def complete(page, live_server, campaign, document, *, with_js: bool = True) -> None:
    page.goto(f"{live_server.url}/c/{campaign.slug}/")

    def next_stage():
        if with_js:
            swap(page)
        else:
            with page.expect_navigation():
                page.locator('#stage .rt-btn[value="next"], #stage .rt-intro button').first.click()

    next_stage()
    for _ in range(MAX_STEPS):
        if page.locator(OUTCOME).count():
            return
        fill_step(page, document, 0)
        next_stage()
        fail_on_errors(page)
    pytest.fail(f"no outcome after {MAX_STEPS} steps")


def test_the_result_page_offers_share_buttons_that_need_no_script(browser, live_server, publish,
                                                                  screenshot, settings):
    settings.SITE_URL = live_server.url
    document = load("personality-quiz")
    campaign = publish(document)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    complete(page, live_server, campaign, document)
    with DB_TURN:
        code = Entry.objects.get(campaign=campaign).referral_code
    shares = page.get_by_role("list", name="Share")
    expect(shares).to_be_visible()
    for network in ("X", "Facebook", "LinkedIn", "WhatsApp"):
        link = shares.get_by_role("link", name=f"Share on {network} (opens in a new tab)")
        expect(link).to_have_attribute("target", "_blank")
        # Through our share redirect (which counts it) to the network, with the referral code.
        sent = page.request.get(live_server.url + link.get_attribute("href"), max_redirects=0)
        assert sent.status == 302
        assert f"ref%3D{code}" in sent.headers["location"]
        size = box(link)
        assert size["height"] >= 44
        assert size["width"] >= 44
    email = shares.get_by_role("link", name="Share by Email")
    sent = page.request.get(live_server.url + email.get_attribute("href"), max_redirects=0)
    assert sent.headers["location"].startswith("mailto:?subject=")
    expect(page.get_by_role("button", name="Copy link")).to_be_visible()
    focus_by_keyboard(page, page.get_by_role("link", name="Share on X (opens in a new tab)"))
    assert_focus_ring_contrasts(page, "a share link")
    assert_accessible(page, "the quiz's result page")
    screenshot(page, "runtime-result-share-375")
    context.close()


def test_without_javascript_the_result_page_shows_no_button_that_needs_it(browser, live_server,
                                                                         publish, screenshot):
    document = load("giveaway")
    campaign = publish(document)
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    complete(page, live_server, campaign, document, with_js=False)
    expect(page.locator("[data-copy]")).to_be_hidden()
    expect(page.locator("[data-share-native]")).to_be_hidden()
    expect(page.get_by_label("Your personal link to share")).to_be_visible()
    expect(page.get_by_role("link", name="Share on WhatsApp (opens in a new tab)")).to_be_visible()
    screenshot(page, "runtime-result-share-375-no-js")
    context.close()
