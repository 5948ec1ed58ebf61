"""Test settings: the embedded default made fast. `DATABASE_URL` and `CELERY_BROKER_URL` still
apply, so CI's second run exercises PostgreSQL and Redis with the same suite."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-key")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("ACCOUNT_EMAIL_VERIFICATION", "optional")
os.environ.setdefault("ALLOWED_HOSTS", "*")
os.environ.setdefault("WEBHOOKS_ALLOW_PRIVATE", "true")  # the tests' receivers are on loopback

from .base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = str(VAR_DIR / "test-media")  # noqa: F405
UPLOADS_ROOT = str(VAR_DIR / "test-uploads")  # noqa: F405
STORAGES["uploads"]["OPTIONS"]["location"] = UPLOADS_ROOT  # noqa: F405
# Tests call tasks through the same code paths; only the integration suite talks to a worker.
CELERY_TASK_ALWAYS_EAGER = True
# The live server's request threads share the test database; a kept connection would outlive them.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
