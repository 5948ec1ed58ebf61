"""A real `celery worker` process on the real broker, consuming from the test database.

Runs when CELERY_BROKER_URL is set (CI's second run, against PostgreSQL and Redis); skipped in
the embedded default, where there is no broker to talk to.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/integration/" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.postgresql":
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


@pytest.fixture(scope="session")
def _worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    """One worker for the session, on its own queue."""
    if not settings.CELERY_BROKER_URL:
        if os.environ.get("STEPCRAFT_REQUIRE_INTEGRATION"):
            pytest.fail("STEPCRAFT_REQUIRE_INTEGRATION is set but CELERY_BROKER_URL is not")
        pytest.skip("no CELERY_BROKER_URL: the integration suite runs in CI against Redis")
    queue = f"stepcraft-test-{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        database_url = _database_url()
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "SECRET_KEY": "integration-test",
        "DATABASE_URL": database_url,
        "CELERY_QUEUE": queue,
        "EMAIL_FILE_PATH": str(tmp_path_factory.mktemp("mail")),
        # Files the worker writes (exports) must be where the test process reads them.
        "MEDIA_ROOT": settings.MEDIA_ROOT,
        "UPLOADS_ROOT": settings.UPLOADS_ROOT,
    }
    env.pop("EMAIL_URL", None)
    with open(log, "w") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-Q", queue,
             "--loglevel", "INFO"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while "ready." not in log.read_text():
        if worker.poll() is not None or time.monotonic() > deadline:
            worker.kill()
            pytest.fail(f"the Celery worker did not start:\n{log.read_text()}")
        time.sleep(0.2)

    yield {"process": worker, "queue": queue, "log": log, "mail_dir": env["EMAIL_FILE_PATH"]}
    worker.terminate()
    worker.wait(timeout=30)


@pytest.fixture
def celery_worker(_worker_process):
    """The worker, with this test's tasks sent to its queue through the broker (and every other
    test's still run eagerly, whatever the order)."""
    before = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = _worker_process["queue"]
    yield _worker_process
    celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = before


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {predicate.__doc__ or predicate}")
