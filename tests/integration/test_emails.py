"""Follow-up emails through a real worker, a real broker and a real SMTP server.

Exactly once: when all goes well; when the worker is SIGKILLed while the SMTP server holds its
DATA unanswered and a new worker takes over; when the broker is down at commit and the sweeper
sends it. Where the real wait would be a minute or more (the sweeper's grace, the claim timeout),
the test moves the row's timestamps back instead of sleeping.
"""

import signal
import subprocess
import sys
import textwrap
from datetime import timedelta

import pytest
from django.utils import timezone

from entries.models import EmailStatus, OutboundEmail
from entries.tasks import email_send, emails_sweep
from tests.integration.conftest import ROOT, complete, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def _row(entry_id: int, trigger: str = "completed") -> OutboundEmail:
    return OutboundEmail.objects.get(entry_id=entry_id, trigger=trigger)


def _task_done(log, task_id: str):
    def done():
        """the worker to finish the task"""
        return f"[{task_id}] succeeded" in log.read_text()

    return done


def test_an_entrys_email_arrives_exactly_once(mail_setup, quiz):
    workers, sink = mail_setup
    _, log = workers.start()
    entry_id = complete(quiz, "once@example.com")

    def delivered():
        """both emails (completed, tea outcome) to arrive and be marked sent"""
        rows = OutboundEmail.objects.filter(entry_id=entry_id)
        return len(sink.to("once@example.com")) == 2 and all(
            r.status == EmailStatus.SENT for r in rows)

    wait_for(delivered)
    subjects = sorted(m["Subject"] for m in sink.to("once@example.com"))
    assert subjects == ["A tea tip", "Thanks, Ada: A tea person"]
    # A duplicate task (a redelivery, a sweep racing the first send) sends nothing more.
    duplicate = email_send.delay(_row(entry_id).pk)
    wait_for(_task_done(log, duplicate.id))
    assert len(sink.to("once@example.com")) == 2
    assert _row(entry_id).attempts == 1


def test_a_worker_killed_mid_send_is_taken_over_and_the_email_arrives_once(mail_setup, quiz):
    workers, sink = mail_setup
    sink.stalling = True
    first, _ = workers.start()
    entry_id = complete(quiz, "killed@example.com")
    assert sink.stalled.wait(timeout=30), "the worker never reached DATA"
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    stuck = OutboundEmail.objects.get(entry_id=entry_id, status=EmailStatus.SENDING)
    sink.stalling = False
    assert sink.to("killed@example.com") == []

    _, log = workers.start()
    # The dead worker's claim has outlived EMAIL_CLAIM_TIMEOUT (moved back, not waited for).
    OutboundEmail.objects.filter(pk=stuck.pk).update(
        claimed_at=timezone.now() - timedelta(hours=1))
    sweep = emails_sweep.delay()
    wait_for(_task_done(log, sweep.id))

    def delivered():
        """the taken-over email (and the other one) to be sent"""
        return OutboundEmail.objects.filter(entry_id=entry_id,
                                            status=EmailStatus.SENT).count() == 2

    wait_for(delivered)
    row = OutboundEmail.objects.get(pk=stuck.pk)
    assert row.attempts == 2
    assert [m["Subject"] for m in sink.to("killed@example.com")].count(row.subject) == 1
    assert len(sink.to("killed@example.com")) == 2


WEB_SIDE = textwrap.dedent("""
    import django
    django.setup()
    from django.db import transaction
    from campaigns.models import Campaign
    from entries.services.runtime import answer_submit, entry_start

    campaign = Campaign.objects.get(pk={campaign_id})
    with transaction.atomic():
        entry = entry_start(campaign=campaign, source={{}})
        answer_submit(entry=entry, step_key="about",
                      raw={{"name": ["Bo"], "email": ["{email}"]}})
        answer_submit(entry=entry, step_key="taste", raw={{"drink": ["coffee"]}})
    print("completed", entry.pk)
""")


def test_with_the_broker_down_at_commit_the_sweeper_still_delivers(mail_setup, quiz):
    workers, sink = mail_setup
    _, log = workers.start()
    # The web side, in its own process, with a broker that refuses connections.
    web = subprocess.run(
        [sys.executable, "-c", WEB_SIDE.format(campaign_id=quiz.pk, email="swept@example.com")],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
        env={**workers.env, "CELERY_BROKER_URL": "redis://127.0.0.1:9/0",
             "EMAIL_URL": "smtp://127.0.0.1:9"},
    )
    assert web.returncode == 0, web.stderr
    assert "could not publish entries.tasks.email_send" in web.stderr
    entry_id = int(web.stdout.split()[-1])
    rows = OutboundEmail.objects.filter(entry_id=entry_id)
    assert [r.status for r in rows] == [EmailStatus.QUEUED, EmailStatus.QUEUED]

    # A minute later (moved back, not waited for) beat runs the sweeper.
    rows.update(available_at=timezone.now() - timedelta(minutes=2))
    sweep = emails_sweep.delay()
    wait_for(_task_done(log, sweep.id))

    def delivered():
        """the swept emails to be sent"""
        return rows.filter(status=EmailStatus.SENT).count() == 2

    wait_for(delivered)
    assert sorted(m["Subject"] for m in sink.to("swept@example.com")) == [
        "A coffee tip", "Thanks, Bo: Coffee it is"]
