"""The README's production recipe, followed step by step with production variables: migrate, collectstatic,
check --deploy, gunicorn; then a page and its static files are fetched over HTTP."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url_for(name: str) -> str:
    """The suite's DATABASE_URL pointed at the test database pytest-django created."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _get(url: str) -> tuple[int, bytes]:
    # Behind the README's web server, which terminates HTTPS and says so.
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310 (loopback only)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback only)
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.fixture
def production_env(django_db_setup, django_db_blocker, tmp_path) -> dict[str, str]:
    from django.db import connection

    with django_db_blocker.unblock():
        name = connection.settings_dict["NAME"]
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PHC_", "SITE_URL", "REDIS_URL"))}
    return {
        **clean,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "k9$Lr2@vQz!pW7^mX4&nB8*cT1#yH6%jF3(dG5)sA0_eU-iO+lK=" + "Zq",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_CSRF_TRUSTED_ORIGINS": "https://127.0.0.1",
        "SITE_URL": "https://127.0.0.1",
        "DJANGO_EMAIL_URL": "smtp+tls://phc:secret@mail.example-council.gov.uk:587",
        "DATABASE_URL": _database_url_for(name),
        "DJANGO_STATIC_ROOT": str(tmp_path / "staticfiles"),
    }


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=180
    )


@pytest.mark.django_db
def test_the_readme_production_recipe_serves_the_site(production_env, tmp_path):
    env = production_env
    for step in (["migrate", "--no-input"], ["collectstatic", "--no-input"]):
        result = _manage(env, *step)
        assert result.returncode == 0, f"{step}: {result.stdout}{result.stderr}"
    manifest = json.loads((tmp_path / "staticfiles" / "staticfiles.json").read_text())
    assert manifest["paths"], "collectstatic wrote no manifest"
    result = _manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr

    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 150  # two workers importing Django on a loaded machine
        status = 0
        while time.monotonic() < deadline and status != 200:
            time.sleep(0.3)
            try:
                status, body = _get(f"{base}/healthz")
            except OSError:
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
        assert status == 200 and json.loads(body) == {"status": "ok"}

        status, page = _get(f"{base}/accounts/login/")
        assert status == 200, page[:2000]
        static_urls = set(re.findall(r'(?:href|src)="(/static/[^"]+)"', page.decode()))
        assert any(u.endswith(".css") for u in static_urls), static_urls
        for url in static_urls:
            # Hashed names from the manifest, served by WhiteNoise.
            assert re.search(r"\.[0-9a-f]{12}\.", url), url
            status, _ = _get(base + url)
            assert status == 200, url
    finally:
        server.terminate()
        server.wait(timeout=20)
