"""Middleware of the project's own."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template import loader


class RequestSizeLimitMiddleware:
    """Refuse (413) a request whose declared body is larger than ``PHC_MAX_REQUEST_BYTES``.

    It runs first and looks only at the Content-Length header, so an oversized upload is refused before
    anything reads or parses it. A body sent without a length (chunked) is still bounded by Django's
    DATA_UPLOAD_MAX_MEMORY_SIZE and by the web server's own limit (see README.md).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.PHC_MAX_REQUEST_BYTES
        if length > limit:
            body = loader.get_template("413.html").render({"limit_mb": f"{limit / 1_048_576:.1f}"})
            response = HttpResponse(body, status=413)
            # The unread body cannot be left on a kept-alive connection.
            response["Connection"] = "close"
            return response
        return self.get_response(request)
