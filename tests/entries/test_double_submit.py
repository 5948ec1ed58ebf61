"""A double submit saves a step once and records it once: events follow what was saved.

Two submits built on the same read of an entry (a double click, two tabs) both pass the step
checks; only the one whose write finds the entry as it was read saves answers and events, the
other shows the step the entry is now at.
"""

import threading

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from entries.models import Answer, Entry, Interaction
from entries.services.entry_store import entry_for_runtime
from entries.services.runtime import answer_submit, entry_start
from tests.entries.documents import branching_quiz


@pytest.fixture
def quiz(publish):
    return publish(branching_quiz())


def _events(entry) -> list[tuple[str, str]]:
    return list(Interaction.objects.filter(entry=entry).order_by("id").values_list(
        "kind", "step_key"))


@pytest.mark.django_db
def test_of_two_submits_built_on_one_read_only_the_first_saves_and_records(quiz):
    entry = entry_start(campaign=quiz, source={})
    first, second = (entry_for_runtime(slug=quiz.slug, token=entry.token) for _ in range(2))

    answer_submit(entry=first, step_key="about", raw={"name": ["Ada"]})
    overtaken = answer_submit(entry=second, step_key="about", raw={"name": ["Bob"]})

    assert overtaken.ok
    assert overtaken.entry.current_step == "taste"
    assert overtaken.entry.answer_values == {"name": "Ada", "email": None, "utm_source": None}
    assert dict(Answer.objects.filter(entry=entry).values_list("question_key", "value")) == {
        "name": "Ada", "email": None, "utm_source": None}
    assert Answer.objects.get(entry=entry, question_key="name").changes == 0
    assert _events(entry) == [("view", "about"), ("submit", "about"), ("view", "taste")]


@pytest.mark.django_db
def test_a_repeated_submit_of_a_saved_step_records_nothing_more(client, quiz):
    url = client.post(f"/c/{quiz.slug}/").headers["Location"]
    for _ in range(3):
        response = client.post(url, {"step": "about", "name": "Ada"})
        assert response.status_code == 303
    entry = Entry.objects.get()
    assert entry.current_step == "taste"
    assert _events(entry) == [("view", "about"), ("submit", "about"), ("view", "taste")]


THREADS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_posts_of_one_step_write_one_submit_and_one_view(quiz):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database serialises writers on a shared-cache "
                    "table lock that fails at once; the two-submit test covers SQLite")
    cache.clear()
    entry = entry_start(campaign=quiz, source={})
    url = f"/c/{quiz.slug}/e/{entry.token}/"
    connection.close()  # the threads must not share this connection
    barrier = threading.Barrier(THREADS)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def post(worker: int) -> None:
        client = Client(REMOTE_ADDR=f"10.1.{worker}.1")  # no per-IP rate limit between them
        try:
            barrier.wait(timeout=60)
            statuses.append(client.post(url, {"step": "about", "name": "Ada"}).status_code)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors[:3]
    assert statuses == [303] * THREADS  # the overtaken ones see the step the entry is at
    stored = Entry.objects.get(pk=entry.pk)
    assert stored.current_step == "taste"
    name = Answer.objects.get(entry=entry, question_key="name")
    assert (name.value, name.changes) == ("Ada", 0)
    assert _events(entry) == [("view", "about"), ("submit", "about"), ("view", "taste")]
