"""Reports prepared by a task worker: a person asks, a worker lays the report out, the person downloads it.

Reports that grow with the register (the portfolio PDF: a minute and more for a region's register) are never
made inside a web request. The request records what was asked for and enqueues a task; the task claims the row
before it starts and stores the finished file on it. The file is kept in the database, not on a disk: every web
and worker process, on any machine, reads the same rows, and a council needs no shared file system.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django_fsm import FSMField, transition

from config.states import ProtectedStateModel


class ReportKind(models.TextChoices):
    PORTFOLIO = "portfolio", "Portfolio report"


class ReportState(models.TextChoices):
    QUEUED = "queued", "Waiting to be prepared"
    PREPARING = "preparing", "Being prepared"
    READY = "ready", "Ready to download"
    FAILED = "failed", "Could not be prepared"


IN_PROGRESS = (ReportState.QUEUED, ReportState.PREPARING)


class PreparedReportQuerySet(models.QuerySet):
    def in_progress(self) -> PreparedReportQuerySet:
        """Reports waiting for a worker or being prepared by one."""
        return self.filter(state__in=IN_PROGRESS)

    def without_file(self) -> PreparedReportQuerySet:
        """The rows without their (possibly large) file, for lists and status pages."""
        return self.defer("body")


class PreparedReport(ProtectedStateModel, models.Model):
    kind = models.CharField(max_length=20, choices=ReportKind.choices)
    year = models.PositiveSmallIntegerField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="prepared_reports"
    )
    state = FSMField(max_length=20, choices=ReportState.choices, default=ReportState.QUEUED, protected=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    body = models.BinaryField(default=b"", editable=False)
    error = models.TextField(blank=True, help_text="Why the last attempt failed, in the users' words.")
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = PreparedReportQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            # A double click, or a second tab, never queues the same report twice for the same person.
            models.UniqueConstraint(
                fields=["kind", "year", "requested_by"],
                condition=Q(state__in=["queued", "preparing"]),
                name="prepared_report_one_in_progress",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse("reports:prepared", args=[self.pk])

    @property
    def title(self) -> str:
        return f"{self.get_kind_display()} {self.year}"

    @property
    def in_progress(self) -> bool:
        return self.state in IN_PROGRESS

    def is_stalled(self, now: datetime) -> bool:
        """True when a worker took the report so long ago that it must have stopped (killed, out of memory):
        nothing will finish it, so it may be asked for again."""
        limit = timedelta(minutes=settings.PHC_REPORT_STALLED_MINUTES)
        return self.state == ReportState.PREPARING and self.started_at is not None and now - self.started_at > limit

    # --- Transitions of ``state``: the only way it changes ----------------------------------------------------

    @transition(field=state, source=ReportState.QUEUED, target=ReportState.PREPARING)
    def start(self, *, now: datetime) -> None:
        """Queued to being prepared: a worker has claimed it."""
        self.started_at = now
        self.attempts += 1
        self.error = ""

    @transition(field=state, source=ReportState.PREPARING, target=ReportState.READY)
    def finish(self, *, body: bytes, filename: str, content_type: str, now: datetime) -> None:
        """Being prepared to ready: the file is stored with the row."""
        self.body = body
        self.size = len(body)
        self.filename = filename
        self.content_type = content_type
        self.finished_at = now

    @transition(field=state, source=[ReportState.QUEUED, ReportState.PREPARING], target=ReportState.FAILED)
    def fail(self, *, error: str, now: datetime) -> None:
        """To failed: the layout raised, or the worker stopped; the person is told and may try again."""
        self.error = error
        self.finished_at = now

    @transition(field=state, source=ReportState.FAILED, target=ReportState.QUEUED)
    def retry(self) -> None:
        """Failed back to queued, when the person asks again."""
        self.started_at = None
        self.finished_at = None
