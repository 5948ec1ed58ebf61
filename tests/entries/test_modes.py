"""Focus and chat without JavaScript: a step one question per page over plain requests, saved
whole from its last page as a card's is; and the chat's earlier conversation drawn from the
entry, so a reload or a resume keeps it (entries/modes.py and the views that use it)."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns import flow
from entries import modes
from entries.models import Answer, Entry, Interaction
from tests.entries.contests import giveaway_document
from tests.entries.documents import branching_quiz

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
SHOWN = re.compile(r'<div class="rt-question[^"]*" id="question-([a-z_0-9]+)">')
KEPT = re.compile(r'<div class="rt-question[^"]*" id="question-([a-z_0-9]+)" hidden>')


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def signup(mode: str, *, intro: bool = True) -> dict:
    """A first step of a statement, two questions, a hidden field and a closing statement; then
    a step of one question; `intro` False shows the first step on the landing."""
    document = {
        "schema": 1, "name": "Sign up", "kind": "form",
        "theme": {"mode": mode, "persona": "Mia"},
        "steps": [
            {"key": "you", "title": "About you", "questions": [
                {"key": "hello", "kind": "statement", "label": "Two quick questions."},
                {"key": "name", "kind": "short_text", "label": "Your name", "required": True,
                 "validation": {"max_length": 20}},
                {"key": "drink", "kind": "single_choice", "label": "{{ answers.name }}, coffee?",
                 "required": True, "help": "Pick one",
                 "choices": [{"key": "coffee", "label": "Coffee, black"},
                             {"key": "tea", "label": "Tea"}]},
                {"key": "utm_source", "kind": "hidden", "label": "Source"},
                {"key": "thanks", "kind": "statement", "label": "Thanks!"},
            ]},
            {"key": "more", "title": "Anything else?", "questions": [
                {"key": "note", "kind": "long_text", "label": "A note"},
            ]},
        ],
        "outcomes": [],
    }
    if intro:
        document["intro"] = {"title": "Welcome", "body": "", "button": "Start"}
    return document


def started(client, campaign) -> str:
    return client.post(f"/c/{campaign.slug}/").headers["Location"]


def shown(html: str) -> list[str]:
    return SHOWN.findall(html)


def holds(html: str, key: str, value: str) -> bool:
    """The form holds `value` for question `key` (typed into its field or its choice checked)."""
    return bool(re.search(rf'name="{key}"[^>]*value="{re.escape(value)}"', html) or re.search(
        rf'name="{key}" value="{re.escape(value)}" checked', html))


def assert_nothing_saved(entry: Entry) -> None:
    entry.refresh_from_db()
    assert entry.answer_values == {}
    assert entry.current_step == "you"
    assert not Answer.objects.filter(entry=entry).exists()
    assert set(Interaction.objects.filter(entry=entry).values_list("kind", flat=True)) <= {
        "view", "invalid"}


# --- the pages of a step ----------------------------------------------------------------------

def test_a_step_is_cut_into_pages_a_statement_shows_with_the_question_after_it():
    definition = flow.load(signup("focus"))
    assert modes.step_parts(definition, definition.steps[0]) == [
        ("hello", "name"), ("drink", "thanks")]
    assert modes.step_parts(definition, definition.steps[1]) == [("note",)]
    card = flow.load(signup("card"))
    assert modes.step_parts(card, card.steps[0]) == [("hello", "name", "drink", "thanks")]


def test_a_file_question_and_those_after_it_share_the_last_page():
    document = signup("chat")
    document["steps"][0]["questions"].insert(2, {"key": "cv", "kind": "file_upload",
                                                 "label": "Your CV"})
    definition = flow.load(document)
    assert modes.step_parts(definition, definition.steps[0]) == [
        ("hello", "name"), ("cv", "drink", "thanks")]


@pytest.mark.parametrize("mode", ["focus", "chat"])
def test_without_javascript_a_step_shows_one_question_per_page(client, publish, mode):
    campaign = publish(signup(mode))
    url = started(client, campaign)
    page = client.get(url).text
    assert shown(page) == ["hello", "name"]  # the statement with the question after it
    assert KEPT.findall(page) == ["drink", "thanks"]
    assert '<input type="hidden" name="part" value="0">' in page
    assert "Continue" in page
    assert 'value="back"' not in page  # the first page of the first step
    assert "autofocus" not in page  # a step's first page opens at its top, as a card does

    second = client.post(url, {"step": "you", "part": "0", "name": "Bo"})
    assert second.status_code == 200
    assert shown(second.text) == ["drink", "thanks"]
    assert KEPT.findall(second.text) == ["hello", "name"]
    assert holds(second.text, "name", "Bo")  # carried, hidden
    assert "Bo, coffee?" not in second.text  # recall reads saved answers, as the card does
    assert '<input type="hidden" name="part" value="1">' in second.text
    # Focus lands on the page's question: its first choice, read with the group's legend.
    assert re.findall(r'id="([^"]+)"[^>]*autofocus', second.text) == ["q-drink-1"]
    assert 'style="width: 25%"' in second.text  # half of step 1 of 2
    assert 'value="back"' in second.text
    assert_nothing_saved(Entry.objects.get())


def test_with_javascript_the_whole_step_comes_as_before(client, publish):
    campaign = publish(signup("focus"))
    url = started(client, campaign)
    page = client.get(url, **HTMX).text
    assert shown(page) == ["hello", "name", "drink", "thanks"]
    assert 'name="part"' not in page
    answered = client.post(url, {"step": "you", "name": "Bo", "drink": "tea"}, **HTMX)
    assert shown(answered.text) == ["note"]
    assert Entry.objects.get().answer_values == {"name": "Bo", "drink": "tea",
                                                 "utm_source": None}


def test_a_refused_page_shows_its_error_tied_to_the_field_and_is_recorded(client, publish):
    campaign = publish(signup("focus"))
    url = started(client, campaign)
    refused = client.post(url, {"step": "you", "part": "0", "name": "x" * 21})
    assert shown(refused.text) == ["hello", "name"]
    assert 'aria-describedby=" error-name"' in refused.text
    assert 'id="error-name"' in refused.text
    assert re.findall(r'id="([^"]+)"[^>]*autofocus', refused.text) == ["q-name"]
    assert holds(refused.text, "name", "x" * 21)
    entry = Entry.objects.get()
    assert_nothing_saved(entry)
    refusals = Interaction.objects.filter(entry=entry, kind="invalid")
    assert [r.data for r in refusals] == [{"fields": ["name"]}]


def test_the_last_page_submits_the_step_as_a_card_does(client, publish):
    campaign = publish(signup("chat"))
    url = started(client, campaign)
    last = client.post(url, {"step": "you", "part": "1", "name": "Bo", "drink": "coffee"})
    assert last.status_code == 303
    entry = Entry.objects.get()
    assert entry.current_step == "more"
    assert entry.answer_values == {"name": "Bo", "drink": "coffee", "utm_source": None}
    assert Answer.objects.filter(entry=entry).count() == 3
    kinds = list(Interaction.objects.filter(entry=entry).order_by("id")
                 .values_list("kind", "step_key"))
    assert kinds == [("view", "you"), ("submit", "you"), ("view", "more")]
    page = client.get(url).text
    assert shown(page) == ["note"]  # a step of one question: as it always was
    assert 'name="part"' not in page


def test_back_from_a_page_keeps_what_was_typed_and_back_from_the_first_is_the_steps(
        client, publish):
    campaign = publish(signup("focus"))
    url = started(client, campaign)
    back = client.post(url, {"step": "you", "part": "1", "action": "back", "name": "Bo",
                             "drink": "tea"})
    assert shown(back.text) == ["hello", "name"]
    assert holds(back.text, "name", "Bo")
    assert holds(back.text, "drink", "tea")  # kept for when the visitor goes on again
    client.post(url, {"step": "you", "part": "1", "name": "Bo", "drink": "tea"})
    assert Entry.objects.get().current_step == "more"
    previous = client.post(url, {"step": "more", "part": "0", "action": "back"})
    assert previous.status_code == 303
    assert Entry.objects.get().current_step == "you"
    again = client.get(url).text
    assert shown(again) == ["hello", "name"]
    assert holds(again, "drink", "tea")


@pytest.mark.parametrize("part", ["2", "-1", "x", "", "1.0", "99999999999999999999", "²", "١",
                                  "0" * 5000, " 1", "0\x00"])
def test_a_doctored_page_number_is_refused_with_a_message(client, publish, part):
    campaign = publish(signup("chat"))
    url = started(client, campaign)
    refused = client.post(url, {"step": "you", "part": part, "name": "Bo", "drink": "tea"})
    assert refused.status_code == 200
    assert "That question is not part of this step." in refused.text
    assert shown(refused.text) == ["hello", "name"]
    assert_nothing_saved(Entry.objects.get())


def test_a_doctored_earlier_answer_brings_back_its_page(client, publish):
    campaign = publish(signup("focus"))
    url = started(client, campaign)
    # The last page posted with page 0's carried answer doctored: the step is refused, and the
    # page of its first error comes back with the message.
    refused = client.post(url, {"step": "you", "part": "1", "name": "x" * 21, "drink": "tea"})
    assert shown(refused.text) == ["hello", "name"]
    assert 'id="error-name"' in refused.text
    assert_nothing_saved(Entry.objects.get())


def test_a_required_question_skipped_by_a_forged_post_is_refused_at_the_last_page(
        client, publish):
    document = signup("focus")
    document["steps"][0]["questions"].append(
        {"key": "city", "kind": "short_text", "label": "City", "required": True})
    campaign = publish(document)
    url = started(client, campaign)
    # Straight to the last page, the first two answers never given.
    refused = client.post(url, {"step": "you", "part": "2", "city": "Oslo"})
    assert shown(refused.text) == ["hello", "name"]
    assert 'id="error-name"' in refused.text
    assert_nothing_saved(Entry.objects.get())
    # A middle page checks the pages before it too.
    middle = client.post(url, {"step": "you", "part": "1", "drink": "tea"})
    assert shown(middle.text) == ["hello", "name"]
    assert 'id="error-name"' in middle.text


def test_a_landing_without_intro_creates_the_entry_only_from_the_last_page(client, publish):
    campaign = publish(signup("focus", intro=False))
    landing = f"/c/{campaign.slug}/?utm_source=news"
    page = client.get(landing).text
    assert shown(page) == ["hello", "name"]
    second = client.post(landing, {"step": "you", "part": "0", "name": "Bo",
                                   "referrer": "https://news.example.org/"})
    assert shown(second.text) == ["drink", "thanks"]
    assert 'name="referrer" value="https://news.example.org/"' in second.text
    assert not Entry.objects.exists()
    done = client.post(landing, {"step": "you", "part": "1", "name": "Bo", "drink": "tea",
                                 "referrer": "https://news.example.org/"})
    assert done.status_code == 303
    entry = Entry.objects.get()
    assert entry.current_step == "more"
    assert entry.answer_values["utm_source"] == "news"
    assert entry.source["referrer"] == "https://news.example.org/"


# --- the chat's history -------------------------------------------------------------------------

def test_a_reloaded_chat_shows_the_earlier_steps_in_order_with_answers_as_labels(client,
                                                                                publish):
    campaign = publish(signup("chat"))
    url = started(client, campaign)
    client.post(url, {"step": "you", "part": "1", "name": "<b>Bo</b>", "drink": "coffee"})
    page = client.get(url).text
    history = page[page.index('<div class="rt-chat-past">'):page.index("</div>",
                                                                      page.index("rt-chat-past"))]
    said = re.findall(r'<p class="rt-msg rt-msg--(\w+)[^"]*">(.*?)</p>', history, re.S)
    assert said == [
        ("bot", "About you"),
        ("bot", "Two quick questions."),
        ("bot", "Your name"),
        ("me", '<span class="visually-hidden">You: </span>&lt;b&gt;Bo&lt;/b&gt;'),
        ("bot", "&lt;b&gt;Bo&lt;/b&gt;, coffee?"),  # recall, escaped
        ("me", '<span class="visually-hidden">You: </span>Coffee, black'),
        ("bot", "Thanks!"),
    ]
    assert page.index("rt-chat-past") < page.index('id="question-note"')
    assert 'role="log"' not in history  # the past is not read again as new messages
    first = client.get(url, **HTMX).text
    assert first.count('class="rt-chat-past"') == 1


def test_chat_history_says_when_nothing_was_answered(client, publish):
    document = branching_quiz()
    document["theme"] = {"mode": "chat"}
    document["steps"][0]["questions"][1]["required"] = False
    campaign = publish(document)
    url = started(client, campaign)
    client.post(url, {"step": "about", "name": "Ada"}, **HTMX)
    client.post(url, {"step": "taste", "drink": "coffee"}, **HTMX)
    page = client.get(url).text
    history = page[page.index('class="rt-chat-past"'):page.index('id="question-rating"')]
    assert history.count('class="rt-msg-skipped">No answer<') == 1  # the email left empty
    assert history.index("Your first name") < history.index("Ada, pick one") < history.index(
        ">Coffee<")


def test_chat_history_costs_no_query_per_step(client, publish):
    counts = {}
    for mode in ("card", "chat"):
        campaign = publish(signup(mode))
        url = started(client, campaign)
        client.post(url, {"step": "you", "name": "Bo", "drink": "tea"}, **HTMX)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        counts[mode] = len(queries)
    assert counts["chat"] == counts["card"]


def test_an_age_gate_without_intro_shows_with_the_first_steps_last_page(client, publish):
    document = giveaway_document()
    del document["intro"]
    document["theme"] = {"mode": "focus"}
    document["steps"][0]["questions"].insert(0, {"key": "nickname", "kind": "short_text",
                                                 "label": "Nickname", "required": True})
    cabin = document["steps"][0]["questions"][1]["choices"][0]["key"]
    campaign = publish(document, settings={"min_age": 18})
    landing = f"/c/{campaign.slug}/"
    gate = re.compile(r'<div class="rt-question[^"]*"( hidden)?>\s*<fieldset[^>]*dob-help')
    assert gate.search(client.get(landing).text).group(1) == " hidden"
    second = client.post(landing, {"step": "pick_cabin", "part": "0", "nickname": "Bo"})
    assert gate.search(second.text).group(1) is None  # shown on the last page
    last = {"step": "pick_cabin", "part": "1", "nickname": "Bo", "cabin": cabin}
    too_soon = client.post(landing, {**last, "dob_day": "x", "dob_month": "1",
                                     "dob_year": "1990"})
    assert "Use numbers only" in too_soon.text
    assert shown(too_soon.text) == ["cabin"]
    assert gate.search(too_soon.text).group(1) is None
    assert holds(too_soon.text, "nickname", "Bo")
    assert not Entry.objects.exists()
    done = client.post(landing, {**last, "dob_day": "1", "dob_month": "1", "dob_year": "1990"})
    assert done.status_code == 303
    assert Entry.objects.get().consent["age"]["min_age"] == 18


@pytest.mark.parametrize("mode", ["focus", "chat"])
def test_without_javascript_the_same_answers_record_what_a_card_records(client, publish, mode):
    recorded = {}
    for shown_as in ("card", mode):
        campaign = publish(signup(shown_as))
        url = started(client, campaign)
        client.get(url)
        last = {"step": "you", "name": "Bo", "drink": "tea"}
        if shown_as != "card":
            client.post(url, {"step": "you", "part": "0", "name": "Bo"})
            last["part"] = "1"
        client.post(url, last)
        client.get(url)
        client.post(url, {"step": "more", "note": "Hi"})
        entry = Entry.objects.get(campaign=campaign)
        recorded[shown_as] = (
            entry.status, entry.answer_values,
            list(Interaction.objects.filter(entry=entry).order_by("id")
                 .values_list("kind", "step_key", "data")))
    assert recorded[mode] == recorded["card"]


def test_chat_history_is_in_the_entrys_language(client, publish):
    document = signup("chat")
    document["languages"] = ["en", "es"]
    document["campaign_settings"] = {"translation_fallback": True}
    spanish = {"step.you.title": ("About you", "Sobre ti"),
               "question.name.label": ("Your name", "Tu nombre"),
               "choice.drink.coffee.label": ("Coffee, black", "Café solo")}
    document["translations"] = {"es": {
        text_id: {"text": text, "source": flow.source_hash(source)}
        for text_id, (source, text) in spanish.items()}}
    campaign = publish(document)
    url = client.post(f"/c/{campaign.slug}/?lang=es").headers["Location"]
    client.post(url, {"step": "you", "name": "Bo", "drink": "coffee"}, **HTMX)
    page = client.get(url).text
    history = page[page.index('class="rt-chat-past"'):page.index('id="question-note"')]
    assert ">Sobre ti<" in history
    assert ">Tu nombre<" in history
    assert "Café solo" in history
    assert '<span class="visually-hidden">Tú: </span>Café solo' in history


def test_an_earlier_chat_step_shown_again_has_only_the_steps_before_it_behind(client, publish):
    campaign = publish(signup("chat"))
    url = started(client, campaign)
    client.post(url, {"step": "you", "name": "Bo", "drink": "tea"}, **HTMX)
    # The browser's Back to the first step's last page, posted again from there.
    page = client.post(url, {"step": "you", "part": "1", "action": "back", "name": "Bo",
                             "drink": "tea"}).text
    assert 'class="rt-chat-past"' not in page
    assert shown(page) == ["hello", "name"]
