"""The email tasks as Celery runs them, and the beat schedule that drives the sweeper."""

import pytest
from django.conf import settings
from django.core import mail

from config.celery import app
from entries import tasks
from entries.models import EmailStatus, OutboundEmail
from tests.entries.email_documents import follow_up_quiz
from tests.entries.test_outbox import complete

pytestmark = pytest.mark.django_db


def test_every_scheduled_task_exists():
    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"entries.tasks.emails_sweep", "entries.tasks.emails_queue_reminders"} <= scheduled


def test_the_send_task_is_late_acknowledged_and_sends(publish):
    assert tasks.email_send.acks_late
    entry = complete(publish(follow_up_quiz()))
    row = OutboundEmail.objects.get(entry=entry, trigger="completed")
    tasks.email_send.apply(args=[row.pk]).get()
    assert OutboundEmail.objects.get(pk=row.pk).status == EmailStatus.SENT
    assert len(mail.outbox) == 1
    tasks.email_send.apply(args=[row.pk]).get()  # a duplicate delivery of the task
    assert len(mail.outbox) == 1


def test_the_sweep_and_reminder_tasks_report_what_they_did(publish):
    complete(publish(follow_up_quiz()))
    assert tasks.emails_sweep.apply().get() == 0
    assert tasks.emails_queue_reminders.apply().get() == 0
