"""Project-level pages: help, health check and the rate-limit page (the home page, which reads every app, is
reports.views.home)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render

from config.clients import client_ip
from config.throttle import Throttle

logger = logging.getLogger(__name__)


def help_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "help.html",
        {"min_responses": settings.PHC_MIN_RESPONSES, "min_group_size": settings.PHC_MIN_GROUP_SIZE},
    )


def healthz(request: HttpRequest) -> JsonResponse:
    """200 ``{"status": "ok"}`` when the database answers, else 503 ``{"status": "unavailable"}``.

    The reason goes to the log only: the page is public, and a driver's error names hosts and users.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("healthz: the database does not answer")
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def signin_paused(request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None) -> HttpResponse:
    """django-axes' lock-out: 429 with a page that says for how long, and that it clears by itself."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "429.html", {"signin_paused_minutes": minutes}, status=429)


def _password_reset_throttles() -> tuple[Throttle, Throttle]:
    limit = settings.PHC_PASSWORD_RESETS_PER_HOUR
    return Throttle("reset-address", limit, 3600), Throttle("reset-client", limit * 4, 3600)


class QueuedPasswordResetForm(PasswordResetForm):
    """Password reset whose email is sent by a worker: the request neither looks the address up nor waits
    for the mail server, so it answers in the same time whether or not an account has the address."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        from outbox.services import password_reset_queue  # noqa: PLC0415 (outbox's models need the app registry)

        password_reset_queue(self.cleaned_data["email"])


class PasswordResetView(auth_views.PasswordResetView):
    """Throttled per address typed and per client; the email goes through the queue."""

    form_class = QueuedPasswordResetForm

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        by_address, by_client = _password_reset_throttles()
        address, client = form.cleaned_data["email"], client_ip(self.request)
        if by_address.is_over(address) or by_client.is_over(client):
            return ratelimited(self.request)
        by_address.hit(address)
        by_client.hit(client)
        form.save()
        return HttpResponseRedirect(self.get_success_url())


def ratelimited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "429.html", status=429)
