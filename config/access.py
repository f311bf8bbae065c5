"""The views' one-line gate: ``@permission_required_or_403("app.rule", fn=loader)``.

Signed out: to the sign-in page. Signed in without the rule: 403. The rule is asked with the object the loader
returns (a round, a partnership), as ``user.has_perm(rule, obj)``; the rules themselves live in each app's
``rules.py``. A loader keeps what it loaded on the request, so the view gets the same object without a second
query.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

M = TypeVar("M", bound=Model)
Loader = Callable[..., Model]


def loader(queryset: Callable[[], QuerySet[M]], kwarg: str = "pk") -> Callable[..., M]:
    """Return a function (request, **url kwargs) -> the object named by the URL's ``kwarg`` (404 if none),
    loaded once per request."""

    def load(request: HttpRequest, *args: Any, **kwargs: Any) -> M:
        loaded: dict = request.__dict__.setdefault("_phc_loaded", {})
        key = (id(load), kwargs[kwarg])
        if key not in loaded:
            loaded[key] = get_object_or_404(queryset(), pk=kwargs[kwarg])
        return loaded[key]

    return load


def permission_required_or_403(perm: str, fn: Loader | None = None, *, post: str | None = None) -> Callable:
    """Gate a view on the rule ``perm``, asked of the object ``fn`` loads (or of no object); a POST asks the
    rule ``post`` instead when given (a page some may read and fewer may change)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def gated(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            try:
                obj = fn(request, *args, **kwargs) if fn is not None else None
            except Http404:
                # Not found, said only to those the rule could let in: others cannot tell what exists.
                if request.user.has_perm(perm, None):
                    raise
                raise PermissionDenied from None
            rule = post if post is not None and request.method == "POST" else perm
            if not request.user.has_perm(rule, obj):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        gated.permission_required = (perm, post)  # type: ignore[attr-defined]  # read by the access matrix test
        return gated

    return decorator
