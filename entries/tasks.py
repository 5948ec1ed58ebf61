"""Celery jobs about entries: ids in, one service call each."""

from celery import shared_task
from django.utils import timezone

from entries.mail import outbox, reminders
from entries.models import EmailStatus, Export
from entries.services import exports, retention


@shared_task(bind=True, acks_late=True, ignore_result=True)
def email_send(self, email_id: int) -> None:
    email = outbox.email_send(email_id=email_id)
    if email is not None and email.status == EmailStatus.QUEUED:
        # A transient failure: the row waits until available_at (exponential backoff).
        delay = max((email.available_at - timezone.now()).total_seconds(), 0)
        raise self.retry(countdown=delay, max_retries=None)


@shared_task(acks_late=True, ignore_result=True)
def emails_sweep() -> int:
    return len(outbox.outbox_sweep())


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
