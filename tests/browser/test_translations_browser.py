"""The gallery's shoe finder in each of its languages (Arabic right to left), with HTMX and
without JavaScript: every page in the chosen language with `lang` and `dir` right, axe-core
clean, and the follow-up email in that language."""

import json

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from campaigns.blueprints import GALLERY_DIR
from entries.models import Entry, EntryStatus
from tests.browser.serial import DB_TURN, one_request_at_a_time  # noqa: F401 (takes turns)
from tests.browser.test_runtime_browser import (
    MAX_STEPS,
    OUTCOME,
    assert_accessible,
    fail_on_errors,
    fill_step,
    heading,
    swap,
)

pytestmark = pytest.mark.django_db(transaction=True)

DOCUMENT = json.loads((GALLERY_DIR / "product-recommender.json").read_text(encoding="utf-8"))
CASES = [(language, js) for language in DOCUMENT["languages"] for js in (True, False)]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def text(language: str, text_id: str, source: str) -> str:
    """What the visitor should read: the source in English, else its translation."""
    if language == DOCUMENT["languages"][0]:
        return source
    return DOCUMENT["translations"][language][text_id]["text"]


@pytest.mark.parametrize(("language", "js"), CASES,
                         ids=[f"{lang}-{'js' if js else 'nojs'}" for lang, js in CASES])
def test_the_shoe_finder_is_completed_in_each_language(browser, live_server, publish, settings,
                                                       language, js):
    settings.SITE_URL = live_server.url
    campaign = publish(DOCUMENT)
    context = browser.new_context(java_script_enabled=js, locale="en-US")
    page = context.new_page()

    def accessible(where: str) -> None:
        """axe-core needs a script: without JavaScript, the same address is checked in a tab
        that runs scripts."""
        if js:
            assert_accessible(page, where)
            return
        checker = browser.new_page()
        checker.goto(page.url)
        expect(checker.locator("html")).to_have_attribute("lang", language)
        assert_accessible(checker, where)
        checker.close()

    def next_stage() -> None:
        if js:
            swap(page)
        else:
            with page.expect_navigation():
                page.locator('#stage .rt-btn[value="next"], #stage .rt-intro button').first.click()

    page.goto(f"{live_server.url}/c/{campaign.slug}/?lang={language}")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    intro = DOCUMENT["intro"]
    expect(heading(page)).to_have_text(text(language, "intro.title", intro["title"]))
    # The switcher's name is a built-in text, in the page's language.
    with translation.override(language):
        switcher = gettext("Language")
    expect(page.get_by_role("navigation", name=switcher)).to_be_visible()
    accessible(f"the intro in {language}")
    next_stage()

    steps = {step["key"]: step for step in DOCUMENT["steps"]}
    for _ in range(MAX_STEPS):
        if page.locator(OUTCOME).count():
            break
        key = page.locator("#stage form[data-step]").get_attribute("data-step")
        expect(heading(page)).to_have_text(text(language, f"step.{key}.title",
                                                steps[key]["title"]))
        expect(html).to_have_attribute("lang", language)
        fill_step(page, DOCUMENT, 0)
        next_stage()
        fail_on_errors(page)
    else:
        pytest.fail(f"no outcome after {MAX_STEPS} steps")

    with DB_TURN:
        entry = Entry.objects.get(campaign=campaign)
    assert (entry.status, entry.language) == (EntryStatus.COMPLETED, language)
    outcome = next(o for o in DOCUMENT["outcomes"] if o["key"] == entry.outcome)
    title = text(language, f"outcome.{entry.outcome}.title", outcome["title"])
    expect(heading(page)).to_have_text(title)
    expect(html).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    accessible(f"the outcome in {language}")

    [email] = mail.outbox
    subject = text(language, "email.1.subject", DOCUMENT["emails"][0]["subject"])
    assert email.subject == subject.replace("{{ outcome.title }}", title)
    context.close()
