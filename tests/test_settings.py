import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.base",
    "DEBUG": "false",
    "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b",
    "ALLOWED_HOSTS": "stepcraft.example.com",
    "DATABASE_URL": "sqlite:////tmp/stepcraft-deploy-check.sqlite3",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp+tls://user:secret@smtp.example.com:587",
}


def _manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    # Only what the command needs: none of the test run's own settings leak in.
    clean = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env},
                          capture_output=True, text=True, timeout=120, check=False)


def test_production_values_pass_the_deploy_check():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("uploads", ["/srv/stepcraft/media/uploads", "/srv/stepcraft/media",
                                     "/srv/stepcraft"])
def test_visitors_files_cannot_be_kept_where_media_is_served(uploads):
    env = {**PRODUCTION_ENV, "MEDIA_ROOT": "/srv/stepcraft/media", "UPLOADS_ROOT": uploads}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "entries.E001" in result.stderr
    assert "overlaps MEDIA_ROOT" in result.stderr
    assert _manage("check", env={**env, "UPLOADS_ROOT": "/srv/stepcraft/uploads"}) \
        .returncode == 0


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize(("broker", "eager"), [("", True), ("redis://127.0.0.1:6379/0", False)])
def test_no_broker_means_eager_tasks(broker, eager):
    code = "from django.conf import settings; print(settings.CELERY_TASK_ALWAYS_EAGER)"
    result = _manage("shell", "-v", "0", "-c", code,
                     env={"DEBUG": "true", "CELERY_BROKER_URL": broker,
                          "DJANGO_SETTINGS_MODULE": "config.settings.base"})
    assert result.stdout.strip() == str(eager), result.stderr


def test_sqlite_default_runs_in_wal_mode(tmp_path):
    code = ("from django.db import connection; c = connection.cursor(); "
            "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])")
    result = _manage("shell", "-v", "0", "-c", code,
                     env={"DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
                          "DJANGO_SETTINGS_MODULE": "config.settings.base"})
    assert result.stdout.strip() == "wal", result.stderr


@pytest.mark.parametrize(("env", "site_url"), [
    ({}, "http://127.0.0.1:8000"),
    ({"HOST": "127.0.0.1:8101"}, "http://127.0.0.1:8101"),  # what `make run` passes
    ({"HOST": "127.0.0.1:8101", "SITE_URL": "https://quiz.example.com/"},
     "https://quiz.example.com"),
])
def test_site_url_defaults_to_where_make_run_serves(env, site_url):
    code = "from django.conf import settings; print(settings.SITE_URL)"
    result = _manage("shell", "-v", "0", "-c", code,
                     env={"DEBUG": "true", "DJANGO_SETTINGS_MODULE": "config.settings.base", **env})
    assert result.stdout.strip() == site_url, result.stderr


def test_favicon_ico_answers_under_make_runs_debug_settings():
    # DEBUG adds URL patterns of its own; the favicon must answer there too.
    code = ("from django.test import Client; "
            "r = Client().get('/favicon.ico', HTTP_HOST='127.0.0.1'); "
            "print(r.status_code, r['Location'])")
    result = _manage("shell", "-v", "0", "-c", code,
                     env={"DEBUG": "true", "DJANGO_SETTINGS_MODULE": "config.settings.base"})
    assert result.stdout.split() == ["302", "/static/img/favicon.ico"], result.stderr[-2000:]
