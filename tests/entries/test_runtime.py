"""The public runtime as a visitor uses it: plain POSTs, HTMX, bad input, replays, forgeries."""


import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from campaigns.models import Status
from campaigns.services.campaigns import campaign_draft_replace, campaign_publish
from entries.models import Answer, DailyViews, Entry, EntryStatus, Interaction
from tests.entries.documents import branching_quiz, long_form
from tests.entries.hostile import (
    BATCH,
    FORM,
    FUZZ,
    assert_nothing_lost,
    batch_body,
    post_form,
    start,
    visitor,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def quiz(publish):
    return publish(branching_quiz())


def test_landing_shows_the_intro_and_counts_a_view(client, quiz):
    response = client.get(f"/c/{quiz.slug}/")
    assert response.status_code == 200
    assert "Find your brew" in response.text
    assert "Three quick questions." in response.text
    assert DailyViews.objects.get(campaign=quiz).views == 1
    assert not Entry.objects.exists()


@pytest.mark.parametrize(("landing_referrer", "recorded"), [
    ("", None),  # typed the address: the start POST's Referer (our own page) is not a source
    ("http://testserver/c/elsewhere/", None),  # a page of this site brought nobody
    ("https://news.example.org/story", "https://news.example.org/story"),
])
def test_the_referrer_is_where_the_visitor_came_from_never_our_page(client, quiz,
                                                                   landing_referrer, recorded):
    landing = f"http://testserver/c/{quiz.slug}/"
    headers = {"HTTP_REFERER": landing_referrer} if landing_referrer else {}
    page = client.get(f"/c/{quiz.slug}/", **headers).text
    assert f'name="referrer" value="{landing_referrer}"' in page
    response = client.post(f"/c/{quiz.slug}/", {"referrer": landing_referrer},
                           HTTP_REFERER=landing)
    assert response.status_code == 303
    assert Entry.objects.get().source.get("referrer") == recorded


def test_a_visitor_completes_the_coffee_branch_without_javascript(client, quiz):
    url = start(client, quiz, "?utm_source=newsletter")
    assert "Your first name" in client.get(url).text

    assert client.post(url, {"step": "about", "name": "Ada"}).status_code == 303
    page = client.get(url)
    assert "Ada, pick one" in page.text  # recall in the step title
    client.post(url, {"step": "taste", "drink": "coffee"})
    client.post(url, {"step": "strength", "rating": "4"})

    result = client.get(url)
    assert "Coffee it is" in result.text
    assert "Enjoy, Ada! Score 2." in result.text
    entry = Entry.objects.get()
    assert entry.status == EntryStatus.COMPLETED
    assert entry.outcome == "coffee-lover"
    assert entry.trail == ["about", "taste", "strength"]
    assert entry.source["utm_source"] == "newsletter"
    answers = dict(Answer.objects.values_list("question_key", "value"))
    assert answers == {"name": "Ada", "email": None, "utm_source": "newsletter",
                       "drink": "coffee", "rating": 4}


def test_the_tea_branch_skips_a_step_and_sanitises_the_outcome(client, quiz):
    url = start(client, quiz)
    client.post(url, {"step": "about", "name": "<b>Bo</b>"})
    client.post(url, {"step": "taste", "drink": "tea"})
    result = client.get(url).text
    assert "A tea person" in result
    assert "Calm and collected, &lt;b&gt;Bo&lt;/b&gt;." in result
    assert "<script>alert(1)</script>" not in result
    assert Entry.objects.get().trail == ["about", "taste"]


def test_invalid_input_is_shown_next_to_the_field_and_kept(client, quiz):
    url = start(client, quiz)
    response = client.post(url, {"step": "about", "name": "", "email": "not-an-email"})
    assert response.status_code == 200
    assert 'id="error-name"' in response.text
    assert "This field is required." in response.text
    assert 'id="error-email"' in response.text
    assert 'value="not-an-email"' in response.text
    assert 'aria-describedby=" error-email"' in response.text or "error-email" in response.text
    assert not Answer.objects.exists()
    assert Entry.objects.get().current_step == "about"


def test_back_returns_to_the_previous_step_with_answers_kept(client, quiz):
    url = start(client, quiz)
    client.post(url, {"step": "about", "name": "Ada"})
    client.post(url, {"step": "taste", "drink": "coffee"})
    client.post(url, {"step": "strength", "action": "back"})
    page = client.get(url).text
    assert 'value="coffee" checked' in page
    entry = Entry.objects.get()
    assert entry.current_step == "taste"
    assert entry.trail == ["about"]
    assert entry.score == 0  # the coffee points are taken back until the step is resubmitted


def test_double_submit_and_replay_change_nothing(client, quiz):
    url = start(client, quiz)
    for _ in range(2):
        client.post(url, {"step": "about", "name": "Ada"})
    client.post(url, {"step": "taste", "drink": "coffee"})
    client.post(url, {"step": "taste", "drink": "coffee"})  # a replayed request
    entry = Entry.objects.get()
    assert entry.current_step == "strength"
    assert entry.trail == ["about", "taste"]
    assert entry.score == 2
    assert Answer.objects.count() == 4
    assert Answer.objects.get(question_key="drink").changes == 0


def test_a_changed_answer_keeps_its_first_value_and_counts_the_change(client, quiz):
    url = start(client, quiz)
    client.post(url, {"step": "about", "name": "Ada"})
    client.post(url, {"step": "taste", "drink": "coffee"})
    client.post(url, {"step": "taste", "drink": "tea"})  # back in the browser, then changed
    client.post(url, {"step": "taste", "drink": "water-is-not-a-choice"})  # refused: no change
    answer = Answer.objects.get(question_key="drink")
    assert (answer.first_value, answer.value, answer.changes) == ("coffee", "tea", 1)
    entry = Entry.objects.get()
    assert entry.answer_values == dict(Answer.objects.values_list("question_key", "value"))


def test_a_completed_entry_cannot_be_changed_by_replaying(client, quiz):
    url = start(client, quiz)
    client.post(url, {"step": "about", "name": "Ada"})
    client.post(url, {"step": "taste", "drink": "tea"})
    response = client.post(url, {"step": "taste", "drink": "coffee"})
    assert response.status_code == 303
    entry = Entry.objects.get()
    assert entry.outcome == "tea-lover"
    assert Answer.objects.get(question_key="drink").value == "tea"


@pytest.mark.parametrize(("data", "message"), [
    ({"step": "strength", "rating": "5"}, "is not part of your way"),  # skipped required steps
    ({"step": "no-such-step"}, "is not part of your way"),  # forged step key
])
def test_steps_not_offered_are_refused_and_nothing_is_saved(client, quiz, data, message):
    url = start(client, quiz)
    response = client.post(url, data)
    assert response.status_code == 409
    assert message in response.text
    assert not Answer.objects.exists()
    assert Entry.objects.get().current_step == "about"


def test_a_tampered_choice_is_refused(client, quiz):
    url = start(client, quiz)
    client.post(url, {"step": "about", "name": "Ada"})
    response = client.post(url, {"step": "taste", "drink": "whisky"})
    assert "Pick one of the options shown." in response.text
    assert not Answer.objects.filter(question_key="drink").exists()


def test_htmx_swaps_the_next_step_in_and_pushes_the_entry_url(client, quiz):
    response = client.post(f"/c/{quiz.slug}/", **HTMX)
    assert response.status_code == 200
    entry = Entry.objects.get()
    assert response.headers["HX-Push-Url"] == f"/c/{quiz.slug}/e/{entry.token}/"
    assert "<html" not in response.text
    assert "Your first name" in response.text

    response = client.post(f"/c/{quiz.slug}/e/{entry.token}/", {"step": "about", "name": ""},
                           **HTMX)
    assert response.status_code == 200  # HTMX 2 swaps only 2xx, so errors come back as 200
    assert "This field is required." in response.text


def test_landing_without_intro_shows_the_first_step_and_creates_the_entry_on_submit(client,
                                                                                     publish):
    document = branching_quiz()
    del document["intro"]
    campaign = publish(document)
    page = client.get(f"/c/{campaign.slug}/")
    assert "Your first name" in page.text
    assert not Entry.objects.exists()
    response = client.post(f"/c/{campaign.slug}/", {"step": "about", "name": "Ada"})
    assert response.status_code == 303
    assert Entry.objects.get().current_step == "taste"


def test_the_honeypot_saves_nothing(client, quiz):
    response = client.post(f"/c/{quiz.slug}/", {"website": "http://spam.example"})
    assert response.status_code == 200
    assert not Entry.objects.exists()


def test_starts_are_rate_limited_per_ip(client, quiz):
    for _ in range(20):
        assert client.post(f"/c/{quiz.slug}/").status_code == 303
    response = client.post(f"/c/{quiz.slug}/")
    assert response.status_code == 429
    assert "wait a minute" in response.text
    assert Entry.objects.count() == 20


def test_posts_from_a_foreign_origin_are_refused_when_origins_are_restricted(client, publish):
    campaign = publish(branching_quiz(), settings={"embed_origins": ["https://shop.example"]})
    assert client.post(f"/c/{campaign.slug}/", HTTP_ORIGIN="https://evil.example"
                       ).status_code == 403
    assert client.post(f"/c/{campaign.slug}/", HTTP_ORIGIN="https://shop.example"
                       ).status_code == 303
    assert client.post(f"/c/{campaign.slug}/", HTTP_ORIGIN="http://testserver").status_code == 303
    page = client.get(f"/c/{campaign.slug}/")
    assert page.headers["Content-Security-Policy"] == "frame-ancestors 'self' https://shop.example"
    assert "X-Frame-Options" not in page.headers


def test_stored_origins_that_are_not_canonical_never_reach_the_header(client, publish):
    # Saved before the settings service checked them, or written by hand.
    campaign = publish(branching_quiz(), settings={"embed_origins": [
        "https://b.example evil.example", "https://a.example;frame-ancestors", 7,
        "HTTPS://Shop.Example:443", "https://shop.example/page"]})
    page = client.get(f"/c/{campaign.slug}/")
    assert page.headers["Content-Security-Policy"] == "frame-ancestors 'self' https://shop.example"
    assert client.post(f"/c/{campaign.slug}/", HTTP_ORIGIN="https://b.example evil.example"
                       ).status_code == 403
    assert client.post(f"/c/{campaign.slug}/", HTTP_ORIGIN="https://shop.example"
                       ).status_code == 303


def test_runtime_pages_set_no_cookies_and_builder_pages_cannot_be_framed(client, quiz):
    page = client.get(f"/c/{quiz.slug}/")
    assert page.headers["Content-Security-Policy"] == "frame-ancestors *"
    assert not page.cookies
    assert client.get("/accounts/login/").headers["Content-Security-Policy"] == (
        "frame-ancestors 'none'")


@pytest.mark.parametrize(("status", "expected"), [
    (Status.PAUSED, "paused"), (Status.ENDED, "entries are closed"),
])
def test_closed_campaigns_say_why(client, quiz, status, expected):
    quiz.status = status
    quiz.save()
    page = client.get(f"/c/{quiz.slug}/")
    assert expected in page.text
    assert client.post(f"/c/{quiz.slug}/").status_code == 200
    assert not Entry.objects.exists()


def test_unpublished_and_unknown_campaigns_are_404(client, quiz):
    quiz.status = Status.DRAFT
    quiz.save()
    assert client.get(f"/c/{quiz.slug}/").status_code == 404
    assert client.get("/c/nothing-here/").status_code == 404
    assert client.get(f"/c/{quiz.slug}/e/forged-token/").status_code == 404


def test_server_records_views_submits_and_refusals(client, quiz):
    url = start(client, quiz)
    client.post(url, {"step": "about", "name": ""})
    client.post(url, {"step": "about", "name": "Ada"})
    kinds = list(Interaction.objects.values_list("kind", "step_key"))
    assert kinds == [("view", "about"), ("invalid", "about"), ("submit", "about"),
                     ("view", "taste")]


def test_a_step_submit_costs_the_same_queries_for_10_and_200_steps(client, publish):
    counts = []
    for size in (10, 200):
        campaign = publish(long_form(size))
        url = start(client, campaign)
        client.post(url, {"step": "s0", "q0a": "warm-up", "q0b": "x"})  # caches the version
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, {"step": "s1", "q1a": "hello", "q1b": "y"})
        assert response.status_code == 303
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    if connection.vendor == "postgresql":
        # The entry with its campaign; then one statement writes the entry, answers and events.
        assert counts[0] == 2, queries.captured_queries
    else:
        # SQLite has no data-modifying CTEs: the entry, answers and events in a transaction.
        assert counts[0] == 4, queries.captured_queries


