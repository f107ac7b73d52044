"""Settings, read from the environment only (see README.md, "Configuration").

Deployment facts come from the environment; policy that administrators change at run time
(guest tickets, upload rules, ...) lives in the database as runtime settings.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from helpline.lib import config

BASE_DIR = Path(__file__).resolve().parent
TESTING = "pytest" in sys.modules or os.environ.get("HELPLINE_TESTING") == "1"

# Tests get a throwaway data dir unless they name one, so they never touch ./var.
_default_data_dir = tempfile.mkdtemp(prefix="helpline-test-") if TESTING else "./var"
DATA_DIR = config.data_dir(os.environ.get("HELPLINE_DATA_DIR") or _default_data_dir)
DEBUG = config.env_bool("HELPLINE_DEBUG", False)
SECRET_KEY = config.secret_key(config.env_str("HELPLINE_SECRET_KEY"), DATA_DIR)
BASE_URL = config.base_url(os.environ.get("HELPLINE_BASE_URL", "http://127.0.0.1:8000"))
REDIS_URL = config.redis_url(os.environ.get("REDIS_URL", ""))

_base_host = urlsplit(BASE_URL).hostname or "127.0.0.1"
ALLOWED_HOSTS = config.env_list(
    "HELPLINE_ALLOWED_HOSTS", sorted({_base_host, "127.0.0.1", "localhost", "[::1]", "testserver"})
)
CSRF_TRUSTED_ORIGINS = [f"{urlsplit(BASE_URL).scheme}://{urlsplit(BASE_URL).netloc}"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    "ninja",  # serves the API docs' assets from static files, never from a CDN
    # Bootstrap 5 and HTMX, installed from PyPI (pinned in the lock files), served as static files.
    "js_lib_bootstrap5",
    "js_lib_htmx",
    "helpline.core",
    "helpline.projects",
    "helpline.tickets",
    "helpline.search",
    "helpline.mail",
    "helpline.ops",
]

MIDDLEWARE = [
    "helpline.ops.middleware.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "helpline.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "helpline.urls"
WSGI_APPLICATION = "helpline.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "helpline.core.context_processors.site",
                "helpline.core.context_processors.nav",
            ],
        },
    },
]

DATABASES = {"default": config.database(os.environ.get("DATABASE_URL", ""), DATA_DIR)}
# A PostgreSQL read replica for searches (see helpline/lib/dbrouter.py); writes stay on default.
if config.env_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = config.replica_database(
        config.env_str("DATABASE_REPLICA_URL"), DATABASES["default"]
    )
DATABASE_ROUTERS = ["helpline.lib.dbrouter.PrimaryRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Language of the full-text index (PostgreSQL text search configuration; on SQLite
# "english" adds the Porter stemmer). Changing it needs `helpline search reindex`.
SEARCH_LANGUAGE = config.search_language(os.environ.get("HELPLINE_SEARCH_LANGUAGE", "english"))
# A query matching more tickets than this ranks the newest this many of them (the rest follow,
# newest first): ranking every one of 380,000 matches of a common word took seconds.
SEARCH_RANK_WINDOW = config.env_int("HELPLINE_SEARCH_RANK_WINDOW", 10_000, minimum=100)
# The ticket list page counts its tickets (and a search its matches) up to this many past
# the page shown, then says "more than": counting all of a million took 215 ms.
LIST_COUNT_LIMIT = config.env_int("HELPLINE_LIST_COUNT_LIMIT", 10_000, minimum=100)
# The longest a process keeps a reference list (states, groups, agents...) that pages offer;
# saves and deletes drop them at once (``helpline.lib.refcache``), bulk writes within this.
REFCACHE_SECONDS = config.env_int("HELPLINE_REFCACHE_SECONDS", 60, minimum=0)

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["helpline.core.auth.LoginOrEmailBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "helpline.core.hashers.BCryptPasswordHasher",  # imported Flicket hashes
]
if TESTING:
    # Tests create many users; the production hashers stay the ones users get.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
# Logins are unique case-insensitively (a functional unique constraint Django cannot see).
SILENCED_SYSTEM_CHECKS = ["auth.W004"]

if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }

HUEY = {
    "name": os.environ.get("HELPLINE_QUEUE_NAME", "helpline"),
    "immediate": False,
    "results": False,
    "utc": True,
    "consumer": {
        "workers": 2,
        "worker_type": "thread",
        "periodic": True,
        "check_worker_health": True,
    },
}
if REDIS_URL:
    HUEY.update({"huey_class": "huey.RedisHuey", "url": REDIS_URL})
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(DATA_DIR / "jobs.sqlite3")})

_smtp = config.smtp(config.env_str("HELPLINE_SMTP_URL"))
if _smtp is not None:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _smtp.host
    EMAIL_PORT = _smtp.port
    EMAIL_HOST_USER = _smtp.user
    EMAIL_HOST_PASSWORD = _smtp.password
    EMAIL_USE_TLS = _smtp.use_tls
    EMAIL_USE_SSL = _smtp.use_ssl
    EMAIL_TIMEOUT = 20
else:
    # No SMTP server configured: every message is kept as a file in the outbox, never lost.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "outbox")
DEFAULT_FROM_EMAIL = os.environ.get("HELPLINE_FROM_EMAIL", f"helpline@{_base_host}")

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "uploads"
MEDIA_URL = "/media/"
# Static files (our own and the installed Bootstrap/HTMX packages) are served by WhiteNoise.
# In production `helpline serve` collects them into STATIC_ROOT as hashed, compressed copies
# (cached for a year: a name changes with the content); tests and debug mode serve them
# straight from the packages.
_collected_static = not (DEBUG or TESTING)
STORAGES = {
    # Attachments: MEDIA_ROOT unless HELPLINE_STORAGE_URL names an S3-compatible bucket.
    "default": config.storage(config.env_str("HELPLINE_STORAGE_URL")),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if _collected_static
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not _collected_static
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = BASE_URL.startswith("https://")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024

# Native API: requests per minute per access token (else per client address); 0 = no limit.
# Off under pytest unless a test sets it, so the suite's many calls from one address pass.
API_RATE_LIMIT = config.env_int("HELPLINE_API_RATE_LIMIT", 0 if TESTING else 600, minimum=0)

# `helpline bench run` sets this for the server it starts: it adds the hello-world floor
# view /bench/floor/. Off (no such URL) everywhere else.
BENCH_FLOOR = os.environ.get("HELPLINE_BENCH_FLOOR") == "1"

LOG_LEVEL = os.environ.get("HELPLINE_LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
    raise config.ConfigError(f"HELPLINE_LOG_LEVEL={LOG_LEVEL!r}: use DEBUG, INFO, WARNING or ERROR")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}, "huey": {"level": "INFO"}},
}
