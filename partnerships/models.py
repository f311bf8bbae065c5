"""The partnership register (SPEC section 4; seeds 001 to 004)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords


class Sector(models.TextChoices):
    PUBLIC = "public", "Public"
    PRIVATE = "private", "Private"
    VOLUNTARY = "voluntary", "Voluntary and community"
    OTHER = "other", "Other"


class Continuum(models.TextChoices):
    """The continuum of partnership working (seed 002, 'Definition of a partnership')."""

    INFO_SHARING = "info_sharing", "Info sharing"
    JOINT_ISSUES = "joint_issues", "Joint identification of issues"
    LOBBYING = "lobbying", "Lobbying"
    SHARED_ACTIONS = "shared_actions", "Identification of shared actions/goals; coordination"
    JOINT_PLANNING = "joint_planning", "Joint project planning"
    POOLED_RESOURCES = "pooled_resources", "Pooling of resources"
    JOINT_DELIVERY = "joint_delivery", "Joint delivery, joint performance management, joint review"


class StructureModel(models.TextChoices):
    """The structure models of seed 004's annex, plus informal arrangements."""

    PUBLIC_CONSORTIUM = "public_consortium", "Public sector consortium"
    JV_PRIVATE = "jv_private", "Joint venture with the private sector"
    JV_NON_PROFIT = "jv_non_profit", "Joint venture with a non-profit distributing organisation"
    PARTNERING_CONTRACT = "partnering_contract", "Partnering contract"
    INFORMAL = "informal", "Informal"


class StatutoryStatus(models.TextChoices):
    STATUTORY = "statutory", "Statutory"
    CONTRACTUAL = "contractual", "Contractual"
    NON_STATUTORY = "non_statutory", "Non-statutory"


class LifecycleStage(models.TextChoices):
    """The partnership life cycle of seed 001."""

    FORMING = "forming", "Forming"
    FRUSTRATION = "frustration", "Frustration"
    FUNCTIONING = "functioning", "Functioning"
    FLYING = "flying", "Flying"
    FAILING = "failing", "Failing"


class Status(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACTIVE = "active", "Active"
    EXITING = "exiting", "Exiting"
    CLOSED = "closed", "Closed"


class Risk(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    sector = models.CharField(max_length=20, choices=Sector.choices)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Partnership(models.Model):
    name = models.CharField(max_length=200)
    reference = models.CharField(max_length=30, unique=True, help_text="The council's register reference, e.g. P-2024-017.")
    purpose = models.TextField()
    aims_and_objectives = models.TextField(blank=True)
    council_priorities = models.TextField(blank=True, help_text="The council priorities this partnership serves.")
    lead_officer = models.CharField(max_length=200)
    senior_sponsor = models.CharField(max_length=200, blank=True)
    service_area = models.CharField(max_length=100)
    continuum = models.CharField("type of working", max_length=30, choices=Continuum.choices)
    structure_model = models.CharField(max_length=30, choices=StructureModel.choices)
    statutory_status = models.CharField(max_length=20, choices=StatutoryStatus.choices)
    lifecycle_stage = models.CharField("life-cycle stage", max_length=20, choices=LifecycleStage.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    risk = models.CharField("risk rating", max_length=10, choices=Risk.choices, default=Risk.MEDIUM)
    is_outside_body = models.BooleanField(
        "also an outside body", default=False, help_text="The council appoints members to it as an outside body."
    )
    start_date = models.DateField(null=True, blank=True)
    review_due_date = models.DateField(null=True, blank=True)
    organisations = models.ManyToManyField(Organisation, through="Membership", related_name="partnerships")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="partnership_review_after_start",
                condition=Q(start_date__isnull=True) | Q(review_due_date__isnull=True)
                | Q(review_due_date__gte=F("start_date")),
                violation_error_message="The review due date cannot be before the start date.",
            ),
            models.CheckConstraint(
                name="partnership_active_has_review_date",
                condition=~Q(status="active") | Q(review_due_date__isnull=False),
                violation_error_message="An active partnership needs a review due date.",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "review_due_date"]),
            models.Index(fields=["service_area"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.reference})"

    def get_absolute_url(self) -> str:
        return reverse("partnerships:detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED


class Membership(models.Model):
    """A partner organisation's part in a partnership."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=200, blank=True, help_text="E.g. lead partner, funder, delivery partner.")
    representative = models.CharField(max_length=200, blank=True)
    financial_contribution = models.DecimalField(
        "financial contribution (£ a year)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    other_resources = models.TextField(blank=True, help_text="Staff time, premises, data, expertise...")
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "organisation"], name="membership_unique_partner"),
            models.CheckConstraint(
                name="membership_contribution_not_negative",
                condition=Q(financial_contribution__isnull=True) | Q(financial_contribution__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.partnership.name}"
