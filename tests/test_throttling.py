"""Throttles behind a proxy: per client (X-Forwarded-For from trusted proxies only) and per account, counted
in the shared cache; sign-in (site and admin), respondent links and password reset."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse

from assessments.tests.factories import InvitationFactory, UserFactory
from config.clients import client_ip

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # nginx, as every request reaches gunicorn from it


def via_proxy(client_address: str) -> dict[str, str]:
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": client_address}


@pytest.fixture(autouse=True)
def behind_one_proxy(settings):
    settings.PHC_TRUSTED_PROXIES = 1
    settings.AXES_FAILURE_LIMIT = 3


def test_client_address_is_taken_from_trusted_proxies_only(settings):
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")
    # One proxy: the entry it appended; what the client wrote to the left proves nothing.
    assert client_ip(request) == "198.51.100.7"
    settings.PHC_TRUSTED_PROXIES = 0
    assert client_ip(request) == PROXY


def _sign_in(client, username: str, password: str, address: str, path: str = "/accounts/login/"):
    return client.post(path, {"username": username, "password": password}, **via_proxy(address))


def test_one_clients_failed_sign_ins_do_not_lock_out_another(client):
    UserFactory(username="pat", password="the-right-password-1")
    for _ in range(2):
        assert _sign_in(client, "someone", "wrong", "198.51.100.7").status_code == 200
    # The third failure (AXES_FAILURE_LIMIT) locks out.
    locked = _sign_in(client, "someone", "wrong", "198.51.100.7")
    assert locked.status_code == 429
    assert "signing in is paused for 15 minutes" in locked.content.decode()
    # Another client behind the same proxy signs in as usual.
    assert _sign_in(client, "pat", "the-right-password-1", "203.0.113.20").status_code == 302


def test_an_account_is_locked_whatever_the_address_and_the_lock_expires(client, settings):
    settings.AXES_COOLOFF_TIME = timedelta(seconds=3)
    UserFactory(username="pat", password="the-right-password-1")
    for n in range(3):
        _sign_in(client, "pat", "wrong", f"198.51.100.{n}")
    assert _sign_in(client, "pat", "the-right-password-1", "203.0.113.20").status_code == 429
    # The lock-out clears itself once the cool-off has passed.
    time.sleep(3.2)
    assert _sign_in(client, "pat", "the-right-password-1", "203.0.113.20").status_code == 302


def test_the_admin_sign_in_is_throttled_too(client):
    UserFactory(username="boss", password="the-right-password-1", is_staff=True, is_superuser=True)
    path = reverse("admin:login")
    for _ in range(2):
        assert _sign_in(client, "boss", "wrong", "198.51.100.7", path).status_code == 200
    assert _sign_in(client, "boss", "wrong", "198.51.100.7", path).status_code == 429
    assert _sign_in(client, "boss", "the-right-password-1", "198.51.100.7", path).status_code == 429


def test_junk_respondent_links_do_not_affect_a_real_respondent(client, settings):
    settings.PHC_RESPOND_FAILURES_PER_MINUTE = 5
    invitation = InvitationFactory()
    junk = [client.get(f"/respond/junk-link-number-{n:04d}/", **via_proxy("198.51.100.7")) for n in range(8)]
    assert [r.status_code for r in junk] == [404] * 5 + [429] * 3
    # The flood counted against its sender only: a respondent elsewhere, and even one at the same address
    # with a real link, is served.
    assert client.get(f"/respond/{invitation.token}/", **via_proxy("203.0.113.20")).status_code == 200
    assert client.get(f"/respond/{invitation.token}/", **via_proxy("198.51.100.7")).status_code == 200
    assert client.get("/respond/junk-link-from-elsewhere/", **via_proxy("203.0.113.20")).status_code == 404


def test_password_reset_is_throttled_per_address_and_per_client(client, settings, mailoutbox):
    settings.PHC_PASSWORD_RESETS_PER_HOUR = 2
    UserFactory(username="pat", email="pat@council.example")
    path = "/accounts/password_reset/"
    for _ in range(2):
        assert client.post(path, {"email": "pat@council.example"}, **via_proxy("198.51.100.7")).status_code == 302
    # The same address from another client: refused (per address).
    assert client.post(path, {"email": "pat@council.example"}, **via_proxy("203.0.113.20")).status_code == 429
    assert len(mailoutbox) == 2
    # One client trying many addresses: refused after four times the per-address limit (per client).
    codes = [
        client.post(path, {"email": f"other{n}@council.example"}, **via_proxy("203.0.113.20")).status_code
        for n in range(9)
    ]
    assert codes.count(429) >= 1 and codes[0] == 302
