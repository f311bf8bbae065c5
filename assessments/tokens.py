"""Personal respondent links: ``/respond/<token>/``.

The token is derived, not stored: ``urlsafe_b64(HMAC-SHA256(SECRET_KEY, "respond:" + salt))`` (256 bits).
The database keeps only the random salt and the SHA-256 of the token, so a copy of the database without the
secret key does not give anyone a working link, while reminders and the "My assessments" page can always
work out the same link again from the salt. Changing SECRET_KEY therefore invalidates every link sent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from django.conf import settings

TOKEN_PURPOSE = "respond:"  # noqa: S105 (a salt label, not a secret)
SALT_BYTES = 16


def new_salt() -> str:
    """Return a fresh random salt: 32 hexadecimal characters (128 bits)."""
    return secrets.token_hex(SALT_BYTES)


def token_for_salt(salt: str) -> str:
    """Return the link token for ``salt``: 43 URL-safe characters encoding a 256-bit HMAC."""
    digest = hmac.new(settings.SECRET_KEY.encode(), (TOKEN_PURPOSE + salt).encode(), hashlib.sha256).digest()
    # Padding ("=") is dropped: the length is fixed, and "=" does not belong in a path segment.
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def hash_token(token: str) -> str:
    """Return the SHA-256 hex digest of ``token``, as stored in ``Invitation.token_hash``."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(invitation) -> str:
    """Give ``invitation`` a new salt and token hash (not saved) and return its token."""
    invitation.token_salt = new_salt()
    token = token_for_salt(invitation.token_salt)
    invitation.token_hash = hash_token(token)
    return token


def token_for(invitation) -> str:
    """Return the token of an existing invitation, worked out again from its salt."""
    return token_for_salt(invitation.token_salt)
