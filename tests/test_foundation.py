"""The foundation: settings, database switch, roles, sign-in redirect, health check, error pages."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import DatabaseError, connection
from django.test import Client

from config.roles import ROLES

BASE_DIR = Path(__file__).resolve().parent.parent


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=clean, capture_output=True, text=True, timeout=120
    )


def test_database_is_postgresql():
    assert connection.vendor == "postgresql"


def test_secret_key_required_when_not_debug():
    result = run_python(
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings.base'; django.setup()",
        DJANGO_DEBUG="false",
        DATABASE_URL="postgres://nobody@127.0.0.1:1/none",
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false" in result.stderr


def test_database_url_is_used_when_set():
    result = run_python(
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings.base'\n"
        "from django.conf import settings; d=settings.DATABASES['default']; print(d['ENGINE'], d['NAME'], d['HOST'])",
        DJANGO_DEBUG="true",
        DATABASE_URL="postgres://someone:pw@db.internal:5433/phc",
    )
    assert result.returncode == 0, result.stderr
    assert "postgresql phc db.internal" in result.stdout


def _check_deploy(**variables: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SITE_URL", "REDIS_URL"))},
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "k9$Lr2@vQz!pW7^mX4&nB8*cT1#yH6%jF3(dG5)sA0_eU-iO+lK=" + "Zq",
            "DJANGO_ALLOWED_HOSTS": "partnerships.example-council.gov.uk",
            **variables,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_clean_with_production_variables():
    result = _check_deploy(
        SITE_URL="https://partnerships.example-council.gov.uk",
        DJANGO_EMAIL_URL="smtp+tls://phc:secret@mail.example-council.gov.uk:587",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_refuses_printed_emails_and_a_missing_site_url():
    result = _check_deploy()
    assert result.returncode != 0
    assert "phc.E001" in result.stderr + result.stdout
    assert "phc.E002" in result.stderr + result.stdout


@pytest.mark.django_db
def test_roles_exist():
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)


@pytest.mark.django_db
def test_signed_out_visitor_is_sent_to_sign_in_and_back(django_user_model):
    client = Client()
    response = client.get("/admin/")
    assert response.status_code == 302
    django_user_model.objects.create_user("pat", password="a-long-password-1")
    response = client.post("/accounts/login/", {"username": "pat", "password": "a-long-password-1", "next": "/help/"})
    assert response.status_code == 302
    assert response["Location"] == "/help/"


@pytest.mark.django_db
def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_healthz_says_only_unavailable_and_logs_the_reason(client, monkeypatch, caplog):
    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused by db.internal.example")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
    assert "db.internal.example" not in response.content.decode()
    assert "db.internal.example" in caplog.text


@pytest.mark.django_db
def test_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


@pytest.mark.django_db
def test_home_explains_and_sends_roles_to_their_work(client, django_user_model):
    response = client.get("/")
    assert b"Partnership Health Check" in response.content
    assert b"Sign in" in response.content
    user = django_user_model.objects.create_user("fac", password="a-long-password-1")
    user.groups.add(Group.objects.get(name="Facilitator"))
    client.force_login(user)
    response = client.get("/")
    assert b"Run a health check" in response.content
    assert b"Keep the register" not in response.content


@pytest.mark.django_db
def test_password_reset_sends_email(client, django_user_model, mailoutbox):
    django_user_model.objects.create_user("pat", email="pat@example.org", password="a-long-password-1")
    response = client.post("/accounts/password_reset/", {"email": "pat@example.org"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/reset/" in mailoutbox[0].body


@pytest.mark.django_db(transaction=True)  # the deferred checks run at COMMIT, for both runs
def test_seed_demo_is_idempotent(django_user_model):
    from django.core.management import call_command

    call_command("seed_demo", stdout=open(os.devnull, "w"))
    counts = {m.__name__: m.objects.count() for m in _all_models()}
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert counts == {m.__name__: m.objects.count() for m in _all_models()}
    assert "0 demo partnerships added, 30 already there" in out.getvalue()
    assert django_user_model.objects.filter(username="facilitator", groups__name="Facilitator").exists()


def _all_models():
    from django.apps import apps

    return [m for m in apps.get_models() if m._meta.app_label in {"auth", "partnerships", "assessments", "reports"}]


@pytest.mark.django_db
def test_content_security_policy_allows_only_our_scripts(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_navigation_marks_only_the_current_section(client, django_user_model):
    user = django_user_model.objects.create_user("man", password="a-long-password-1")
    user.groups.add(Group.objects.get(name="Manager"))
    client.force_login(user)
    page = client.get("/partnerships/reviews/").content.decode()
    assert 'href="/partnerships/reviews/" aria-current="page"' in page
    assert 'href="/partnerships/" aria-current="page"' not in page


@pytest.mark.django_db
def test_page_titles_separate_the_page_from_the_product(client):
    page = client.get("/help/").content.decode()
    assert "<title>How it works – Partnership Health Check</title>" in page


@pytest.mark.django_db
def test_default_error_handlers_render_the_sites_pages(client, django_user_model, rf):
    from django.views.defaults import server_error

    client.force_login(django_user_model.objects.create_user("nobody-here", password="a-long-password-1"))
    refused = client.get("/rounds/")
    assert refused.status_code == 403 and b"You do not have access to this page" in refused.content
    assert b"Sorry, something went wrong" in server_error(rf.get("/")).content
