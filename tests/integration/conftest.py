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
from django.db import connection, transaction

from config.celery import app as celery_app
from entries.services.runtime import answer_submit, entry_start
from tests.entries.email_documents import follow_up_quiz
from tests.smtp_sink import SinkServer

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


class Workers:
    """Starts `celery worker` processes on one private queue, sending mail to the sink."""

    def __init__(self, *, database_url: str, smtp_url: str, log_dir):
        self.queue = f"stepcraft-mail-{uuid.uuid4().hex[:8]}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "SECRET_KEY": "integration-test",
            "DATABASE_URL": database_url,
            "CELERY_QUEUE": self.queue,
            "EMAIL_URL": smtp_url,
            "EMAIL_TIMEOUT": "30",
            "SITE_URL": "https://quiz.example.com",
        }
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen] = []

    def start(self, **env: str) -> tuple[subprocess.Popen, object]:
        """A new worker process, with `env` added to its environment."""
        log = self.log_dir / f"worker-{len(self.processes)}.log"
        with open(log, "w") as out:
            worker = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
                 "--without-gossip", "--without-mingle", "--without-heartbeat", "-Q", self.queue,
                 "--loglevel", "INFO"],
                cwd=ROOT, env={**self.env, **env}, stdout=out, stderr=subprocess.STDOUT,
            )
        self.processes.append(worker)

        def ready():
            """the worker to be ready"""
            if worker.poll() is not None:
                pytest.fail(f"the worker exited:\n{log.read_text()}")
            return "ready." in log.read_text()

        wait_for(ready, timeout=60)
        return worker, log

    def stop(self) -> None:
        for worker in self.processes:
            if worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=30)


@pytest.fixture
def mail_setup(django_db_blocker, tmp_path):
    if not settings.CELERY_BROKER_URL:
        if os.environ.get("STEPCRAFT_REQUIRE_INTEGRATION"):
            pytest.fail("STEPCRAFT_REQUIRE_INTEGRATION is set but CELERY_BROKER_URL is not")
        pytest.skip("no CELERY_BROKER_URL: the integration suite runs in CI against Redis")
    with SinkServer() as server, django_db_blocker.unblock():
        workers = Workers(database_url=_database_url(), smtp_url=server.url, log_dir=tmp_path)
        before = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
        celery_app.conf.task_always_eager = False
        celery_app.conf.task_default_queue = workers.queue
        try:
            yield workers, server.sink
        finally:
            celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = before
            workers.stop()


@pytest.fixture
def quiz(publish):
    return publish(follow_up_quiz())


def complete(campaign, email: str) -> int:
    """Complete an entry in its own committed transaction, as a request would."""
    with transaction.atomic():
        entry = entry_start(campaign=campaign, source={})
        answer_submit(entry=entry, step_key="about",
                      raw={"name": ["Ada"], "email": [email], "news": ["yes"]})
        answer_submit(entry=entry, step_key="taste", raw={"drink": ["tea"]})
    return entry.pk


def drop_database_connections() -> int:
    """Terminate every other backend on the test database (the worker's, the web side's), as a
    database restart or failover does; returns how many there were."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        return cursor.fetchone()[0]
