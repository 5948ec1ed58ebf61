"""The abuse suite: generated hostile requests to every public endpoint.

Deep nesting, huge numbers, NaN, lone surrogates, NUL, wrong types, oversized and many batches and
random query strings go to the landing, a step (plain and HTMX), Back, the events endpoint,
"Continue later", the contest pages (rules, draw, proof, tickets, claim) and unsubscribe. After
each: no 5xx, nothing already saved changed, everything stored is what the database can hold, and
the marketer's pages and every CSV export still show the entries.
"""

import csv
import io
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns.flow.visitor_input import check_json, check_text
from campaigns.models import Status
from campaigns.services.campaigns import campaign_set_status
from entries.exports.stream import INCOMPLETE
from entries.mail.unsubscribe import unsubscribe_token
from entries.models import Answer, Draw, Entry, Winner
from entries.services.draws import draw_run
from tests.entries.contests import eligible_entry, giveaway_document
from tests.entries.documents import branching_quiz
from tests.entries.hostile import (
    BATCH,
    FORM,
    QUERY,
    TEXT,
    batch_body,
    post_form,
    visitor,
    with_query,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
# Modest: each example also renders the marketer's pages and three exports.
ABUSE = settings(max_examples=20, deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture,
                                        HealthCheck.too_slow])
ENTRY_FIELDS = ("status", "current_step", "trail", "score", "outcome", "email", "name", "source",
                "consent", "referral_code", "answer_values", "token", "version_id")


@pytest.fixture
def quiz(publish):
    return publish(branching_quiz())


@pytest.fixture
def marketer(quiz):
    client = Client()
    client.force_login(quiz.workspace.memberships.get().user)
    return client


@pytest.fixture
def bystander(client, quiz):
    """A completed entry no hostile request is aimed at."""
    return visitor(client, quiz, 3)[1]


def saved(entry: Entry) -> dict:
    entry = Entry.objects.get(pk=entry.pk)
    answers = Answer.objects.filter(entry=entry).order_by("question_key").values_list(
        "question_key", "value", "first_value", "changes")
    return {**{name: getattr(entry, name) for name in ENTRY_FIELDS}, "answers": list(answers)}


def assert_everything_stored_is_storable(campaign) -> None:
    for entry in Entry.objects.filter(campaign=campaign):
        check_json(entry.source, "source")
        check_json(entry.answer_values, "answers")
        for text in (entry.email, entry.name, entry.current_step, entry.outcome):
            check_text(text, "an entry field")
    for answer in Answer.objects.filter(entry__campaign=campaign):
        check_json([answer.value, answer.first_value], "an answer")


def assert_marketer_sees(marketer: Client, campaign, entries: list[Entry]) -> None:
    base = f"/app/campaigns/{campaign.pk}"
    for entry in entries:
        assert marketer.get(f"{base}/entrants/{entry.pk}/").status_code == 200
    listing = marketer.get(f"{base}/entrants/")
    assert listing.status_code == 200
    for fmt in ("wide", "long", "interactions"):
        response = marketer.post(f"{base}/exports/", {"format": fmt, "include_partial": "on"})
        assert response.status_code == 200, fmt
        rows = list(csv.reader(io.StringIO(
            b"".join(response.streaming_content).decode("utf-8"), newline="")))
        assert [INCOMPLETE] not in rows
        exported = {row[0] for row in rows[1:]}
        for entry in entries:
            if fmt != "long" or entry.answers.exists():
                assert str(entry.pk) in exported, (fmt, entry.pk)


def assert_survived(marketer, quiz, target: Entry, before: dict, bystander: Entry,
                    bystander_before: dict) -> None:
    assert saved(bystander) == bystander_before
    after = saved(target)
    if before["status"] == "completed":
        assert after == before
    else:
        # A hostile post may still be a valid answer; what was saved is never lost.
        assert {key for key, *_ in before["answers"]} <= {key for key, *_ in after["answers"]}
        assert {k: v for k, v in after.items() if k in ("source", "token", "referral_code")} \
            == {k: v for k, v in before.items() if k in ("source", "token", "referral_code")}
    assert_everything_stored_is_storable(quiz)
    assert_marketer_sees(marketer, quiz, [target, bystander])


