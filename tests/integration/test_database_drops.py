"""A database that drops the worker's connections (a restart, a failover) delays emails by a
retry at most: the worker replaces the dead connection and sends everything within seconds."""

import time

import pytest

from entries.models import EmailStatus, OutboundEmail
from tests.integration.conftest import complete, drop_database_connections, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

EMAILS_AFTER = 20


@pytest.mark.parametrize("health_checks", ["true", "false"])
def test_after_the_database_drops_the_workers_connection_emails_resume_within_seconds(
        mail_setup, quiz, health_checks):
    workers, sink = mail_setup
    _, log = workers.start(CONN_HEALTH_CHECKS=health_checks)
    first = complete(quiz, "before@example.com")

    def first_sent():
        """the first entry's emails to be sent, so the worker holds a connection"""
        return OutboundEmail.objects.filter(entry_id=first, status=EmailStatus.SENT).count() == 2

    wait_for(first_sent)
    assert drop_database_connections() >= 1
    dropped_at = time.monotonic()
    for n in range(EMAILS_AFTER):
        complete(quiz, f"after-{n}@example.com")

    def all_sent():
        """every email queued after the drop to be sent"""
        return OutboundEmail.objects.filter(status=EmailStatus.SENT).count() == 2 + 2 * EMAILS_AFTER

    wait_for(all_sent, timeout=30)
    print(f"\n{2 * EMAILS_AFTER} emails after the drop sent in "
          f"{time.monotonic() - dropped_at:.2f} s (CONN_HEALTH_CHECKS={health_checks})")
    for n in range(EMAILS_AFTER):
        assert len(sink.to(f"after-{n}@example.com")) == 2
    # Without health checks the first task after the drop fails once and is retried.
    retried = log.read_text().count("Retry in")
    assert retried <= (1 if health_checks == "false" else 0), log.read_text()[-3000:]
