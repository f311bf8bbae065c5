"""Project-level pages: home, help, health check and the rate-limit page."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from config.roles import user_roles


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"roles": user_roles(request.user)})


def help_page(request: HttpRequest) -> HttpResponse:
    return render(request, "help.html")


def healthz(request: HttpRequest) -> JsonResponse:
    """200 with ``{"status": "ok", "database": "ok"}`` when the database answers, else 503 with the reason."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        return JsonResponse({"status": "error", "database": "unavailable", "reason": reason}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def ratelimited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "429.html", status=429)
