"""Queueing, claiming and recording emails. Nothing here talks to the mail server inside a web request:
``emails_queue`` only writes rows and enqueues tasks, in the caller's transaction."""

from __future__ import annotations

import datetime
import logging
import smtplib
import socket
import uuid
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from outbox.models import EmailStatus, OutboundEmail, Purpose

logger = logging.getLogger(__name__)


# A copy sent by hand has the original's key plus this and a number.
AGAIN = ":again"


class ResendRefused(Exception):
    """The email was sent, or is still waiting or being sent: sending it again could send it twice."""


# --- Queueing (in the web request) ------------------------------------------------------------------------


def emails_queue(round_, purpose: Purpose, invitations: Sequence, *, again: str = "") -> list[OutboundEmail]:
    """Record one email for each invitation and enqueue its sending; return the new rows.

    Runs in the caller's transaction, and the task queue is in the same database: either the rows and their
    tasks are both saved, or neither is. The key names the person and the purpose (a reminder its number), so
    the same email can never be queued twice. ``again`` marks a copy asked for on purpose (a person's link sent
    again by the facilitator), which gets its own key.
    """
    rows = [
        OutboundEmail(
            key=_key(purpose, invitation) + (f":{again}" if again else ""),
            purpose=purpose,
            to=invitation.email,
            round=round_,
            invitation=invitation,
        )
        for invitation in invitations
    ]
    if not rows:
        return []
    created = OutboundEmail.objects.bulk_create(rows)
    from outbox.tasks import emails_enqueue  # noqa: PLC0415 (tasks import this module)

    # One small task enqueues one task per email: the request writes two rows, whatever the round's size.
    emails_enqueue.enqueue([row.pk for row in created])
    return created


def _key(purpose: Purpose, invitation) -> str:
    if purpose == Purpose.REMINDER:
        # Each reminder is its own purpose: the second reminder is not the first one sent again.
        return f"{purpose}:{invitation.pk}:{invitation.reminder_count}"
    return f"{purpose}:{invitation.pk}"


def password_reset_queue(email: str) -> None:
    """Enqueue a password reset for whoever has the address ``email``.

    The web request does the same work whether or not an account has that address (one insert), so the
    answer takes the same time either way; the worker looks the address up.
    """
    from outbox.tasks import password_reset_send  # noqa: PLC0415 (tasks import this module)

    password_reset_send.enqueue(email, uuid.uuid4().hex)


@transaction.atomic
def password_reset_emails_create(email: str, request_id: str) -> list[OutboundEmail]:
    """Record one password-reset email for each active account with ``email`` (usually one); return them."""
    users = PasswordResetForm().get_users(email)
    rows = []
    for user in users:
        row, _ = OutboundEmail.objects.get_or_create(
            key=f"{Purpose.PASSWORD_RESET}:{user.pk}:{request_id}",
            defaults={"purpose": Purpose.PASSWORD_RESET, "to": email, "user": user},
        )
        rows.append(row)
    return rows


@transaction.atomic
def notification_queue(
    *, key: str, purpose: Purpose, to: str, subject: str, body: str, user_id: int | None = None, invitation=None
) -> OutboundEmail | None:
    """Record one notification with its text and enqueue its sending; return it, or None when the ``key`` was
    already used (this person was told this, for this period, before).

    The key makes it at most once even when two processes queue it at the same moment: the second insert waits
    for the first one's transaction and then finds the row (``get_or_create`` retries the read).
    """
    email, created = OutboundEmail.objects.get_or_create(
        key=key,
        defaults={
            "purpose": purpose,
            "to": to,
            "user_id": user_id,
            "invitation": invitation,
            "subject": " ".join(subject.split())[:200],
            "body": body,
        },
    )
    if not created:
        return None
    from outbox.tasks import email_send  # noqa: PLC0415 (tasks import this module)

    email_send.enqueue(email.pk)
    return email


@transaction.atomic
def email_resend(email: OutboundEmail) -> OutboundEmail:
    """Queue a new copy of an email that failed or whose fate is not known; refuse any other."""
    email = OutboundEmail.objects.select_for_update().get(pk=email.pk)
    if email.status not in (EmailStatus.FAILED, EmailStatus.UNKNOWN) and not is_stale(email, timezone.now()):
        raise ResendRefused("This email was sent or is still on its way; it is not sent again.")
    if email.status == EmailStatus.SENDING:
        email.status = EmailStatus.UNKNOWN
        email.save(update_fields=["status"])
    if OutboundEmail.objects.filter(key__startswith=email.key + AGAIN).exists():
        raise ResendRefused("This email has already been sent again.")
    copy = OutboundEmail.objects.create(
        key=email.key + AGAIN,
        purpose=email.purpose,
        subject=email.subject,
        body=email.body,
        to=email.invitation.email if email.invitation is not None else email.to,
        round=email.round,
        invitation=email.invitation,
        user=email.user,
    )
    from outbox.tasks import email_send  # noqa: PLC0415 (tasks import this module)

    email_send.enqueue(copy.pk)
    return copy


