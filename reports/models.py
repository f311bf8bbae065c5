"""The audit committee's annual review of the significant partnerships (issue 19, point 3).

A manager prepares one report a year as a draft, writes a short commentary beside each partnership and issues
it. The issued report's PDF is kept in the database exactly as it was made, so that last year's report opens
as the committee read it, whatever has changed in the register since.
"""

from __future__ import annotations

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
