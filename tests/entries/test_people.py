"""Who an entry belongs to (entries/services/people.py): the contact kept from the step it is
given on, and one finished entry per person, for every kind, decided by the database."""

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from campaigns.models import Membership
from entries.models import Entry, EntryStatus, OutboundEmail
from entries.services.entry_store import entry_for_runtime
from entries.services.people import AlreadyEntered
from entries.services.runtime import answer_submit
from tests.entries.contests import email_first_document, start
from tests.entries.email_documents import follow_up_quiz

pytestmark = pytest.mark.django_db


def _token(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


def _completed(campaign):
    return Entry.objects.filter(campaign=campaign, status=EntryStatus.COMPLETED)


def test_a_completion_loaded_before_another_entry_finished_is_refused_by_the_database(
        client, publish, django_capture_on_commit_callbacks):
    """The order that let one person in twice: A and B both give the address on step 1, A is
    loaded for its last step, B finishes, then A's completion is written from what it loaded.
    Nothing in memory can know; the partial unique constraint refuses A's write."""
    campaign = publish(email_first_document())
    a, b = start(client, campaign), start(client, campaign)
    client.post(a, {"step": "contact", "email": "sam@example.com"})
    client.post(b, {"step": "contact", "email": "Sam+again@Example.com"})
    for url in (a, b):
        client.post(url, {"step": "taste", "colour": "teal"})
    stale_a = entry_for_runtime(slug=campaign.slug, token=_token(a))

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(b, {"step": "rules", "rules_consent": "yes"}).status_code == 303
        with pytest.raises(AlreadyEntered) as refused:
            answer_submit(entry=stale_a, step_key="rules", raw={"rules_consent": ["yes"]})

    winner = _completed(campaign).get()
    assert winner.token == _token(b)
    assert refused.value.existing == winner
    # A's whole submit rolled back: still partial, its last answer and its email not written.
    loser = Entry.objects.get(token=_token(a))
    assert loser.status == EntryStatus.STARTED
    assert loser.current_step == "rules"
    assert not loser.answers.filter(question_key="rules_consent").exists()
    assert not OutboundEmail.objects.filter(entry=loser).exists()
    assert loser.answers.filter(question_key="colour").exists()  # what it had is kept


@pytest.mark.parametrize("first", ["a", "b"])
def test_of_two_entries_with_one_address_the_first_to_finish_is_in(client, publish, first):
    campaign = publish(email_first_document())
    urls = {"a": start(client, campaign), "b": start(client, campaign)}
    for url in urls.values():
        client.post(url, {"step": "contact", "email": "sam@example.com"})
        client.post(url, {"step": "taste", "colour": "teal"})
    second = "b" if first == "a" else "a"
    assert client.post(urls[first], {"step": "rules", "rules_consent": "yes"}).status_code == 303
    refused = client.post(urls[second], {"step": "rules", "rules_consent": "yes"})
    assert refused.status_code == 200
    assert "You're already in!" in refused.text
    assert _completed(campaign).get().token == _token(urls[first])


def test_one_entry_per_person_holds_for_a_quiz_too(client, publish,
                                                    django_capture_on_commit_callbacks):
    quiz = publish(follow_up_quiz(), settings={"one_entry_per_person": True})
    with django_capture_on_commit_callbacks(execute=True):
        for name in ("Bo", "Bo again"):
            url = start(client, quiz)
            response = client.post(url, {"step": "about", "name": name,
                                         "email": "bo@example.com"})
            if response.status_code == 303:
                client.post(url, {"step": "taste", "drink": "tea"})
    assert response.status_code == 200
    assert "You've already taken part" in response.text
    assert "Official rules" not in response.text
    assert "?ref=" not in response.text
    assert _completed(quiz).count() == 1
    assert len(mail.outbox) == 2  # the completion and its outcome email, once
    assert {m.to[0] for m in mail.outbox} == {"bo@example.com"}


def test_without_the_setting_a_quiz_takes_the_same_address_twice(client, publish):
    quiz = publish(follow_up_quiz())
    for _ in range(2):
        url = start(client, quiz)
        client.post(url, {"step": "about", "name": "Bo", "email": "bo@example.com"})
        client.post(url, {"step": "taste", "drink": "tea"})
    assert _completed(quiz).count() == 2
    assert set(_completed(quiz).values_list("dedupe_key", flat=True)) == {""}


# --- the contact, from the step it is given on -----------------------------------------------


def test_a_visitor_who_leaves_after_the_first_step_is_a_known_lead(client, publish):
    quiz = publish(follow_up_quiz())
    url = start(client, quiz)
    client.post(url, {"step": "about", "name": "Bo", "email": "Bo@Example.com"})
    entry = Entry.objects.get()
    assert entry.status == EntryStatus.STARTED
    assert (entry.email, entry.name) == ("Bo@example.com", "Bo")


def _contact_form(**roles) -> dict:
    def question(key, kind, label):
        return {"key": key, "kind": kind, "label": label,
                **({"contact": roles[key]} if key in roles else {})}

    return {"schema": 1, "name": "Sign-up", "kind": "form", "steps": [
        {"key": "you", "questions": [
            question("given", "short_text", "First name"),
            question("family", "short_text", "Last name"),
            question("friend", "email", "A friend's email"),
            question("mine", "email", "Your email"),
            question("alias", "short_text", "What should we call you?"),
        ]},
        {"key": "more", "questions": [question("note", "long_text", "Anything else?")]},
    ]}


def test_the_contact_comes_from_the_questions_with_those_roles(client, publish):
    answers = {"step": "you", "given": "Ada", "family": "Lovelace", "friend": "cb@example.com",
               "mine": "ada@example.com", "alias": "Countess"}
    by_default = publish(_contact_form())
    client.post(start(client, by_default), answers)
    # By kind: the first email question, and the name-like short texts in order.
    assert Entry.objects.filter(campaign=by_default).values_list("email", "name").get() == (
        "cb@example.com", "Ada Lovelace")

    marked = publish(_contact_form(friend="none", given="none", family="none", alias="name"))
    client.post(start(client, marked), answers)
    assert Entry.objects.filter(campaign=marked).values_list("email", "name").get() == (
        "ada@example.com", "Countess")


def test_the_step_that_gives_the_email_costs_one_more_query_only_with_one_entry_per_person(
        client, publish):
    counts = {}
    for one_entry in (False, True):
        campaign = publish(follow_up_quiz(), settings={"one_entry_per_person": one_entry})
        url = start(client, campaign)
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, {"step": "about", "name": "Bo",
                                         "email": "bo@example.com"})
        assert response.status_code == 303
        counts[one_entry] = len(queries)
    # The early "already in?" look-up; the contact itself is part of the entry's update.
    assert counts[True] == counts[False] + 1, counts


def test_entrants_finds_a_partial_entry_by_the_email_or_name_it_gave(client, publish):
    quiz = publish(follow_up_quiz())
    url = start(client, quiz)
    client.post(url, {"step": "about", "name": "Bo Lindqvist", "email": "bo.l@example.com"})
    marketer = Client()
    marketer.force_login(Membership.objects.filter(workspace=quiz.workspace).first().user)
    for query in ("bo.l@example.com", "Lindqvist"):
        page = marketer.get(f"/app/campaigns/{quiz.pk}/entrants/", {"q": query})
        assert page.status_code == 200
        assert "bo.l@example.com" in page.text
        assert "Anonymous" not in page.text
