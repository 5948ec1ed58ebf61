"""Chaos: visitors complete entries while the worker is SIGKILLed mid-send and the database
drops every connection; every completed entry still gets each of its emails exactly once.

The web side is the real runtime through Django's test client, in threads, with the request
boundaries a WSGI server gives (`close_old_connections` before and after each request) and
kept, health-checked connections as in production. A visitor whose request failed presses the
button again. Beat is played by the test: it sends the sweeper task every second. The claim
timeout is shortened to seconds so that the dead worker's email is taken over within the test.
"""

import signal
import threading
import time

import pytest
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connection, connections
from django.test import Client

from entries.models import EmailStatus, Entry, EntryStatus, OutboundEmail
from entries.tasks import emails_sweep
from tests.integration.conftest import drop_database_connections, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

ENTRIES = 48
THREADS = 4
EMAILS_PER_ENTRY = 2  # the quiz sends "completed" and the outcome's email


class Visitors:
    """Threads completing entries through the runtime, each request retried until it lands."""

    def __init__(self, campaign):
        self.campaign = campaign
        self.failed_requests = 0
        self.errors: list[BaseException] = []
        self.lock = threading.Lock()

    def request(self, client: Client, url: str, data: dict):
        while True:
            close_old_connections()  # request_started, as a WSGI server sends it
            response = client.post(url, data)
            close_old_connections()  # request_finished
            if response.status_code < 500:
                return response
            with self.lock:
                self.failed_requests += 1
            time.sleep(0.05)

    def complete(self, worker: int) -> None:
        client = Client(REMOTE_ADDR=f"10.2.{worker}.1", raise_request_exception=False)
        try:
            for n in range(worker, ENTRIES, THREADS):
                url = self.request(client, f"/c/{self.campaign.slug}/", {}).headers["Location"]
                self.request(client, url, {"step": "about", "name": f"Visitor {n}",
                                           "email": f"chaos-{n}@example.com", "news": "yes"})
                self.request(client, url, {"step": "taste", "drink": "tea"})
        except BaseException as error:  # reported by the test
            self.errors.append(error)
        finally:
            connection.close()


def _completed() -> int:
    return Entry.objects.filter(status=EntryStatus.COMPLETED).count()


def test_every_completed_entry_gets_its_emails_exactly_once_through_kills_and_drops(
        mail_setup, quiz, monkeypatch):
    workers, sink = mail_setup
    # Production's kept connections (the test settings close them after each request), for the
    # threads' connections, which are made from these settings.
    monkeypatch.setitem(connections.settings[DEFAULT_DB_ALIAS], "CONN_MAX_AGE", 60)
    chaos = {"EMAIL_TIMEOUT": "2", "EMAIL_CLAIM_TIMEOUT": "6"}
    first, _ = workers.start(**chaos)
    started = time.monotonic()

    visitors = Visitors(quiz)
    threads = [threading.Thread(target=visitors.complete, args=(w,)) for w in range(THREADS)]
    for thread in threads:
        thread.start()

    # (a) A third of the way in, the database drops every connection: web and worker.
    wait_for(lambda: _completed() >= ENTRIES // 3, timeout=30)
    dropped = drop_database_connections()

    # (b) Two thirds of the way in, the worker dies in the middle of an SMTP conversation.
    wait_for(lambda: _completed() >= 2 * ENTRIES // 3, timeout=30)
    sink.stalling = True
    assert sink.stalled.wait(timeout=15), "the worker never reached DATA"
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    sink.stalling = False
    workers.start(**chaos)

    for thread in threads:
        thread.join(timeout=60)
    assert not visitors.errors, visitors.errors[:3]
    assert dropped >= THREADS  # the web side's kept connections (and the worker's) were cut
    assert _completed() == ENTRIES
    load_done = time.monotonic()

    def all_sent():
        """every completed entry's emails to be sent (beat's sweeper sent every second)"""
        emails_sweep.delay()
        sent = OutboundEmail.objects.filter(status=EmailStatus.SENT).count()
        return sent == EMAILS_PER_ENTRY * ENTRIES

    wait_for(all_sent, timeout=45, interval=1.0)
    finished = time.monotonic()
    print(f"\nchaos: {ENTRIES} entries completed in {load_done - started:.1f} s "
          f"({visitors.failed_requests} requests answered 5xx and were pressed again; "
          f"{dropped} connections dropped); all emails sent {finished - load_done:.1f} s later")

    assert OutboundEmail.objects.count() == EMAILS_PER_ENTRY * ENTRIES
    for n in range(ENTRIES):
        received = sink.to(f"chaos-{n}@example.com")
        assert len(received) == EMAILS_PER_ENTRY, (n, [m["Subject"] for m in received])
        assert len({m["Message-ID"] for m in received}) == EMAILS_PER_ENTRY
    taken_over = OutboundEmail.objects.filter(attempts__gt=1).count()
    assert taken_over >= 1  # the email the killed worker was sending went out from the next one
