"""Stepcraft settings, read from the environment (see `.env.example` for each variable).

With no environment at all this is the embedded default that `make run` serves: SQLite in WAL mode,
Celery tasks run eagerly in-process, emails written to files under `var/mail/`.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(str(BASE_DIR / ".env"))

# --- Core -----------------------------------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key" if DEBUG else environ.Env.NOTSET)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The public URL every link that leaves the request is built from (config/site.py). Unset, it is
# where `make run` serves: the HOST it passes (127.0.0.1:8000 unless told otherwise).
SITE_URL = env("SITE_URL", default=f"http://{env('HOST', default='127.0.0.1:8000')}").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "django_htmx",
    "import_export",
    "builder",
    "campaigns",
    "entries",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.FrameAncestorsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "builder.context_processors.workspace",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------

DATABASES = {
    "default": env.db(
        "DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'stepcraft.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN so two
    # writers queue on `timeout` instead of failing with "database is locked" on lock upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Lets the runtime's server-binding cursor (entries/services/entry_store.py) prepare its two
    # hot statements after 5 runs; Django's own client-binding cursors never prepare. Behind
    # PgBouncer in transaction mode this needs PgBouncer >= 1.21 (max_prepared_statements).
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
# Reconnecting (and re-running the PRAGMAs) costs ~1 ms a request: keep connections open.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# A `SELECT 1` before each request's (and task's) first query on a kept connection, so that one
# the database dropped (a restart, a failover) is replaced instead of failing the request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------------

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# --- Accounts (django-allauth) --------------------------------------------------------------------

AUTH_USER_MODEL = "builder.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env(
    "ACCOUNT_EMAIL_VERIFICATION", default="optional" if DEBUG else "mandatory"
)
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "/accounts/login/"
ACCOUNT_ADAPTER = "builder.accounts.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Stepcraft] "
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/app/"

# --- Email ----------------------------------------------------------------------------------------

DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Stepcraft <hello@stepcraft.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if "EMAIL_URL" in env:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# A `sending` claim older than this belongs to a dead worker and may be taken over; keep it well
# above EMAIL_TIMEOUT so a slow but live send is never doubled.
EMAIL_CLAIM_TIMEOUT = env.int("EMAIL_CLAIM_TIMEOUT", default=300)

# --- Celery ---------------------------------------------------------------------------------------

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
# No broker means the embedded default: tasks run in-process at once, errors surface to the caller.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A task lost with its worker comes back after this; the outbox sweeper covers emails sooner.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", 3600),
    # Sending a task from a request fails fast when the broker is down (config/celery.py): one
    # connection attempt, bounded even when the broker's host does not answer at all.
    "max_retries": 0,
    "socket_connect_timeout": env.float("CELERY_BROKER_CONNECT_TIMEOUT", 1.0),
}
# Keep each worker's database connection for this many tasks instead of reconnecting per task.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=200)
# Lets several deployments (or test runs) share one broker without taking each other's tasks.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="celery")
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {"task": "builder.tasks.sessions_clear_expired", "schedule": 3600.0},
    # The outbox sweeper: emails still queued a minute after commit, claims of dead workers.
    "emails-sweep": {"task": "entries.tasks.emails_sweep", "schedule": 30.0},
    "emails-reminders": {"task": "entries.tasks.emails_queue_reminders", "schedule": 120.0},
    "contests-draw-due": {"task": "entries.tasks.contests_draw_due", "schedule": 300.0},
    "winners-expire": {"task": "entries.tasks.winners_expire", "schedule": 900.0},
    "purge-expired-exports": {"task": "entries.tasks.exports_purge_expired", "schedule": 3600.0},
    "retention-purge": {"task": "entries.tasks.retention_purge", "schedule": 6 * 3600.0},
}

# --- Public runtime -------------------------------------------------------------------------------

# Behind a proxy that sets X-Forwarded-For, trust it for per-IP rate limits and fraud signals.
RUNTIME_TRUST_X_FORWARDED_FOR = env.bool("RUNTIME_TRUST_X_FORWARDED_FOR", default=False)

# --- Static and media files -----------------------------------------------------------------------

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Files visitors upload with their answers: private, outside MEDIA_ROOT and any URL. Marketers get
# them only through the builder's signed-in download (see entries/services/uploaded_files.py).
UPLOADS_ROOT = env("UPLOADS_ROOT", default=str(VAR_DIR / "uploads"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "uploads": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": UPLOADS_ROOT}},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("STATIC_MANIFEST", default=not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Serve straight from the finders when there is no collectstatic output (development, tests).
WHITENOISE_USE_FINDERS = not env.bool("STATIC_MANIFEST", default=not DEBUG)

# --- Security -------------------------------------------------------------------------------------

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"

# --- Internationalisation -------------------------------------------------------------------------

# Django 6's default, now: a URL typed without a scheme is read as https.
FORMS_URLFIELD_ASSUME_HTTPS = True
# Visitors and email recipients read the built-in runtime text in these languages (catalogues in
# locale/); the builder stays English. No LocaleMiddleware: the runtime picks each entry's language.
LANGUAGE_CODE = "en"
# The languages a campaign can be written in and the runtime speaks (names in English).
LANGUAGES = [
    ("en", "English"),
    ("es", "Spanish"),
    ("ru", "Russian"),
    ("be", "Belarusian"),
    ("de", "German"),
    ("fr", "French"),
    ("ar", "Arabic"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Logging --------------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
