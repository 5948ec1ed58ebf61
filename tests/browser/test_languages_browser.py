"""The runtime in other languages in Chromium: `lang` and `dir` right, axe-core clean, and a
right-to-left step laid out as a mirror image (Back on the right, Next on the left).

The visitor's language is chosen per entry elsewhere; here the whole server speaks one, by
its default language (`LANGUAGE_CODE`), which every request falls back to."""

from typing import NamedTuple

import pytest
from playwright.sync_api import expect

from tests.browser.serial import one_request_at_a_time  # noqa: F401 (takes turns)
from tests.browser.test_runtime_browser import assert_accessible, swap
from tests.entries.documents import branching_quiz

pytestmark = pytest.mark.django_db(transaction=True)



class Expected(NamedTuple):
    language: str
    direction: str
    step: str  # the progress text
    back: str  # the Back button
    summary: str  # the error summary
    share: str  # the result's share label


LANGUAGES = [
    Expected("en", "ltr", "Step 2 of 3", "Back", "1 answer needs your attention.",
             "Send it to a friend"),
    Expected("ar", "rtl", "الخطوة 2 من 3", "رجوع", "1 إجابة تحتاج إلى انتباهك.", "أرسله إلى صديق"),
    Expected("ru", "ltr", "Шаг 2 из 3", "Назад", "1 ответ требует вашего внимания.",
             "Отправьте другу"),
]


def _quiz() -> dict:
    """The branching quiz with the built-in Start button rather than the marketer's own."""
    document = branching_quiz()
    del document["intro"]["button"]
    return document


@pytest.mark.parametrize("expected", LANGUAGES, ids=[case.language for case in LANGUAGES])
def test_a_step_and_the_result_speak_the_language_and_are_accessible(
        browser, live_server, publish, screenshot, settings, expected):
    language, direction, step, back, summary, share = expected
    settings.LANGUAGE_CODE = language
    campaign = publish(_quiz())
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}/c/{campaign.slug}/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("html").get_attribute("dir") == direction
    swap(page)  # the intro's Start
    page.locator('#stage input[name="name"]').fill("Ada")
    swap(page)
    swap(page)  # nothing chosen
    expect(page.locator("#stage .rt-progress-label")).to_have_text(step)
    expect(page.locator("#error-summary")).to_have_text(summary)
    assert_accessible(page, f"a step with errors in {language}")
    screenshot(page, f"runtime-{language}-375-step-errors")

    # Forward is the reading direction: Next at the end of the row, Back at its start.
    next_box = page.locator('#stage .rt-btn-primary[value="next"]').bounding_box()
    back_button = page.locator('#stage .rt-btn[value="back"]')
    expect(back_button).to_contain_text(back)
    back_box = back_button.bounding_box()
    assert (next_box["x"] < back_box["x"]) == (direction == "rtl")
    # The error's bar stands at the start of the line: the right in Arabic.
    side = "right" if direction == "rtl" else "left"
    width = page.locator("#stage .rt-question.has-error").evaluate(
        f"q => getComputedStyle(q).border{side.title()}Width")
    assert width == "3px"
    # The arrows point the way they lead.
    flipped = page.locator("#stage .rt-btn-primary .rt-arrow").evaluate(
        "a => getComputedStyle(a).transform")
    assert (flipped != "none") == (direction == "rtl")

    page.locator('#stage input[value="tea"]').check()
    swap(page)
    expect(page.locator("#stage .rt-share label")).to_have_text(share)
    assert_accessible(page, f"the result page in {language}")
    screenshot(page, f"runtime-{language}-375-result")
    context.close()
