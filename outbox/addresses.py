"""Email addresses checked with the rules the sender uses, so a bad one is refused where it is typed."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail.message import sanitize_address
from django.core.validators import validate_email


def validate_deliverable_email(value: str) -> None:
    """Raise ValidationError unless ``value`` is an address Django's validator accepts *and* the mail code
    can put in a header (the domain must encode to IDNA: ``user@ex\\ue000ample.org`` passes the first and fails
    the second, which used to surface only when the message was sent)."""
    validate_email(value)
    try:
        sanitize_address(value, settings.DEFAULT_CHARSET)
    except (ValueError, UnicodeError) as exc:
        raise ValidationError(
            "“%(value)s” cannot be used: its domain is not a valid internet name.",
            code="invalid",
            params={"value": value},
        ) from exc
