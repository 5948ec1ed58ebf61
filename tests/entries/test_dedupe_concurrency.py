"""200 completions at the same instant with one normalised email: exactly one entry, one email.

The attempts run in threads with their own database connections and go through the real
runtime view, so the unique constraint, not luck or a lock in Python, is what decides.
"""

import threading

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client

from entries.models import Entry, EntryStatus, OutboundEmail
from entries.services.runtime import answer_submit, entry_start
from tests.entries.contests import giveaway_document

pytestmark = pytest.mark.django_db(transaction=True)

ATTEMPTS = 200
# 40 connections at once: PostgreSQL's default limit is 100, shared with other test runs.
THREADS = 40
# The same person, typed five ways.
SPELLINGS = ["sam.lee@gmail.com", "Sam.Lee+win@GMail.com", "samlee@googlemail.com",
             "S.A.M.L.E.E@gmail.com", " samlee+2@gmail.com "]


@pytest.fixture
def threads_database(tmp_path):
    """PostgreSQL: the test database. SQLite: a file database for this test, because the
    in-memory test database uses a shared cache, whose table locks fail at once ("database
    table is locked") instead of waiting like the file locks of a real deployment."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    # The in-memory test database lives as long as a connection to it is open: keep this one
    # aside (Django ignores close() on it) and point every new connection at a file.
    kept = connection.connection
    connection.connection = None
    original = connection.settings_dict["NAME"]
    connection.settings_dict["NAME"] = str(tmp_path / "concurrency.sqlite3")
    call_command("migrate", verbosity=0)
    yield
    connection.close()
    connection.settings_dict["NAME"] = original
    connection.connection = kept


def test_concurrent_completions_with_one_normalised_email_make_one_entry(threads_database,
                                                                         publish):
    cache.clear()
    campaign = publish(giveaway_document())
    # Every attempt is one step from completing: only the email step is left.
    entries = []
    for _ in range(ATTEMPTS):
        entry = entry_start(campaign=campaign, source={})
        answer_submit(entry=entry, step_key="pick_cabin", raw={"cabin": ["forest"]})
        entries.append(entry)
    connection.close()  # the threads must not share this connection

    barrier = threading.Barrier(THREADS)
    results: list[tuple[int, str]] = []
    errors: list[BaseException] = []

    def complete(worker: int) -> None:
        # Its own address, so the per-IP rate limit does not refuse the attempts.
        client = Client(REMOTE_ADDR=f"10.0.{worker}.1")
        try:
            barrier.wait(timeout=120)
            for n in range(worker, ATTEMPTS, THREADS):
                response = client.post(f"/c/{campaign.slug}/e/{entries[n].token}/", {
                    "step": "enter", "first_name": f"Sam {n}",
                    "email": SPELLINGS[n % len(SPELLINGS)], "rules_consent": "yes"})
                results.append((response.status_code, response.text))
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=complete, args=(w,)) for w in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)

    assert not errors, errors[:3]
    assert len(results) == ATTEMPTS
    completed = Entry.objects.filter(campaign=campaign, status=EntryStatus.COMPLETED)
    assert completed.count() == 1
    assert completed.get().dedupe_key == "samlee@gmail.com"
    assert sum(status == 303 for status, _ in results) == 1
    refused = [text for status, text in results if status == 200]
    assert len(refused) == ATTEMPTS - 1
    assert all("You're already in!" in text for text in refused)
    assert Entry.objects.filter(campaign=campaign, dedupe_key="samlee@gmail.com").count() == 1
    # One entry, so one confirmation email: the refused attempts queued nothing.
    assert OutboundEmail.objects.filter(campaign=campaign, trigger="completed").count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [completed.get().email]
