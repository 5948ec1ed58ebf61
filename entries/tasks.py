"""Celery jobs about entries: ids in, one service call each."""

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from entries.mail import outbox, reminders
from entries.models import EmailStatus, Export
from entries.services import exports, retention
from entries.services.draws import draws_run_due
from entries.services.winners import winners_forfeit_expired
from entries.webhooks import outbox as webhooks_outbox


# A database that dropped the worker's connection fails one try; the retry, a second or so
# later, runs on a fresh connection (config/celery.py checks connections before each task).
@shared_task(bind=True, acks_late=True, ignore_result=True,
             autoretry_for=(InterfaceError, OperationalError), retry_backoff=1,
             retry_backoff_max=30, max_retries=8)
def email_send(self, email_id: int) -> None:
    email = outbox.email_send(email_id=email_id)
    if email is not None and email.status == EmailStatus.QUEUED:
        # A transient failure: the row waits until available_at (exponential backoff).
        delay = max((email.available_at - timezone.now()).total_seconds(), 0)
        raise self.retry(countdown=delay, max_retries=None)


@shared_task(acks_late=True, ignore_result=True)
def emails_sweep() -> int:
    return len(outbox.outbox_sweep())


@shared_task(bind=True, acks_late=True, ignore_result=True,
             autoretry_for=(InterfaceError, OperationalError), retry_backoff=1,
             retry_backoff_max=30, max_retries=8)
def webhook_send(self, delivery_id: int) -> None:
    sent = webhooks_outbox.webhook_send(delivery_id=delivery_id)
    if sent == webhooks_outbox.BUSY and not self.request.is_eager:
        # The endpoint has its fill of deliveries in flight: this one tries again in a second.
        # (Retries after a failure are the sweeper's, at the time the row says: backoff.)
        raise self.retry(countdown=1, max_retries=None)


@shared_task(acks_late=True, ignore_result=True)
def webhooks_sweep() -> int:
    return len(webhooks_outbox.webhooks_sweep())


@shared_task(ignore_result=True)
def webhooks_purge_delivered() -> int:
    return webhooks_outbox.webhook_deliveries_purge()


@shared_task(acks_late=True, ignore_result=True)
def emails_queue_reminders() -> int:
    return len(reminders.reminders_queue())


@shared_task(acks_late=True)
def export_run(export_id: int) -> None:
    export = Export.objects.select_related("campaign").filter(pk=export_id).first()
    if export is not None:
        exports.export_run(export=export)


@shared_task
def exports_purge_expired() -> int:
    return exports.exports_purge_expired()


@shared_task
def retention_purge() -> dict:
    return retention.retention_purge_all()


@shared_task(acks_late=True)
def contests_draw_due() -> int:
    """Draw each ended contest that has auto_draw, once (the draw is unique per campaign)."""
    return len(draws_run_due())


@shared_task(acks_late=True)
def winners_expire() -> int:
    """Forfeit prizes not claimed by their deadline; each passes to the next alternate."""
    return len(winners_forfeit_expired())
