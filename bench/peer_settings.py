"""Settings for bench/peer_formtools.py: bench/settings.py plus the django-formtools peer app
(bench/peer/), served by the same gunicorn as the runtime. Sessions are Django's default,
the database backend."""

from bench.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "formtools", "bench.peer"]  # noqa: F405
ROOT_URLCONF = "bench.peer_urls"
