import os

from celery import Celery
from celery.signals import task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("stepcraft")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _reuse_db_connections(sender: Celery, **kwargs) -> None:
    # Celery's Django fixup reads this un-namespaced key; without it every task reconnects.
    from django.conf import settings

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
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()
