"""Background jobs for email: each email is its own task (run by `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from outbox import services


@task()
def emails_enqueue(email_ids: list[int]) -> int:
    """Enqueue one ``email_send`` task for each email; return how many."""
    for email_id in email_ids:
        email_send.enqueue(email_id)
    return len(email_ids)


@task()
def email_send(email_id: int) -> str | None:
    """Send one email unless it was already claimed; return its status afterwards."""
    status = services.email_deliver(email_id)
    return str(status) if status else None


@task()
def password_reset_send(email: str, request_id: str) -> int:
    """Send a password-reset link to each active account with ``email``; return how many were queued."""
    rows = services.password_reset_emails_create(email, request_id)
    for row in rows:
        email_send.enqueue(row.pk)
    return len(rows)