WHERE = st.sampled_from(["landing", "step", "back", "later"])
# Where a hostile form is posted: which page, the query string it carries, with HTMX or not.
POSTED = st.fixed_dictionaries({"where": WHERE, "query": QUERY, "htmx": st.booleans()})


@ABUSE
@given(answered=st.integers(0, 3), form=FORM, posted=POSTED)
def test_hostile_form_posts_answer_no_5xx_and_lose_nothing(client, quiz, marketer, bystander,
                                                           answered, form, posted):
    url, entry = visitor(client, quiz, answered)
    bystander_before, before = saved(bystander), saved(entry)
    where = posted["where"]
    target = {"landing": f"/c/{quiz.slug}/", "later": f"{url}later/"}.get(where, url)
    if where == "back":
        form = {**form, "action": ["back"]}
    response = post_form(client, with_query(target, posted["query"]), form,
                         **(HTMX if posted["htmx"] else {}))
    assert response.status_code < 500
    assert client.get(url).status_code == 200
    assert_survived(marketer, quiz, entry, before, bystander, bystander_before)


@ABUSE
@given(answered=st.integers(0, 3), batches=st.lists(BATCH, min_size=1, max_size=3),
       query=QUERY)
def test_hostile_event_batches_are_refused_whole_and_lose_nothing(client, quiz, marketer,
                                                                  bystander, answered,
                                                                  batches, query):
    url, entry = visitor(client, quiz, answered)
    bystander_before, before = saved(bystander), saved(entry)
    for batch in batches:
        response = client.post(with_query(f"{url}events", query), batch_body(batch),
                               content_type="application/json")
        assert response.status_code in (204, 400), response.content[:300]
        if response.status_code == 400:
            assert response.json()["error"]
    assert_survived(marketer, quiz, entry, before, bystander, bystander_before)


@pytest.fixture
def drawn(publish):
    campaign = publish(giveaway_document(), settings={"winners": 1, "alternates": 1})
    for n in range(3):
        eligible_entry(campaign, email=f"entrant{n}@example.com")
    campaign_set_status(campaign=campaign, status=Status.ENDED)
    return campaign, draw_run(campaign=campaign, by=None)


def contest_state(campaign) -> dict:
    entries = Entry.objects.filter(campaign=campaign).order_by("id")
    return {"entries": [saved(entry) for entry in entries],
            "draws": list(Draw.objects.filter(campaign=campaign).values_list("proof", flat=True))}


@ABUSE
@given(page=st.sampled_from(["rules", "draw", "proof", "tickets", "claim", "unsubscribe",
                             "forged-claim", "forged-unsubscribe", "verifier"]),
       method=st.sampled_from(["get", "post", "htmx-post"]), form=FORM, query=QUERY,
       forged=TEXT.map(lambda text: quote(text, safe="", errors="surrogatepass")))
def test_hostile_requests_to_the_contest_pages_answer_no_5xx(client, drawn, page, method, form,
                                                             query, forged):
    campaign, draw = drawn
    before = contest_state(campaign)
    winner = Winner.objects.filter(draw=draw).order_by("rank").first()
    base = f"/c/{campaign.slug}"
    token = unsubscribe_token(workspace_id=campaign.workspace_id, email="entrant0@example.com")
    url = {"rules": f"{base}/rules/", "draw": f"{base}/draws/{draw.pk}/",
           "proof": f"{base}/draws/{draw.pk}/proof.json",
           "tickets": f"{base}/draws/{draw.pk}/tickets.csv",
           "claim": f"{base}/claim/{winner.claim_token}/",
           "unsubscribe": f"/c/unsubscribe/{token}/",
           "forged-claim": f"{base}/claim/{forged}x/",
           "forged-unsubscribe": f"/c/unsubscribe/{forged}x/",
           "verifier": "/c/verify_draw.py"}[page]
    url = with_query(url, query)
    if method == "get":
        response = client.get(url)
    else:
        response = post_form(client, url, form, **(HTMX if method == "htmx-post" else {}))
    assert response.status_code < 500
    # Claiming and unsubscribing are what those links are for; nothing else may change.
    assert contest_state(campaign) == before
