import logging
import os
import time

from celery import Celery
from celery.contrib.django.task import DjangoTask
from celery.signals import task_prerun
from django.conf import settings
from django.db import connections, transaction
from kombu.exceptions import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

logger = logging.getLogger(__name__)


class Task(DjangoTask):
    """Tasks sent on commit fail fast when the broker is down.

    The request that sent one has committed and must not wait on the broker or fail for it: a
    publish that cannot reach the broker costs one connection attempt (no retries; the
    transport's `max_retries` is 0 and its connect timeout short) and one warning line, and for
    BROKER_RETRY_AFTER seconds this process's publishes skip the broker altogether. What the
    task would have done is recorded in the database for its sweeper (the email outbox's rows
    are swept by beat) or a person (an export stays pending) to pick up.
    """

    BROKER_RETRY_AFTER = 5.0
    _broker_down_until = 0.0  # monotonic time; shared by every task of the process

    def delay_on_commit(self, *args, **kwargs) -> None:
        self.apply_async_on_commit(args, kwargs)

    def apply_async_on_commit(self, args=(), kwargs=None, **options) -> None:
        transaction.on_commit(lambda: self.apply_async_or_log(args, kwargs, **options))

    def apply_async_or_log(self, args=(), kwargs=None, **options) -> bool:
        """Send now, without retrying; False when the broker is out of reach."""
        if not self.app.conf.task_always_eager and time.monotonic() < Task._broker_down_until:
            return False
        try:
            self.apply_async(args, kwargs, retry=False, **options)
        except OperationalError as error:
            Task._broker_down_until = time.monotonic() + self.BROKER_RETRY_AFTER
            logger.warning("could not publish %s%r; the broker is unavailable (%s)", self.name,
                           tuple(args), error)
            return False
        return True

    def publish_each(self, row_ids: list[int]) -> None:
        """An outbox's publish, after its commit: one task per row, stopping at the first sign
        of the broker down (the sweeper sends the rest). Never raises: the request that wrote
        the rows has already succeeded. (Run eagerly, a task's own failure surfaces here; its
        row has recorded it.)"""
        for row_id in row_ids:
            try:
                if not self.apply_async_or_log((row_id,)):
                    return
            except Exception:
                logger.exception("%s(%s): the task failed", self.name, row_id)


app = Celery("stepcraft", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _reuse_db_connections(sender: Celery, **kwargs) -> None:
    # Celery's Django fixup reads this un-namespaced key; without it every task reconnects.
    sender.conf.CELERY_DB_REUSE_MAX = settings.CELERY_DB_REUSE_MAX


@task_prerun.connect
def _check_db_connections(task=None, **kwargs) -> None:
    """Before each task, as Django before each request: close a connection past CONN_MAX_AGE or
    broken by an error, and arm its CONN_HEALTH_CHECKS check.

    Celery's own check runs only every 2 × CELERY_DB_REUSE_MAX tasks, so after the database
    dropped the worker's connection every task until then failed on it.
    """
    if task is None or task.request.is_eager:
        return  # in the caller's process and transaction: its connection is the caller's
    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()
