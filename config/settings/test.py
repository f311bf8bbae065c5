"""Test settings: the base settings on a throw-away embedded PostgreSQL unless DATABASE_URL is set."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import psycopg2

from config.db import embedded_database_url


def _without_durability(url: str) -> None:
    """Let the embedded test server skip flushing to disk: its data is thrown away (or only test data), and a
    flush of every table after each transactional test, or seeding the demo, is then several times faster."""
    connection = psycopg2.connect(url)
    connection.autocommit = True  # ALTER SYSTEM cannot run in a transaction
    with connection.cursor() as cursor:
        for setting in ("fsync = off", "synchronous_commit = off", "full_page_writes = off"):
            cursor.execute(f"ALTER SYSTEM SET {setting}")
        cursor.execute("SELECT pg_reload_conf()")
    connection.close()


os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-only-for-the-test-suite-" + "x" * 40)
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# Playwright's sync API runs an event loop in the test thread; the ORM calls in tests are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

if not os.environ.get("DATABASE_URL", "").strip() and os.environ.get("PHC_TEST_KEEP_DB"):
    # The developer's inner loop (make test-fast, with --reuse-db): one embedded server that outlives the run,
    # so the test databases are kept between runs.
    _keep = Path(__file__).resolve().parent.parent.parent / "var" / "test-pgdata-kept"
    os.environ["DATABASE_URL"] = embedded_database_url(_keep, cleanup_mode=None)
    _without_durability(os.environ["DATABASE_URL"])
elif not os.environ.get("DATABASE_URL", "").strip():
    _var = Path(__file__).resolve().parent.parent.parent / "var"
    _var.mkdir(exist_ok=True)
    # A separate throw-away data directory per run; pgserver deletes it when the run ends.
    _pgdata = Path(tempfile.mkdtemp(prefix="test-pgdata-", dir=_var))
    _pgdata.rmdir()
    os.environ["DATABASE_URL"] = embedded_database_url(_pgdata, cleanup_mode="delete")
    _without_durability(os.environ["DATABASE_URL"])

from config.settings.base import *  # noqa: E402,F401,F403
from config.settings.base import STORAGES  # noqa: E402

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Tasks run at once, in the same process, so a test that sends invitations sees the emails straight away.
# Tests of the queue itself (tests/test_outbox*.py) switch to the database backend and run a worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PHC_EMAIL_RETRY_DELAYS = [0, 0]
SITE_URL = "http://testserver"
