"""Settings for Partnership Health Check.

One base file; production differs only by environment variables (see README.md).
"""

from __future__ import annotations

import datetime
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from config.db import database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)

_DEV_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production-0123456789"  # noqa: S105 (used only when DJANGO_DEBUG is true)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false. Generate one with: "
            'python -c "from django.core.management.utils import get_random_secret_key as k; print(k())"'
        )
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# The site's public address: links in emails are built from it, never from the Host header of whoever clicked
# "send" (a check refuses to deploy without it).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000" if DEBUG else "").rstrip("/")

# How many reverse proxies (nginx, a load balancer) stand in front of gunicorn and append to X-Forwarded-For.
# 0: the client is REMOTE_ADDR and X-Forwarded-For is ignored (anyone can write it).
PHC_TRUSTED_PROXIES = env.int("PHC_TRUSTED_PROXIES", default=0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_forms_gds",
    "django_filters",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "config",
    "outbox",
    # Loads each app's rules.py: who may do what, written once (see partnerships/rules.py).
    "rules.apps.AutodiscoverRulesConfig",
    "partnerships",
    "assessments",
    "results",
    "reports",
    "notifications",
]

# The admin's history pages may not revert a row: a revert would assign protected states and anonymity.
SIMPLE_HISTORY_REVERT_DISABLED = True

MIDDLEWARE = [
    "config.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lock-out raised during sign-in into the 429 page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out client or account is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    # Object rules (django-rules, each app's rules.py) answer user.has_perm(name, obj).
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"

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
                "config.context_processors.navigation",
            ],
            "libraries": {"govuk": "config.govuk_tags"},
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {"default": env.db_url_config(database_url(BASE_DIR))}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache shared by every worker process and machine: charts, results and every throttle's counters.
# Redis when REDIS_URL is set (atomic counters, no database write per request), else the database cache
# (its table is created by a migration, so `migrate` is all a fresh install needs).
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "TIMEOUT": 60 * 60 * 24 * 7,
            "KEY_PREFIX": "phc",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
            "TIMEOUT": 60 * 60 * 24 * 7,
        }
    }

# Background jobs (emails, charts): Django's task API, stored in the same PostgreSQL and run by
# `python manage.py db_worker` (as many processes or machines as needed; `make run` starts one).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# Seconds to wait before each retry of an email the mail server refused for now (4xx, timeout); then "failed".
PHC_EMAIL_RETRY_DELAYS = [int(d) for d in env.list("PHC_EMAIL_RETRY_DELAYS", default=["30", "120", "600", "1800"])]
# An email claimed by a worker this long ago without an outcome was interrupted: "not known", resent by hand only.
PHC_EMAIL_UNKNOWN_AFTER_MINUTES = env.int("PHC_EMAIL_UNKNOWN_AFTER_MINUTES", default=15)

# Sign-in throttling (django-axes): per account and per client address, counted in the shared cache, and
# cleared by itself after the cool-off. The admin's sign-in goes through the same backend.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_CACHE = "default"
AXES_FAILURE_LIMIT = env.int("PHC_SIGNIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("PHC_SIGNIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.views.signin_paused"
AXES_CLIENT_IP_CALLABLE = "config.clients.client_ip"
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG else "config.storage.StaticFilesStorage"
        )
    },
}

