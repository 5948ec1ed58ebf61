"""Webhook deliveries against a real HTTP receiver on loopback: written with the change, signed
the Standard Webhooks way, retried with backoff, parked, replayed, never doubled for a receiver
that de-duplicates, and an endpoint that keeps failing disabled with its owners told."""

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from standardwebhooks import Webhook, WebhookVerificationError

from campaigns.models import Role
from entries import tasks
from entries.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from entries.services.runtime import answer_submit, entry_start
from entries.webhooks import outbox
from entries.webhooks.endpoints import (
    webhook_endpoint_create,
    webhook_endpoint_enable,
    webhook_secret_rotate,
)
from entries.webhooks.events import EVENT_NAMES
from tests.entries.email_documents import follow_up_quiz
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.WEBHOOK_TIMEOUT = 0.5


@pytest.fixture
def quiz(publish):
    return publish(follow_up_quiz())


@pytest.fixture
def endpoint(quiz, receiver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return webhook_endpoint_create(workspace=quiz.workspace, url=receiver.url,
                                       events=list(EVENT_NAMES))


def complete(campaign, drink="coffee"):
    entry = entry_start(campaign=campaign, source={"utm_source": "newsletter"})
    assert answer_submit(entry=entry, step_key="about",
                         raw={"name": ["Ada"], "email": ["ada@example.com"]}).ok
    assert answer_submit(entry=entry, step_key="taste", raw={"drink": [drink]}).ok
    return entry


def verified(endpoint, request) -> dict:
    return Webhook(endpoint.secret).verify(request.body, request.headers)


def test_an_entry_s_events_arrive_signed_in_order_with_stable_keys_and_the_version(
        quiz, endpoint, receiver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        entry = complete(quiz)
    received = receiver.wait_for(4)
    bodies = [verified(endpoint, request) for request in received]
    assert [(b["type"], b["sequence"]) for b in bodies] == [
        ("entry.started", 1), ("entry.step_answered", 2), ("entry.completed", 3),
        ("entry.outcome_reached", 4)]
    completed = bodies[2]["data"]["entry"]
    assert completed["id"] == entry.pk
    assert completed["version"] == 1
    assert completed["campaign"]["slug"] == quiz.slug
    assert completed["status"] == "completed"
    assert completed["answers"]["drink"] == {"question": "Coffee or tea?",
                                             "kind": "single_choice", "value": "coffee",
                                             "text": "Coffee"}
    assert completed["answers"]["name"]["value"] == "Ada"
    assert completed["outcome"]["key"] == "coffee-lover"
    assert completed["source"] == {"utm_source": "newsletter"}
    assert bodies[1]["data"]["entry"]["step"] == {"key": "about", "position": 1, "of": 2,
                                                  "answers": ["email", "name", "news"]}
    rows = WebhookDelivery.objects.filter(entry=entry).order_by("sequence")
    assert [r.message_id for r in rows] == [r.headers["webhook-id"] for r in received]
    for row in rows:
        assert row.status == DeliveryStatus.DELIVERED
        assert row.attempts == 1
        assert row.last_status_code == 200
        assert row.last_response.startswith("answer 200")
    assert received[0].headers["user-agent"].startswith("Stepcraft")


def test_a_wrong_secret_does_not_verify(quiz, endpoint, receiver,
                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        entry_start(campaign=quiz, source={})
    request = receiver.wait_for(1)[0]
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "A" * 43 + "=").verify(request.body, request.headers)


def test_a_rolled_back_change_leaves_no_delivery_and_sends_nothing(quiz, endpoint, receiver):
    def start_then_fail():
        with transaction.atomic():
            entry_start(campaign=quiz, source={})
            assert WebhookDelivery.objects.count() == 1
            raise RuntimeError

    with pytest.raises(RuntimeError):
        start_then_fail()
    assert not WebhookDelivery.objects.exists()
    assert receiver.requests == []


def _submit_queries(client, campaign) -> int:
    response = client.post(f"/c/{campaign.slug}/")
    url = response.headers["Location"]
    with CaptureQueriesContext(connection) as queries:
        assert client.post(url, {"step": "about", "name": "Ada", "email": "a@example.com"}
                           ).status_code == 303
    return len(queries)


def test_a_workspace_without_endpoints_pays_no_query_for_webhooks(
        client, quiz, publish, receiver, django_capture_on_commit_callbacks):
    _submit_queries(client, quiz)  # warms the version and subscription caches
    without = _submit_queries(client, quiz)
    other = publish(follow_up_quiz())  # another workspace subscribes: no change here
    with django_capture_on_commit_callbacks(execute=True):
        webhook_endpoint_create(workspace=other.workspace, url=receiver.url,
                                events=["entry.step_answered"])
    assert _submit_queries(client, quiz) == without
    with django_capture_on_commit_callbacks(execute=True):
        webhook_endpoint_create(workspace=quiz.workspace, url=receiver.url,
                                events=["entry.step_answered"])
    _submit_queries(client, quiz)  # the subscription is read once
    # A transaction, the sequence, the delivery row (and the send task's own queries in
    # eager mode: the test runs it inside the request).
    assert _submit_queries(client, quiz) > without
    assert WebhookDelivery.objects.filter(event="entry.step_answered").count() == 2


def _advance(delivery, **changes):
    """As if time passed: the row's retry is due (and its day of retries began long ago)."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1), **changes)


def test_a_failing_receiver_is_retried_with_backoff_then_delivered_once(
        quiz, endpoint, receiver, django_capture_on_commit_callbacks):
    receiver.script = [500, "hang", "close", "redirect", 200]
    with django_capture_on_commit_callbacks(execute=True):
        entry_start(campaign=quiz, source={})
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.last_status_code == 500
    assert delivery.last_response.startswith("answer 500")
    wait = (delivery.next_attempt_at - delivery.last_attempt_at).total_seconds()
    assert 12 <= wait <= 18  # 15 s ± 20 %
    expected = ["No answer within 0.5 s", "Could not connect",
                "Redirects are not followed (to /elsewhere)"]
    for attempt, excerpt in enumerate(expected, start=2):
        _advance(delivery)
        assert outbox.webhooks_sweep() == [delivery.pk]
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.RETRYING
        assert delivery.attempts == attempt
        assert delivery.last_response.startswith(excerpt), delivery.last_response
        wait = (delivery.next_attempt_at - delivery.last_attempt_at).total_seconds()
        assert 15 * 2 ** (attempt - 1) * 0.8 <= wait <= 15 * 2 ** (attempt - 1) * 1.2
    assert outbox.webhooks_sweep() == []  # not due yet
    _advance(delivery)
    outbox.webhooks_sweep()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 5
    assert len(receiver.requests) == 5
    assert {r.headers["webhook-id"] for r in receiver.requests} == {delivery.message_id}
    assert len(receiver.seen) == 1
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0
    assert endpoint.last_success_at


def test_after_a_day_of_failures_a_delivery_is_parked_and_a_replay_sends_it_again(
        quiz, endpoint, receiver, django_capture_on_commit_callbacks):
    receiver.script = [503, 200]
    with django_capture_on_commit_callbacks(execute=True):
        entry_start(campaign=quiz, source={})
    delivery = WebhookDelivery.objects.get()
    _advance(delivery, retrying_since=timezone.now() - outbox.RETRY_FOR)
    receiver.script = [503]
    outbox.webhooks_sweep()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PARKED
    assert delivery.attempts == 2
    assert outbox.webhooks_sweep() == []  # parked: left alone
    receiver.script = [200]
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.webhook_deliveries_replay(deliveries=[delivery]) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert receiver.wait_for(1)[0].headers["webhook-id"] == delivery.message_id


def test_a_worker_that_died_mid_send_leaves_a_claim_the_sweeper_takes_over(
        quiz, endpoint, receiver):
    entry_start(campaign=quiz, source={})  # its task was never run (no commit hook here)
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING, attempts=1,
        claimed_at=timezone.now() - outbox.claim_timeout() - timedelta(seconds=1))
    assert outbox.webhooks_sweep() == [delivery.pk]
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 2


def test_a_task_lost_with_the_broker_is_sent_by_the_sweeper_later(quiz, endpoint, receiver):
    entry_start(campaign=quiz, source={})
    delivery = WebhookDelivery.objects.get()
    assert outbox.webhooks_sweep() == []  # its own task may still come
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - outbox.SWEEP_AFTER - timedelta(seconds=1))
    assert outbox.webhooks_sweep() == [delivery.pk]
    assert receiver.wait_for(1)[0].headers["webhook-id"] == delivery.message_id


def test_at_most_the_cap_of_deliveries_are_in_flight_per_endpoint(
        settings, quiz, endpoint, receiver):
    settings.WEBHOOK_MAX_IN_FLIGHT = 1
    entry_start(campaign=quiz, source={})
    entry_start(campaign=quiz, source={})
    first, second = WebhookDelivery.objects.order_by("pk")
    WebhookDelivery.objects.filter(pk=first.pk).update(status=DeliveryStatus.SENDING,
                                                       claimed_at=timezone.now())
    assert outbox.webhook_send(delivery_id=second.pk) == outbox.BUSY
    assert receiver.requests == []
    WebhookDelivery.objects.filter(pk=first.pk).update(status=DeliveryStatus.DELIVERED)
    assert outbox.webhook_send(delivery_id=second.pk).status == DeliveryStatus.DELIVERED
    assert outbox.webhook_send(delivery_id=second.pk) is None  # done: a second task does nothing


def test_an_endpoint_failing_for_a_day_is_disabled_and_its_owners_emailed(
        quiz, endpoint, receiver, django_capture_on_commit_callbacks):
    owner = quiz.workspace.memberships.get(role=Role.OWNER).user
    MembershipFactory(workspace=quiz.workspace, role=Role.EDITOR)
    receiver.script = [500]
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        consecutive_failures=outbox.DISABLE_AFTER_FAILURES - 1,
        failing_since=timezone.now() - outbox.DISABLE_AFTER)
    with django_capture_on_commit_callbacks(execute=True):
        entry_start(campaign=quiz, source={})
    endpoint.refresh_from_db()
    assert not endpoint.active
    assert endpoint.owners_notified_at
    assert endpoint.disabled_reason.startswith(
        f"Disabled automatically: {outbox.DISABLE_AFTER_FAILURES} failed attempts in a row")
    assert "answer 500" in endpoint.disabled_reason
    [message] = mail.outbox
    assert message.to == [owner.email]
    assert "was disabled" in message.subject
    assert endpoint.url in message.body
    assert f"/app/integrations/endpoints/{endpoint.pk}/" in message.body
    # Nothing new is queued while disabled; what waits is sent once it is enabled again.
    entry_start(campaign=quiz, source={})
    waiting = WebhookDelivery.objects.get()
    _advance(waiting)
    assert outbox.webhooks_sweep() == []
    assert len(mail.outbox) == 1
    receiver.script = [200]
    with django_capture_on_commit_callbacks(execute=True):
        webhook_endpoint_enable(endpoint=endpoint)
    assert outbox.webhooks_sweep() == [waiting.pk]
    waiting.refresh_from_db()
    assert waiting.status == DeliveryStatus.DELIVERED


def test_after_a_rotation_both_secrets_verify_until_the_grace_ends(
        quiz, endpoint, receiver, django_capture_on_commit_callbacks):
    old = endpoint.secret
    webhook_secret_rotate(endpoint=endpoint)
    with django_capture_on_commit_callbacks(execute=True):
        entry_start(campaign=quiz, source={})
    request = receiver.wait_for(1)[0]
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    assert Webhook(old).verify(request.body, request.headers)
    assert Webhook(endpoint.secret).verify(request.body, request.headers)


def test_an_address_that_turned_private_is_refused_at_send_time(
        settings, quiz, endpoint, receiver, django_capture_on_commit_callbacks):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    with django_capture_on_commit_callbacks(execute=True):
        entry_start(campaign=quiz, source={})
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING
    assert receiver.requests == []
    assert delivery.last_response.startswith("Refused: Use an https:// URL")


def test_a_test_event_is_sent_once_whatever_the_subscription(
        quiz, receiver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        endpoint = webhook_endpoint_create(workspace=quiz.workspace, url=receiver.url,
                                           events=["entry.completed"])
        delivery = outbox.webhook_test_send(endpoint=endpoint, event="winner.claimed")
    body = verified(endpoint, receiver.wait_for(1)[0])
    assert body["type"] == "winner.claimed"
    assert body["data"]["winner"]["status"] == "claimed"
    delivery.refresh_from_db()
    assert delivery.is_test
    assert delivery.status == DeliveryStatus.DELIVERED


def test_logs_name_ids_never_the_url_the_secret_or_the_body(
        caplog, quiz, endpoint, receiver, django_capture_on_commit_callbacks):
    receiver.script = [500]
    with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
        complete(quiz)
    logged = caplog.text
    assert "webhook delivery" in logged
    for secret in (endpoint.secret, endpoint.secret[6:], receiver.url, "ada@example.com",
                   "Coffee"):
        assert secret not in logged


def test_owners_are_emailed_at_a_later_sweep_when_the_mail_server_was_away(
        quiz, endpoint, settings):
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        active=False, disabled_reason="Disabled automatically: …", owners_notified_at=None)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    assert outbox.owners_notify(endpoint_id=endpoint.pk) is False
    endpoint.refresh_from_db()
    assert endpoint.owners_notified_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    outbox.webhooks_sweep()
    endpoint.refresh_from_db()
    assert endpoint.owners_notified_at is not None
    assert len(mail.outbox) == 1


def test_old_deliveries_are_forgotten_but_an_entry_s_sequence_goes_on(quiz, endpoint):
    entry = complete(quiz)  # four events; their tasks never ran (no commit hook here)
    long_ago = timezone.now() - outbox.KEEP_DELIVERED - timedelta(days=1)
    WebhookDelivery.objects.update(status=DeliveryStatus.DELIVERED, delivered_at=long_ago)
    test = outbox.webhook_test_send(endpoint=endpoint, event="entry.started")
    WebhookDelivery.objects.filter(pk=test.pk).update(status=DeliveryStatus.DELIVERED,
                                                      delivered_at=long_ago)
    assert tasks.webhooks_purge_delivered() == 4  # three of the entry's, and the test
    assert list(WebhookDelivery.objects.values_list("sequence", flat=True)) == [4]
    entry.refresh_from_db()
    [moved] = outbox.entry_event("entry.reinstated", entry)
    assert moved.sequence == 5
