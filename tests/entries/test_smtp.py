"""The outbox against a real SMTP server on loopback: delivery, transient and permanent failures."""

import time

import pytest

from entries.mail import outbox
from entries.models import EmailStatus, OutboundEmail
from tests.entries.email_documents import follow_up_quiz
from tests.entries.test_outbox import complete
from tests.smtp_sink import SinkServer, free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    with SinkServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 5
        yield server.sink


@pytest.fixture
def queued(publish):
    entry = complete(publish(follow_up_quiz()))
    return OutboundEmail.objects.get(entry=entry, trigger="completed")


def test_an_email_arrives_with_both_parts_and_the_unsubscribe_headers(smtp, queued):
    assert outbox.email_send(email_id=queued.pk).status == EmailStatus.SENT
    [message] = smtp.to("ada@example.com")
    assert message["Subject"] == "Thanks, Ada: Coffee it is"
    assert message["From"] == "Brew finder <hello@stepcraft.localhost>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["List-Unsubscribe"].strip().startswith("<http")
    assert "You picked Coffee" in message.get_body("plain").get_content()
    assert "<p style=" in message.get_body("html").get_content()


def test_a_4xx_goes_back_to_the_queue_with_backoff_then_sends(smtp, queued):
    smtp.data_reply = "451 4.3.0 Try again later"
    email = outbox.email_send(email_id=queued.pk)
    assert email.status == EmailStatus.QUEUED
    assert email.attempts == 1
    assert "451" in email.error
    assert "Try again later" in email.error
    assert (email.available_at - email.claimed_at).total_seconds() >= outbox.BACKOFF_BASE_SECONDS
    second = outbox.email_send(email_id=queued.pk)
    assert second.status == EmailStatus.QUEUED
    assert (second.available_at - second.claimed_at).total_seconds() >= (
        2 * outbox.BACKOFF_BASE_SECONDS)
    smtp.data_reply = None
    assert outbox.email_send(email_id=queued.pk).status == EmailStatus.SENT
    assert len(smtp.to("ada@example.com")) == 1
    stored = OutboundEmail.objects.get(pk=queued.pk)
    assert stored.attempts == 3
    assert stored.error == ""


def test_transient_failures_give_up_after_the_last_attempt(smtp, queued):
    smtp.data_reply = "452 Mailbox full for now"
    OutboundEmail.objects.filter(pk=queued.pk).update(attempts=outbox.MAX_ATTEMPTS - 1)
    email = outbox.email_send(email_id=queued.pk)
    assert email.status == EmailStatus.FAILED
    assert email.error.startswith(f"Gave up after {outbox.MAX_ATTEMPTS} attempts: 452")


def test_a_refused_recipient_fails_for_good_with_the_servers_reason(smtp, queued):
    smtp.rcpt_reply = "550 5.1.1 No such user here"
    email = outbox.email_send(email_id=queued.pk)
    assert email.status == EmailStatus.FAILED
    assert email.error == "Recipient refused: ada@example.com: 550 5.1.1 No such user here"
    assert OutboundEmail.objects.get(pk=queued.pk).status == EmailStatus.FAILED
    assert outbox.email_send(email_id=queued.pk) is None  # failed rows are never retried


def test_a_5xx_on_data_fails_for_good(smtp, queued):
    smtp.data_reply = "554 5.7.1 Message rejected as spam"
    email = outbox.email_send(email_id=queued.pk)
    assert email.status == EmailStatus.FAILED
    assert email.error.startswith("554 5.7.1")


def test_no_server_listening_is_transient(settings, queued):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    email = outbox.email_send(email_id=queued.pk)
    assert email.status == EmailStatus.QUEUED
    assert email.error.startswith("Will retry: Could not reach the mail server")


def test_one_connection_serves_many_emails_and_a_dropped_one_is_replaced(smtp, queued, settings):
    entry = queued.entry
    outcome = OutboundEmail.objects.get(entry=entry, trigger="outcome")
    outbox.email_send(email_id=queued.pk)
    outbox.email_send(email_id=outcome.pk)
    assert len(smtp.to("ada@example.com")) == 2
    assert smtp.sessions == 1

    with SinkServer() as restarted:  # the server went away; its successor listens elsewhere
        settings.EMAIL_PORT = restarted.port
        second = complete(entry.campaign, email="bo@example.com")
        row = OutboundEmail.objects.get(entry=second, trigger="completed")
        assert outbox.email_send(email_id=row.pk).status == EmailStatus.SENT
        assert len(restarted.sink.to("bo@example.com")) == 1


def test_a_connection_the_server_closed_when_idle_is_replaced_without_a_failure(settings,
                                                                                 queued):
    with SinkServer(idle_timeout=0.3) as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        outbox.email_send(email_id=queued.pk)
        time.sleep(0.6)  # the server drops the idle connection meanwhile
        outcome = OutboundEmail.objects.get(entry=queued.entry, trigger="outcome")
        sent = outbox.email_send(email_id=outcome.pk)
        assert sent.status == EmailStatus.SENT
        assert sent.attempts == 1
        assert len(server.sink.to("ada@example.com")) == 2
        assert server.sink.sessions == 2


def test_an_internationalised_domain_is_kept_as_typed_and_sent_in_its_ascii_form(smtp, publish):
    # Why such addresses are accepted (campaigns/flow/emailaddr.py): Django's SMTP backend
    # sends the domain as IDNA, which any server takes without SMTPUTF8.
    entry = complete(publish(follow_up_quiz()), email="Ada@Bücher.example")
    row = OutboundEmail.objects.get(entry=entry, trigger="completed")
    assert row.to_email == "Ada@bücher.example"
    assert outbox.email_send(email_id=row.pk).status == EmailStatus.SENT
    assert len(smtp.to("Ada@xn--bcher-kva.example")) == 1
