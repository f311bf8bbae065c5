"""The notification emails' text, from plain-text templates in ``templates/notifications/emails/``.

Every email says why it was sent and links to what it is about, with absolute addresses built from
``SITE_URL`` (never from a request's Host header); those a person may turn off also link to "Your
notifications".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse


@dataclass(frozen=True)
class Written:
    subject: str
    body: str


def absolute(path: str) -> str:
    """Return the site's full address of ``path`` (``SITE_URL`` + path)."""
    return f"{settings.SITE_URL}{path}"


def write(purpose: str, context: Mapping[str, object]) -> Written:
    """Return the subject (one line) and body of the ``purpose`` email for ``context``."""
    full = {"settings_url": absolute(reverse("notifications:settings")), "site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"notifications/emails/{purpose}_subject.txt", full)
    body = render_to_string(f"notifications/emails/{purpose}_body.txt", full)
    return Written(subject=" ".join(subject.split()), body=body.strip() + "\n")
