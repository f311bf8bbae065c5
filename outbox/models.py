"""Every email the site sends, one row per person and purpose, claimed before it is sent.

The row's unique ``key`` (e.g. ``invitation:42``) is what makes an email go out at most once: a worker
claims the row (queued -> sending) in its own transaction before it talks to the mail server, and records the
outcome after. A worker that dies in between leaves the row "sending"; after a while it reads as "not known"
and only a person can decide to send it again. The body of an invitation or reminder is not stored: it holds
a personal link, which the database must not reveal (see ``assessments.tokens``); it is rendered again when
the email is sent. Notifications (gateway
decisions, digests, receipts) carry no personal link: their subject and body are stored as written when they
were queued, so the row records exactly what the person was told.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Purpose(models.TextChoices):
    INVITATION = "invitation", "Invitation"
    REMINDER = "reminder", "Reminder"
    PASSWORD_RESET = "password_reset", "Password reset"
    # Notifications (the ``notifications`` app writes them): events, then the digests sent once per period.
    GATEWAY_SUBMITTED = "gateway_submitted", "Gateway submitted"
    GATEWAY_DECIDED = "gateway_decided", "Gateway decided"
    RECEIPT = "receipt", "Receipt for a response"
    REVIEWS_DUE = "reviews_due", "Annual reviews due"
    ROUND_CLOSING = "round_closing", "Round closing soon"
    ACTIONS_DUE = "actions_due", "Actions due"


class EmailStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Could not be sent"
    # The mail server may or may not have taken it: never resent by itself.
    UNKNOWN = "unknown", "Not known whether it was sent"


class OutboundEmailQuerySet(models.QuerySet):
    def of_round(self, round_) -> OutboundEmailQuerySet:
        """The emails (invitations, reminders) sent for one round."""
        return self.filter(round=round_)


class OutboundEmail(models.Model):
    key = models.CharField(max_length=200, unique=True, help_text="Person and purpose: sent at most once.")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    to = models.EmailField(max_length=254)
    round = models.ForeignKey(
        "assessments.Round", null=True, blank=True, on_delete=models.CASCADE, related_name="outbound_emails"
    )
    invitation = models.ForeignKey(
        "assessments.Invitation", null=True, blank=True, on_delete=models.CASCADE, related_name="outbound_emails"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="outbound_emails"
    )
    subject = models.CharField(max_length=200, blank=True, help_text="A notification's subject, as written.")
    body = models.TextField(blank=True, help_text="A notification's text, as written (never a personal link).")
    status = models.CharField(max_length=10, choices=EmailStatus.choices, default=EmailStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True, help_text="What the mail server (or the address) said, last time.")
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["round", "status"], name="outbound_email_round_status")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} to {self.to} ({self.get_status_display()})"
