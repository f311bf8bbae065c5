"""What the facilitator sees of a round's emails: progress while they go, and who could not be reached."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from outbox.models import EmailStatus, OutboundEmail
from outbox.services import AGAIN, is_stale


@dataclass(frozen=True)
class EmailProblem:
    email_id: int
    name: str
    to: str
    purpose: str
    status: str
    reason: str


@dataclass(frozen=True)
class EmailProgress:
    sent: int = 0
    waiting: int = 0
    problems: list[EmailProblem] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.sent + self.waiting + len(self.problems)

    @property
    def in_progress(self) -> bool:
        return self.waiting > 0


def round_email_progress(round_) -> EmailProgress:
    """Return how many of the round's emails are sent, still on their way, and which failed (by person).

    An email claimed by a worker long ago without an outcome counts as "not known" (the worker stopped). A
    failed email that was sent again is settled by its copy, which is counted instead. Three queries,
    whatever the round's size.
    """
    emails = OutboundEmail.objects.of_round(round_)
    counts = dict(emails.values_list("status").annotate(n=Count("id")).order_by())
    copied = {key.rsplit(AGAIN, 1)[0] for key in emails.filter(key__contains=AGAIN).values_list("key", flat=True)}
    now = timezone.now()
    problems = []
    stale = 0
    rows = (
        emails.filter(status__in=[EmailStatus.FAILED, EmailStatus.UNKNOWN, EmailStatus.SENDING])
        .select_related("invitation")
        .order_by("invitation__name", "id")
    )
    for row in rows:
        if row.status == EmailStatus.SENDING:
            if not is_stale(row, now):
                continue
            stale += 1
        if row.key in copied:
            continue
        status = EmailStatus.UNKNOWN if row.status == EmailStatus.SENDING else EmailStatus(row.status)
        problems.append(
            EmailProblem(
                email_id=row.pk,
                name=row.invitation.name if row.invitation else row.to,
                to=row.to,
                purpose=row.get_purpose_display().lower(),
                status=status.label,
                reason=row.error,
            )
        )
    waiting = counts.get(EmailStatus.QUEUED, 0) + counts.get(EmailStatus.SENDING, 0) - stale
    return EmailProgress(sent=counts.get(EmailStatus.SENT, 0), waiting=waiting, problems=problems)