@pytest.mark.parametrize("body", [
    {"step": ["about", "taste"], "name": "x"},
    {"step": "about", "name": ["a" * 100_000]},
    {"step": "\x00", "action": "nonsense"},
    {"step": "about", "name": "Ada", "email": "a@b.c" * 100},
])
def test_garbage_is_never_a_500(client, quiz, body):
    url = start(client, quiz)
    response = client.post(url, body)
    assert response.status_code < 500


@FUZZ
@given(answered=st.integers(0, 3), form=FORM, where=st.sampled_from(
    ["landing", "entry", "entry-htmx", "unknown-entry", "later"]))
def test_no_form_post_to_the_runtime_answers_500_or_loses_an_answer(client, quiz, answered,
                                                                     form, where):
    url, entry = visitor(client, quiz, answered)
    target = {"landing": f"/c/{quiz.slug}/", "later": f"{url}later/",
              "unknown-entry": f"/c/{quiz.slug}/e/{'A' * 32}/"}.get(where, url)
    response = post_form(client, target, form, **(HTMX if where == "entry-htmx" else {}))
    assert response.status_code < 500
    assert_nothing_lost(client, url, entry)


@FUZZ
@given(answered=st.integers(0, 3), batch=BATCH)
def test_no_events_batch_answers_500_or_loses_an_answer(client, quiz, answered, batch):
    url, entry = visitor(client, quiz, answered)
    response = client.post(f"{url}events", batch_body(batch), content_type="application/json")
    assert response.status_code in (204, 400), response.content
    assert_nothing_lost(client, url, entry)


