"""One entry per person under real concurrency on PostgreSQL, with emails through a real worker.

Each round, two visitors with one address race through the real runtime view in two threads
with their own connections: either both submit their last step at the same instant, or one
completes while the other gives the address on the first step and then finishes. Whatever the
interleaving, the database lets one complete: never two completed entries for an address, never
two confirmation emails.
"""

import threading
import uuid
from functools import partial
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from entries.models import EmailStatus, Entry, EntryStatus, OutboundEmail
from tests.entries.contests import email_first_document
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 50
LAST_STEP = {"step": "rules", "rules_consent": "yes"}


def _campaign(publish):
    document = email_first_document()
    document["emails"] = [{"trigger": "completed", "subject": "You're in",
                           "body": "Thanks for entering."}]
    return publish(document)


def _visitor(round_: int, n: int) -> Client:
    # Each visitor its own network address: the per-IP rate limit is not what is tested.
    return Client(REMOTE_ADDR=f"10.{n}.{round_ // 250}.{round_ % 250 + 1}")


def _started(visitor: Client, campaign) -> str:
    response = visitor.post(f"/c/{campaign.slug}/")
    assert response.status_code == 303
    return response.headers["Location"]


def _race(*visits) -> list[BaseException]:
    """Run each visit in its own thread and connection, released together by a barrier."""
    barrier = threading.Barrier(len(visits))
    errors: list[BaseException] = []

    def run(visit):
        try:
            barrier.wait(timeout=60)
            visit()
        except BaseException as error:  # reported by the caller's assertion
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(visit,)) for visit in visits]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_racing_entries_with_one_address_make_one_entry_and_one_email(celery_worker, publish):
    if connection.vendor != "postgresql":
        pytest.skip("the race is meant for PostgreSQL's row locks and unique index waits")
    campaign = _campaign(publish)
    addresses = []
    for round_ in range(ROUNDS):
        address = f"racer-{uuid.uuid4().hex[:10]}@example.com"
        addresses.append(address)
        first, second = _visitor(round_, 1), _visitor(round_, 2)
        a, b = _started(first, campaign), _started(second, campaign)
        first.post(a, {"step": "contact", "email": address})
        first.post(a, {"step": "taste", "colour": "teal"})
        if round_ % 2 == 0:
            # Both at their last step, submitted at once.
            second.post(b, {"step": "contact", "email": address.upper()})
            second.post(b, {"step": "taste", "colour": "red"})
            errors = _race(partial(first.post, a, LAST_STEP), partial(second.post, b, LAST_STEP))
        else:
            # The reported order: A completes while B gives the same address on step 1.
            def late_entrant(b=b, address=address, second=second):
                second.post(b, {"step": "contact", "email": f" {address} "})
                second.post(b, {"step": "taste", "colour": "red"})
                second.post(b, LAST_STEP)

            errors = _race(partial(first.post, a, LAST_STEP), late_entrant)
        assert not errors, errors[:2]

    for address in addresses:
        finished = Entry.objects.filter(campaign=campaign, email__iexact=address,
                                        status=EntryStatus.COMPLETED)
        assert finished.count() == 1, address
        assert OutboundEmail.objects.filter(campaign=campaign, trigger="completed",
                                            to_email__iexact=address).count() == 1, address
    assert Entry.objects.filter(campaign=campaign, status=EntryStatus.COMPLETED).count() == ROUNDS

    def all_sent():
        """the worker to send every confirmation"""
        return not OutboundEmail.objects.filter(campaign=campaign).exclude(
            status=EmailStatus.SENT).exists()

    wait_for(all_sent, timeout=60)
    # The file backend appends each message its connection sends to that connection's file.
    sent = "".join(path.read_text(errors="replace").lower()
                   for path in Path(celery_worker["mail_dir"]).iterdir())
    for address in addresses:
        assert sent.count(f"\nto: {address}\n") == 1, address
