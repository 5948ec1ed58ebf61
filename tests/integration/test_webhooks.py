"""Webhooks with a real worker: SIGKILL it mid-delivery and take the receiver down for a while;
every event still arrives, and a receiver that de-duplicates on `webhook-id` sees each once.

Beat is played by the test (it runs the sweeper), and time is moved on by making waiting
retries due: the backoff itself is tested in tests/entries/test_webhooks.py.
"""

import os
import signal
import time

import pytest
from django.utils import timezone

from entries.models import DeliveryStatus, WebhookDelivery
from entries.webhooks import outbox
from entries.webhooks.endpoints import webhook_endpoint_create
from tests.integration.conftest import complete, wait_for
from tests.webhook_receiver import Receiver, serve, stop

pytestmark = pytest.mark.django_db(transaction=True)

WORKER_ENV = {"WEBHOOKS_ALLOW_PRIVATE": "true", "WEBHOOK_TIMEOUT": "1",
              "WEBHOOK_CLAIM_TIMEOUT": "4"}


def _sweep_until(done, timeout=60.0):
    """Beat, fast: make waiting retries due and run the sweeper until `done()`."""
    def swept():
        """every delivery to be delivered"""
        WebhookDelivery.objects.filter(status=DeliveryStatus.RETRYING).update(
            next_attempt_at=timezone.now())
        outbox.webhooks_sweep()
        return done()

    wait_for(swept, timeout=timeout, interval=1.0)


def test_every_event_arrives_once_through_a_kill_and_a_receiver_outage(
        mail_setup, quiz, settings):
    workers, _sink = mail_setup
    settings.WEBHOOK_CLAIM_TIMEOUT = 4  # the sweeper (this process) takes over a dead claim
    settings.WEBHOOK_TIMEOUT = 1
    receiver = serve(Receiver(script=["slow", 200], hang_seconds=3))
    port = receiver.server.server_address[1]
    try:
        webhook_endpoint_create(workspace=quiz.workspace, url=receiver.url,
                                events=["entry.completed", "entry.outcome_reached"])
        first, _ = workers.start(**WORKER_ENV)
        entries = [complete(quiz, f"hook-{n}@example.com") for n in range(10)]
        # The first delivery is on the receiver, which holds its answer: kill the worker now.
        wait_for(lambda: receiver.requests, timeout=30)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        killed_id = receiver.requests[0].headers["webhook-id"]

        # The receiver goes down; a new worker meets refused connections and keeps retrying.
        stop(receiver)
        _, log = workers.start(**WORKER_ENV)
        entries += [complete(quiz, f"hook-late-{n}@example.com") for n in range(10)]
        _sweep_until(lambda: WebhookDelivery.objects.filter(
            status=DeliveryStatus.RETRYING, attempts__gte=1).exists())
        time.sleep(1)

        # Back up on the same address: everything is delivered.
        receiver = serve(Receiver(requests=receiver.requests, seen=receiver.seen), port=port)
        rows = WebhookDelivery.objects.filter(entry_id__in=entries)
        _sweep_until(lambda: not rows.exclude(status=DeliveryStatus.DELIVERED).exists())
    finally:
        stop(receiver)

    expected = set(rows.values_list("message_id", flat=True))
    assert len(expected) == 2 * len(entries)  # completed and the outcome, for each entry
    assert set(receiver.seen) == expected  # each once to a receiver that de-duplicates
    sent = [request.headers["webhook-id"] for request in receiver.requests]
    assert sent.count(killed_id) == 2  # the killed worker's delivery came again, same id
    assert rows.filter(attempts__gte=2).exists()  # the outage cost retries, not events
    for entry_id in entries:
        sequences = sorted(rows.filter(entry_id=entry_id).values_list("sequence", flat=True))
        assert sequences == [1, 2]
    logged = log.read_text()
    assert "webhook delivery" in logged
    assert f":{port}/hook" not in logged