def is_stale(email: OutboundEmail, now: datetime.datetime) -> bool:
    """Return True when ``email`` was claimed by a worker so long ago that the worker must have stopped."""
    limit = datetime.timedelta(minutes=settings.PHC_EMAIL_UNKNOWN_AFTER_MINUTES)
    return email.status == EmailStatus.SENDING and email.claimed_at is not None and email.claimed_at < now - limit


# --- Sending (in a worker) --------------------------------------------------------------------------------


def _claim(email_id: int) -> OutboundEmail | None:
    """Mark the email as being sent, in its own committed transaction; None when it is not waiting."""
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(of=("self",))
            .select_related("round__partnership", "round__facilitator", "invitation", "user")
            .filter(pk=email_id)
            .first()
        )
        if email is None or email.status != EmailStatus.QUEUED:
            return None
        email.status = EmailStatus.SENDING
        email.attempts += 1
        email.claimed_at = timezone.now()
        email.save(update_fields=["status", "attempts", "claimed_at"])
    return email


def _record(email: OutboundEmail, status: EmailStatus, error: str = "") -> None:
    email.status = status
    email.error = error[:2000]
    email.finished_at = timezone.now() if status != EmailStatus.QUEUED else None
    email.save(update_fields=["status", "error", "finished_at"])


def _site() -> tuple[str, str]:
    parts = urlsplit(settings.SITE_URL)
    return parts.scheme or "https", parts.netloc


# How each purpose's message is written, registered by the app that owns it (assessments: invitations and
# reminders, in its AppConfig.ready), so this app never imports the apps that use it.
MessageBuilder = Callable[[OutboundEmail], EmailMessage]
MESSAGE_BUILDERS: dict[str, MessageBuilder] = {}


def message_builder_register(purpose: str, builder: MessageBuilder) -> None:
    """Write the emails of ``purpose`` with ``builder`` (called in the worker, at send time)."""
    MESSAGE_BUILDERS[purpose] = builder


def build_message(email: OutboundEmail) -> EmailMessage:
    """Return the message for ``email``, rendered now (its personal link is never stored)."""
    builder = MESSAGE_BUILDERS.get(email.purpose)
    if builder is not None:
        return builder(email)
    if email.body:
        return EmailMessage(
            subject=email.subject, body=email.body, from_email=settings.DEFAULT_FROM_EMAIL, to=[email.to]
        )
    return _password_reset_message(email)


def _password_reset_message(email: OutboundEmail) -> EmailMessage:
    user = email.user
    if user is None:
        raise ValueError(f"email {email.pk} has no account to reset")
    protocol, domain = _site()
    context = {
        "email": email.to,
        "domain": domain,
        "site_name": "Partnership Health Check",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": protocol,
    }
    subject = " ".join(render_to_string("registration/password_reset_subject.txt", context).split())
    body = render_to_string("registration/password_reset_email.html", context)
    return EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[email.to])


def _is_temporary(exc: BaseException) -> bool:
    """True for errors worth trying again later: the server busy (4xx), unreachable or too slow."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError | socket.timeout | OSError)


def email_deliver(email_id: int) -> EmailStatus | None:
    """Claim, send and record one email; return its status afterwards (None when it was not waiting).

    Temporary failures go back to the queue with the next of PHC_EMAIL_RETRY_DELAYS; when they run out,
    or the server refuses for good (5xx, bad address), the email is "failed" with the reason. Anything else
    (a bug, a crash) leaves "not known": the message may have gone, so it is never retried by itself.
    """
    email = _claim(email_id)
    if email is None:
        return None
    try:
        message = build_message(email)
        with get_connection() as connection:
            connection.send_messages([message])
    except (ValueError, UnicodeError) as exc:
        _record(email, EmailStatus.FAILED, f"The address cannot be used: {exc}")
    except OSError as exc:  # smtplib's errors, refused connections and timeouts
        _after_failure(email, exc)
    except Exception as exc:
        logger.exception("email %s: outcome not known", email.pk)
        _record(email, EmailStatus.UNKNOWN, f"{exc.__class__.__name__}: {exc}")
    else:
        _record(email, EmailStatus.SENT)
    return EmailStatus(email.status)


def _after_failure(email: OutboundEmail, exc: BaseException) -> None:
    reason = f"{exc.__class__.__name__}: {exc}"
    delays = settings.PHC_EMAIL_RETRY_DELAYS
    if _is_temporary(exc) and email.attempts <= len(delays):
        _record(email, EmailStatus.QUEUED, reason)
        from outbox.tasks import email_send  # noqa: PLC0415 (tasks import this module)

        delay = delays[email.attempts - 1]
        if delay:
            email_send.using(run_after=timezone.now() + datetime.timedelta(seconds=delay)).enqueue(email.pk)
        else:
            email_send.enqueue(email.pk)
    else:
        _record(email, EmailStatus.FAILED, reason)
