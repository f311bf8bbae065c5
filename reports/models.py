"""The audit committee's annual review of the significant partnerships (issue 19, point 3), and the reports
prepared by a task worker (``PreparedReport``, issue 15 point 8).

A manager prepares one report a year as a draft, writes a short commentary beside each partnership and issues
it. The issued report's PDF is kept in the database exactly as it was made, so that last year's report opens
as the committee read it, whatever has changed in the register since.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django_fsm import FSMField, transition

from config.states import ProtectedStateModel

# Years a report can be asked for: wide enough for any real register, narrow enough to refuse nonsense.
FIRST_YEAR, LAST_YEAR = 2000, 2100
COMMENTARY_MAX_LENGTH = 2000


class AuditReportState(models.TextChoices):
    DRAFT = "draft", "Draft"
    ISSUED = "issued", "Issued"


class AuditReport(ProtectedStateModel, models.Model):
    """One year's review of the significant partnerships. ``state`` changes only through ``issue``."""

    year = models.PositiveSmallIntegerField(
        unique=True, validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    state = FSMField(max_length=10, choices=AuditReportState.choices, default=AuditReportState.DRAFT, protected=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The PDF of the latest draft, or of the issued report (then never made again): made by a task.
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    pdf_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    pdf_made_at = models.DateTimeField(null=True, blank=True, editable=False)
    issued_at = models.DateTimeField(null=True, blank=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                name="auditreport_issued_has_date",
                condition=~Q(state="issued") | Q(issued_at__isnull=False),
                violation_error_message="An issued report needs the date it was issued.",
            ),
        ]

    def __str__(self) -> str:
        return f"Audit committee's review {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("reports:audit_report", args=[self.year])

    @property
    def is_issued(self) -> bool:
        return self.state == AuditReportState.ISSUED

    @property
    def pdf_pending(self) -> bool:
        """Return True while a PDF asked for has not been made yet (a worker has it in its queue)."""
        return self.pdf_requested_at is not None and (
            self.pdf_made_at is None or self.pdf_made_at < self.pdf_requested_at
        )

    @transition(field=state, source=AuditReportState.DRAFT, target=AuditReportState.ISSUED)
    def issue(self, *, by, at) -> None:
        """Draft to issued: the commentary is final and the PDF is made once more, then kept as it is."""
        self.issued_at = at
        self.issued_by = by
        self.pdf_requested_at = at


class AuditCommentary(models.Model):
    """The preparing officer's short commentary beside one partnership in one year's report."""

    report = models.ForeignKey(AuditReport, on_delete=models.CASCADE, related_name="commentaries")
    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=COMMENTARY_MAX_LENGTH)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["report", "partnership__name"]
        constraints = [
            models.UniqueConstraint(fields=["report", "partnership"], name="auditcommentary_one_per_partnership")
        ]

    def __str__(self) -> str:
        return f"{self.report}: {self.partnership_id}"


# --- Reports prepared by a task worker (issue 15 point 8) ------------------------------------------------------
#
# Reports that grow with the register (the portfolio PDF: a minute and more for a region's register) are never
# made inside a web request. The request records what was asked for and enqueues a task; the task claims the row
# before it starts and stores the finished file on it, in the database: every web and worker process, on any
# machine, reads the same rows, and a council needs no shared file system.


class ReportKind(models.TextChoices):
    PORTFOLIO = "portfolio", "Portfolio report"
    REGISTER_WORKBOOK = "register_workbook", "Register workbook"


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
    # What the report is of, when the kind and year do not say it all: the register's filters (its query
    # string) for a register workbook, applied for the person who asked, as the register page shows it to them.
    query = models.CharField(max_length=2000, blank=True, default="")
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
        if self.kind == ReportKind.REGISTER_WORKBOOK:
            return "Register workbook (filtered)" if self.query else "Register workbook"
        return f"{self.get_kind_display()} {self.year}"

    @property
    def file_kind(self) -> str:
        """The kind of file, as the download link names it."""
        return "Excel workbook" if self.kind == ReportKind.REGISTER_WORKBOOK else "PDF"

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