def test_an_entry_started_on_version_1_completes_on_version_1(client, quiz):
    url = start(client, quiz)
    client.post(url, {"step": "about", "name": "Ada"})
    changed = branching_quiz()
    changed["steps"][1]["questions"][0]["choices"].append({"key": "water", "label": "Water"})
    changed["outcomes"][0]["title"] = "Coffee, version two"
    campaign_draft_replace(campaign=quiz, document=changed)
    campaign_publish(campaign=quiz, by=None)

    assert "Water" not in client.get(url).text
    client.post(url, {"step": "taste", "drink": "coffee"})
    client.post(url, {"step": "strength", "rating": "3"})
    assert "Coffee it is" in client.get(url).text
    assert Entry.objects.get().version.number == 1
    new_entry = start(client, quiz)
    client.post(new_entry, {"step": "about", "name": "Bo"})
    assert "Water" in client.get(new_entry).text


@pytest.mark.parametrize(("query", "reason"), [
    ("?utm_source=news%00letter", "The link&#x27;s utm_source parameter contains a NUL"),
    ("?utm_source=ok&ref=a%00b", "The link&#x27;s ref parameter contains a NUL"),
])
def test_a_link_whose_parameters_cannot_be_stored_is_refused_with_the_reason(client, quiz,
                                                                            query, reason):
    for response in (client.get(f"/c/{quiz.slug}/{query}"),
                     client.post(f"/c/{quiz.slug}/{query}"),
                     client.post(f"/c/{quiz.slug}/{query}", HTTP_REFERER="https://ok.example/")):
        assert response.status_code == 400
        assert reason in response.text
    assert not Entry.objects.exists()


