"""Settings for bench/runtime.py only: the project's own settings plus one baseline URL.

Everything else (database, cache, security) still comes from the environment the benchmark sets.
"""

from config.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
