"""The outbox: rows in the entry's transaction, sent once, retried or failed, never to the
unsubscribed. Django's locmem mail backend stands in for SMTP here (tests/entries/test_smtp.py
talks to a real SMTP server)."""

import logging
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from campaigns.models import EmailTemplate, Status
from campaigns.services.campaigns import campaign_set_status
from config.celery import Task
from entries.mail import outbox, reminders
from entries.mail.render import subject_text
from entries.mail.unsubscribe import suppression_add
from entries.models import Answer, EmailStatus, Entry, OutboundEmail
from entries.services.runtime import answer_submit, entry_start
from tests.entries.email_documents import follow_up_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://quiz.example.com"


@pytest.fixture
def quiz(publish):
    return publish(follow_up_quiz())


def complete(campaign, *, name="Ada", email="ada@example.com", drink="coffee",
             news=True) -> Entry:
    entry = entry_start(campaign=campaign, source={})
    about = {"name": [name], "email": [email]} | ({"news": ["yes"]} if news else {})
    assert answer_submit(entry=entry, step_key="about", raw=about).ok
    assert answer_submit(entry=entry, step_key="taste", raw={"drink": [drink]}).ok
    entry.refresh_from_db()
    return entry


def test_completing_an_entry_queues_its_emails_and_sends_them_on_commit(
        quiz, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        entry = complete(quiz)
        assert mail.outbox == []  # nothing leaves before the commit
        rows = list(OutboundEmail.objects.filter(entry=entry).order_by("template_position"))
        assert [(r.trigger, r.template_position, r.status) for r in rows] == [
            ("completed", 0, "queued"), ("outcome", 1, "queued")]
        assert rows[0].idempotency_key == f"{entry.pk}:completed:0"
    assert len(callbacks) == 2
    assert sorted(m.subject for m in mail.outbox) == ["A coffee tip", "Thanks, Ada: Coffee it is"]
    for row in OutboundEmail.objects.filter(entry=entry):
        assert row.status == EmailStatus.SENT
        assert row.attempts == 1
        assert row.sent_at
    thanks = next(m for m in mail.outbox if m.subject.startswith("Thanks"))
    assert thanks.to == ["ada@example.com"]
    assert "You picked Coffee and scored 2." in thanks.body
    assert f"https://quiz.example.com/c/{quiz.slug}/e/{entry.token}/" in thanks.body
    assert f"/c/{quiz.slug}/?ref={entry.referral_code}" in thanks.body


def test_the_outcome_reached_picks_the_outcome_email(quiz, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complete(quiz, drink="tea")
    assert sorted(m.subject for m in mail.outbox) == ["A tea tip", "Thanks, Ada: A tea person"]


def test_no_row_and_no_email_when_the_transaction_rolls_back(
        quiz, django_capture_on_commit_callbacks):
    def completed_then_failed():
        with transaction.atomic():
            complete(quiz)
            assert OutboundEmail.objects.count() == 2
            raise RuntimeError("the request failed after completing")

    with (django_capture_on_commit_callbacks(execute=True) as callbacks,
          pytest.raises(RuntimeError, match="the request failed")):
        completed_then_failed()
    assert OutboundEmail.objects.count() == 0
    assert not callbacks
    assert mail.outbox == []


def test_a_repeated_trigger_writes_and_sends_nothing_more(quiz, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        entry = complete(quiz)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert outbox.email_queue(entry=entry, trigger="completed") == []
        assert outbox.email_queue_completed(entry=entry) == []
    assert not callbacks
    assert OutboundEmail.objects.filter(entry=entry).count() == 2
    assert len(mail.outbox) == 2


def test_no_address_no_email(quiz):
    entry = complete(quiz)
    entry.email = ""
    assert outbox.email_queue(entry=entry, trigger="completed", dedupe="again") == []


def test_a_row_is_claimed_once(quiz):
    entry = complete(quiz)
    email = OutboundEmail.objects.filter(entry=entry).first()
    assert outbox.email_send(email_id=email.pk).status == EmailStatus.SENT
    assert outbox.email_send(email_id=email.pk) is None  # a second task for the same row
    assert len(mail.outbox) == 1


def test_a_fresh_sending_claim_is_left_alone_and_a_stale_one_taken_over(quiz, settings):
    entry = complete(quiz)
    email = OutboundEmail.objects.filter(entry=entry).first()
    OutboundEmail.objects.filter(pk=email.pk).update(status=EmailStatus.SENDING,
                                                     claimed_at=timezone.now(), attempts=1)
    assert outbox.email_send(email_id=email.pk) is None
    stale = timezone.now() - timedelta(seconds=settings.EMAIL_CLAIM_TIMEOUT + 1)
    OutboundEmail.objects.filter(pk=email.pk).update(claimed_at=stale)
    sent = outbox.email_send(email_id=email.pk)
    assert sent.status == EmailStatus.SENT
    assert sent.attempts == 2
    assert len(mail.outbox) == 1


def test_an_unsubscribed_address_gets_nothing(quiz, django_capture_on_commit_callbacks):
    suppression_add(workspace_id=quiz.workspace_id, email="ADA+news@Example.com")
    with django_capture_on_commit_callbacks(execute=True):
        entry = complete(quiz, email="ada@example.com")
    assert mail.outbox == []
    rows = OutboundEmail.objects.filter(entry=entry)
    assert {r.status for r in rows} == {EmailStatus.SUPPRESSED}
    assert "unsubscribed" in rows[0].error


def test_unsubscribing_is_per_workspace(quiz, publish, django_capture_on_commit_callbacks):
    other = publish(follow_up_quiz())
    suppression_add(workspace_id=other.workspace_id, email="ada@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        complete(quiz)
    assert len(mail.outbox) == 2


def test_the_email_carries_one_click_unsubscribe_headers_and_a_stable_message_id(quiz):
    entry = complete(quiz)
    email = OutboundEmail.objects.filter(entry=entry, trigger="completed").get()
    outbox.email_send(email_id=email.pk)
    message = mail.outbox[0]
    link = message.extra_headers["List-Unsubscribe"]
    assert link.startswith("<https://quiz.example.com/c/unsubscribe/")
    assert link.endswith("/>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["Message-ID"] == (
        f"<outbound-{email.pk}.{entry.pk}.completed.0@quiz.example.com>")
    assert link[1:-1] in message.body


def test_hostile_answers_stay_text(quiz):
    entry = complete(quiz, name="{{ score }} <script>alert(1)</script> Bcc: x@evil.test")
    email = OutboundEmail.objects.filter(entry=entry, trigger="completed").get()
    outbox.email_send(email_id=email.pk)
    message = mail.outbox[0]
    assert message.subject == ("Thanks, {{ score }} <script>alert(1)</script> Bcc: x@evil.test: "
                               "Coffee it is")
    assert "Hi {{ score }} <script>alert(1)</script> Bcc: x@evil.test," in message.body
    html = message.alternatives[0].content
    assert "<script>" not in html
    assert "Hi {{ score }} &lt;script&gt;alert(1)&lt;/script&gt; Bcc: x@evil.test," in html
    assert message.to == ["ada@example.com"]
    assert not message.bcc


def test_the_html_part_links_urls_in_paragraphs_with_the_theme_colour(quiz):
    entry = complete(quiz)
    outbox.email_send(email_id=OutboundEmail.objects.get(entry=entry, trigger="completed").pk)
    html = mail.outbox[0].alternatives[0].content
    url = f"https://quiz.example.com/c/{quiz.slug}/e/{entry.token}/"
    assert f'<a href="{url}" style="color:#0f766e;text-decoration:underline">{url}</a>' in html
    assert ('<a href="https://shop.example.com/beans?a=1&amp;b=2" style="color:#0f766e;'
            'text-decoration:underline">https://shop.example.com/beans?a=1&amp;b=2</a>.') in html
    assert html.count('<p style="margin:0 0 16px;line-height:1.6">') == 4
    assert "background:#0f766e" in html


def test_the_winner_trigger_takes_extra_merge_values_and_a_dedupe_key(quiz):
    entry = complete(quiz)
    extra = {"claim_link": "https://quiz.example.com/claim/abc/",
             "claim_deadline": "8 December 2026"}
    rows = outbox.email_queue(entry=entry, trigger="winner", extra=extra, dedupe="draw7")
    assert [r.idempotency_key for r in rows] == [f"{entry.pk}:winner:default:draw7"]
    assert outbox.email_queue(entry=entry, trigger="winner", extra=extra, dedupe="draw7") == []
    outbox.email_send(email_id=rows[0].pk)
    message = mail.outbox[-1]
    assert message.subject == "You won!"
    assert "before 8 December 2026" in message.body
    assert "https://quiz.example.com/claim/abc/" in message.body


def test_a_winner_email_without_its_claim_values_is_a_programming_error(quiz):
    entry = complete(quiz)
    with pytest.raises(ValueError, match="claim_deadline, claim_link"):
        outbox.email_queue(entry=entry, trigger="winner")


def test_the_sweeper_sends_what_waited_more_than_a_minute(quiz):
    entry = complete(quiz)  # on_commit never ran: as if the broker had been down
    late, fresh = OutboundEmail.objects.filter(entry=entry).order_by("template_position")
    OutboundEmail.objects.filter(pk=late.pk).update(
        available_at=timezone.now() - timedelta(minutes=2))
    assert outbox.outbox_sweep() == [late.pk]
    assert OutboundEmail.objects.get(pk=late.pk).status == EmailStatus.SENT
    assert OutboundEmail.objects.get(pk=fresh.pk).status == EmailStatus.QUEUED
    assert outbox.outbox_sweep() == []


def test_the_sweeper_takes_over_a_dead_workers_claim(quiz, settings):
    entry = complete(quiz)
    email = OutboundEmail.objects.filter(entry=entry).first()
    stale = timezone.now() - timedelta(seconds=settings.EMAIL_CLAIM_TIMEOUT + 5)
    OutboundEmail.objects.filter(pk=email.pk).update(status=EmailStatus.SENDING,
                                                     claimed_at=stale, attempts=1)
    assert outbox.outbox_sweep() == [email.pk]
    assert OutboundEmail.objects.get(pk=email.pk).status == EmailStatus.SENT
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_a_completion_is_quick_and_logs_one_line(quiz, client, caplog,
                                                                       broker_down):
    url = client.post(f"/c/{quiz.slug}/").headers["Location"]
    client.post(url, {"step": "about", "name": "Ada", "email": "warm-up@example.com"})
    client.post(url, {"step": "taste", "drink": "tea"})  # a process's first publish sets up
    Task._broker_down_until = 0.0  # as if the broker had been down for a while
    url = client.post(f"/c/{quiz.slug}/").headers["Location"]
    client.post(url, {"step": "about", "name": "Ada", "email": "ada@example.com"})
    caplog.clear()

    started = time.perf_counter()
    response = client.post(url, {"step": "taste", "drink": "coffee"})
    elapsed = time.perf_counter() - started

    assert response.status_code == 303
    entry = Entry.objects.get(email="ada@example.com")
    assert {r.status for r in OutboundEmail.objects.filter(entry=entry)} == {EmailStatus.QUEUED}
    first = OutboundEmail.objects.filter(entry=entry).order_by("pk").first()
    logged = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage().split(";")[0] for r in logged] == [
        f"could not publish entries.tasks.email_send({first.pk},)"]
    assert logged[0].exc_info is None  # one line, no traceback
    print(f"\ncompletion with the broker down: {elapsed * 1000:.1f} ms")


def test_a_test_send_renders_the_draft_template_for_a_sample(quiz):
    template = EmailTemplate.objects.filter(campaign=quiz, trigger="completed").get()
    row = outbox.email_queue_test(template=template, to_email="me@example.com",
                                  context={"name": "Sam", "outcome.title": "Sample outcome"})
    assert row.entry is None
    assert row.idempotency_key.startswith("test:")
    outbox.email_send(email_id=row.pk)
    assert mail.outbox[0].subject == "Thanks, Sam: Sample outcome"
    assert mail.outbox[0].to == ["me@example.com"]


@pytest.mark.parametrize("address", ["me@localhost", "josé@example.com"])
def test_an_address_that_cannot_be_delivered_fails_with_the_reason_and_sends_nothing(quiz,
                                                                                     address):
    # A marketer's own sign-in address goes to a test send unchecked by any form.
    template = EmailTemplate.objects.filter(campaign=quiz, trigger="completed").get()
    row = outbox.email_queue_test(template=template, to_email=address, context={})
    sent = outbox.email_send(email_id=row.pk)
    assert sent.status == EmailStatus.FAILED
    assert sent.error.startswith("Not sent: ")
    assert not mail.outbox


def _idle(entry, minutes):
    Entry.objects.filter(pk=entry.pk).update(
        updated_at=timezone.now() - timedelta(minutes=minutes))


def _started(campaign, *, news=True, email="bo@example.com"):
    entry = entry_start(campaign=campaign, source={})
    about = {"name": ["Bo"], "email": [email]} | ({"news": ["yes"]} if news else {})
    assert answer_submit(entry=entry, step_key="about", raw=about).ok
    return entry


def test_a_reminder_goes_once_to_an_idle_entry_with_consent(quiz):
    consenting, silent, recent = _started(quiz), _started(quiz, news=False), _started(quiz)
    _idle(consenting, 31)
    _idle(silent, 31)
    _idle(recent, 10)
    rows = reminders.reminders_queue()
    assert [(r.entry_id, r.to_email, r.idempotency_key) for r in rows] == [
        (consenting.pk, "bo@example.com", f"{consenting.pk}:reminder")]
    assert reminders.reminders_queue() == []
    outbox.email_send(email_id=rows[0].pk)
    assert mail.outbox[0].subject == "You're nearly there"
    assert f"/e/{consenting.token}/" in mail.outbox[0].body


def test_no_reminder_for_completed_or_long_abandoned_entries(quiz):
    done = complete(quiz)
    _idle(done, 60)
    ancient = _started(quiz)
    _idle(ancient, 60 * 24 * 8)
    assert reminders.reminders_queue() == []
    assert Answer.objects.filter(entry=ancient, question_key="news", value=True).exists()


def test_no_reminder_once_the_campaign_stopped_taking_entries(quiz):
    entry = _started(quiz)
    _idle(entry, 31)
    campaign_set_status(campaign=quiz, status=Status.PAUSED)
    assert reminders.reminders_queue() == []
    quiz.ends_at = timezone.now() - timedelta(minutes=1)
    campaign_set_status(campaign=quiz, status=Status.LIVE)
    quiz.save()
    assert reminders.reminders_queue() == []
    quiz.ends_at = None
    quiz.save()
    assert [r.entry_id for r in reminders.reminders_queue()] == [entry.pk]


def test_a_newline_in_a_recalled_value_never_breaks_the_subject_header():
    hostile = {"answers.note": "hi\r\nBcc: x@evil.test"}
    assert subject_text("Re: {{ answers.note }}", hostile) == "Re: hi Bcc: x@evil.test"