EMAIL_CONFIG = env.email_url("DJANGO_EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# A mail server that stops answering fails the attempt (retried later) instead of holding a worker forever.
EMAIL_TIMEOUT = env.int("DJANGO_EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="Partnership Health Check <noreply@example.org>")

# Forms follow the GOV.UK Design System (crispy-forms-gds); templates/gds/ holds our few overrides of its pack.
CRISPY_ALLOWED_TEMPLATE_PACKS = ("gds",)
CRISPY_TEMPLATE_PACK = "gds"
CRISPY_FAIL_SILENTLY = False

# Upload limits: a CSV of invitations is small; anything bigger is refused with a message. A request whose
# body is larger than PHC_MAX_REQUEST_BYTES is refused (413) before Django reads or parses it; the web
# server in front should set the same limit (nginx: client_max_body_size, see README.md).
PHC_MAX_REQUEST_BYTES = env.int("PHC_MAX_REQUEST_BYTES", default=2_621_440)
DATA_UPLOAD_MAX_MEMORY_SIZE = PHC_MAX_REQUEST_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = PHC_MAX_REQUEST_BYTES
MAX_CSV_UPLOAD_BYTES = env.int("PHC_MAX_CSV_UPLOAD_BYTES", default=1_048_576)

# Product rules that a council may tune (SPEC section 3, anonymity decisions).
PHC_MIN_GROUP_SIZE = env.int("PHC_MIN_GROUP_SIZE", default=3)
PHC_MIN_RESPONSES = env.int("PHC_MIN_RESPONSES", default=3)
# The shortest time between two rounds of reminders to a round's respondents (one link may always be resent).
PHC_REMINDER_INTERVAL_HOURS = env.int("PHC_REMINDER_INTERVAL_HOURS", default=24)
PHC_REVIEW_DUE_SOON_DAYS = 60
# Significant partnerships (partnerships.significance): the council's own contribution in £ a year, and the
# highest open residual risk score (likelihood x impact, 1 to 25), at or above which a partnership is significant.
PHC_SIGNIFICANT_CONTRIBUTION = env.int("PHC_SIGNIFICANT_CONTRIBUTION", default=100_000)
PHC_SIGNIFICANT_RISK_SCORE = env.int("PHC_SIGNIFICANT_RISK_SCORE", default=15)
# PDF reports are cached by the HTML they are made from (see reports.pdf.render_pdf); off for cold benchmarks.
PHC_PDF_CACHE = env.bool("PHC_PDF_CACHE", default=True)
# The portfolio PDF holds every partnership's principle-by-partnership row up to this many partnerships; above it
# (a region), the partnerships needing urgent attention, and the register's download holds the whole table. The
# whole table costs about 10 ms and 0.2 MB per row to lay out: 500 rows stay within 20 s and 500 MB.
PHC_PORTFOLIO_TABLE_MAX = env.int("PHC_PORTFOLIO_TABLE_MAX", default=500)
# Above this many partnerships (as filtered), the register workbook is prepared by a task worker, not in the request.
PHC_REGISTER_WORKBOOK_IN_REQUEST_MAX = env.int("PHC_REGISTER_WORKBOOK_IN_REQUEST_MAX", default=500)
# Reports prepared by a task worker (the portfolio PDF): kept this many days, then deleted (the data moves on).
PHC_PREPARED_REPORT_DAYS = env.int("PHC_PREPARED_REPORT_DAYS", default=7)
# A report a worker took this long ago without finishing it was interrupted (killed, out of memory): it shows as
# failed and may be asked for again. Longer than the slowest report takes.
PHC_REPORT_STALLED_MINUTES = env.int("PHC_REPORT_STALLED_MINUTES", default=15)

# Respondent links: failed look-ups (unknown links) a client may make in a minute before it gets 429. Only
# failures count, so a flood of junk links never slows a real respondent from another address.
PHC_RESPOND_FAILURES_PER_MINUTE = env.int("PHC_RESPOND_FAILURES_PER_MINUTE", default=30)
# Password resets asked for, per address typed and per client, in an hour.
PHC_PASSWORD_RESETS_PER_HOUR = env.int("PHC_PASSWORD_RESETS_PER_HOUR", default=5)

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# A strict Content Security Policy: no script but our own files. Inline <style> stays allowed because the
# charts are inline SVG drawn by matplotlib, which styles its own elements.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every handler masks respondents' personal links: a 404 or CSRF warning logs the full path.
    "filters": {"mask_personal_links": {"()": "config.log_filters.MaskPersonalLinks"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_personal_links"]}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="WARNING")},
    "loggers": {"pgserver": {"level": "WARNING"}},
}

# WhiteNoise compresses what collectstatic copies; fonts and images are compressed already.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    "jpg",
    "jpeg",
    "png",
    "gif",
    "webp",
    "zip",
    "gz",
    "tgz",
    "bz2",
    "tbz",
    "xz",
    "br",
    "woff",
    "woff2",
    "ttf",
    "otf",
    "pdf",
]
