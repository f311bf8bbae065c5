"""Deploy checks (``manage.py check --deploy``): settings that work in development but not for real."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

UNSHARED_CACHES = frozenset(
    {
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
        "django.core.cache.backends.filebased.FileBasedCache",
    }
)
UNSENT_EMAIL_BACKENDS = frozenset(
    {
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
        "django.core.mail.backends.filebased.EmailBackend",
    }
)


@checks.register(checks.Tags.security, deploy=True)
def check_production_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Return an error for each setting that would lose emails, build wrong links or split the throttles."""
    if settings.DEBUG:
        return []
    errors: list[checks.CheckMessage] = []
    if settings.EMAIL_BACKEND in UNSENT_EMAIL_BACKENDS:
        errors.append(
            checks.Error(
                f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: invitations and their personal links would be "
                "printed or kept in memory instead of sent.",
                hint="Set DJANGO_EMAIL_URL, e.g. smtp+tls://user:password@mail.example:587",
                id="phc.E001",
            )
        )
    site_url = getattr(settings, "SITE_URL", "")
    if not site_url.startswith(("https://", "http://")):
        errors.append(
            checks.Error(
                "SITE_URL is not set: the links in emails need the site's public address.",
                hint="Set SITE_URL, e.g. https://partnerships.example.gov.uk",
                id="phc.E002",
            )
        )
    for alias, cache in settings.CACHES.items():
        if cache["BACKEND"] in UNSHARED_CACHES:
            errors.append(
                checks.Error(
                    f"The cache {alias!r} ({cache['BACKEND']}) is not shared between worker processes: sign-in "
                    "and link throttles would count per process.",
                    hint="Leave CACHES as it is (database cache) or set REDIS_URL.",
                    id="phc.E003",
                )
            )
    return errors
