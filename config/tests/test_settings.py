"""Settings that production depends on: the shared cache, and the deploy checks that guard them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from config.checks import check_production_settings

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def _settings_value(expression: str, **env: str) -> str:
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings.base'\n"
        f"from django.conf import settings; print({expression})"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_URL", "SITE_URL"))}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**clean, "DJANGO_DEBUG": "true", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_counters_live_in_redis_when_redis_url_is_set_else_in_the_database():
    backend = "settings.CACHES['default']['BACKEND']"
    assert _settings_value(backend, REDIS_URL="redis://127.0.0.1:6379/0") == "django_redis.cache.RedisCache"
    assert _settings_value(backend) == "django.core.cache.backends.db.DatabaseCache"
    assert (
        _settings_value("settings.AXES_CACHE, settings.AXES_HANDLER") == "default axes.handlers.cache.AxesCacheHandler"
    )


def test_deploy_check_refuses_a_cache_each_process_keeps_to_itself(settings):
    settings.DEBUG = False
    settings.SITE_URL = "https://partnerships.example.gov.uk"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert check_production_settings() == []
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [e.id for e in check_production_settings()] == ["phc.E003"]