def test_a_referrer_that_cannot_be_stored_is_refused(client, quiz):
    response = client.post(f"/c/{quiz.slug}/", {"referrer": "https://a.example/\x00"})
    assert response.status_code == 400
    assert "The referring page&#x27;s address contains a NUL" in response.text
    assert not Entry.objects.exists()


def test_an_answer_that_cannot_be_stored_is_an_inline_error_and_nothing_changes(client, quiz):
    url = start(client, quiz)
    client.post(url, {"step": "about", "name": "Ada"})
    client.post(url, {"step": "taste", "drink": "coffee"})
    response = client.post(url, {"step": "about", "name": "Ada\x00Lovelace"}, **HTMX)
    assert response.status_code == 200
    assert "contains a NUL character" in response.text
    assert 'id="error-name"' in response.text
    entry = Entry.objects.get()
    assert (entry.answer_values["name"], entry.answer_values["drink"]) == ("Ada", "coffee")
    assert entry.current_step == "strength"


@pytest.mark.parametrize("path", ["e/{bad}/", "e/{bad}/events", "e/{bad}/later/",
                                  "claim/{bad}/"])
def test_a_token_that_is_no_token_of_ours_is_404_before_any_query(client, quiz, path):
    url = f"/c/{quiz.slug}/" + path.format(bad="a%00b")
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
