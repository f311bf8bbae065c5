"""The partnership register (SPEC section 4; seeds 001 to 004)."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from config.states import ProtectedStateModel
from partnerships import risks as risk_rules
from partnerships.gateway import QUESTIONS_BY_CODE, review_due_after_approval, review_state


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


class RiskRating(models.TextChoices):
    """The partnership's risk rating, derived from its highest open risk (``partnerships.risks``)."""

    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    NOT_ASSESSED = "not_assessed", "Not assessed"


class SignificanceOverride(models.TextChoices):
    """A manager's decision that overrides the significance rules (``partnerships.significance``)."""

    AS_THE_RULES_SAY = "", "As the rules say"
    SIGNIFICANT = "significant", "Significant, whatever the rules say"
    NOT_SIGNIFICANT = "not_significant", "Not significant, whatever the rules say"


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    sector = models.CharField(max_length=20, choices=Sector.choices)
    is_the_council = models.BooleanField(
        "this is the council",
        default=False,
        help_text="The council that keeps this register: its contributions count as the council's resources.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_the_council"],
                condition=Q(is_the_council=True),
                name="organisation_one_council",
                violation_error_message="Only one organisation can be the council.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CouncilPriority(models.Model):
    """One of the council's priorities (its corporate plan's objectives); the strategic ones make the
    partnerships that serve them significant (``partnerships.significance``)."""

    name = models.CharField(max_length=200, unique=True)
    is_strategic = models.BooleanField(
        "strategic", default=False, help_text="A partnership serving a strategic priority is significant."
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "council priority"
        verbose_name_plural = "council priorities"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def has_approved_gateway(partnership: models.Model) -> bool:
    """A partnership becomes active only through its approved gateway (SPEC section 4)."""
    gateway = getattr(partnership, "gateway", None)
    return gateway is not None and gateway.status == GatewayStatus.APPROVED


def has_completed_exit(partnership: models.Model) -> bool:
    """A partnership is closed only with a completed exit record."""
    record = getattr(partnership, "exit_record", None)
    return record is not None and record.is_complete


def exit_date_reached(partnership: models.Model) -> bool:
    """It stays "exiting" until the date the council's involvement ends (issue 16, point 4)."""
    record = getattr(partnership, "exit_record", None)
    return record is not None and record.exit_date is not None and record.exit_date <= timezone.localdate()


def exit_not_completed(partnership: models.Model) -> bool:
    return not has_completed_exit(partnership)


# The texts the register's search reads (besides partner organisations' names, which live in another table).
# English stemming, so "partnerships" finds "partnership"; one expression, so the GIN index below serves it.
REGISTER_SEARCH_CONFIG = "english"
REGISTER_SEARCH_VECTOR = SearchVector(
    "name",
    "reference",
    "lead_officer",
    "senior_sponsor",
    "service_area",
    "purpose",
    "aims_and_objectives",
    config=REGISTER_SEARCH_CONFIG,
)


class RegisterManager(models.Manager["Partnership"]):
    """The register's partnerships: every entry except the one that stands for the council itself."""

    def get_queryset(self) -> models.QuerySet[Partnership]:
        # The council's own entry exists only to carry its yearly self-assessment against the standards for
        # excellence through the same round engine as a health check (docs/rules.md, "The council's own
        # entry"); no register list, count, export or report counts it. ``round.partnership`` still reaches it
        # (related objects are read through the base manager).
        return super().get_queryset().filter(stands_for_council=False)


class Partnership(ProtectedStateModel, models.Model):
    """A partnership of the register. Its ``status`` changes only through the transitions below (protected: a
    form, the admin or a script that assigns it gets an AttributeError)."""

    name = models.CharField(max_length=200)
    reference = models.CharField(
        max_length=30, unique=True, help_text="The council's register reference, e.g. P-2024-017."
    )
    purpose = models.TextField()
    aims_and_objectives = models.TextField(blank=True)
    council_priorities = models.TextField(blank=True, help_text="The council priorities this partnership serves.")
    priorities = models.ManyToManyField(
        CouncilPriority,
        blank=True,
        related_name="partnerships",
        verbose_name="council priorities (from the council's list)",
        help_text="From the council's list of priorities; a strategic one makes the partnership significant.",
    )
    council_role = models.TextField(
        "the council's role", blank=True, help_text="What the council does in the partnership (seed 003, 3.1.1)."
    )
    benefit_to_residents = models.TextField(
        "the benefit to residents",
        blank=True,
        help_text="What residents gain from the council's involvement (seed 003, 3.1.1).",
    )
    governing_agreement = models.TextField(
        "agreement or terms of reference",
        blank=True,
        help_text="For a partnership older than this register's gateway: the agreement or terms of reference "
        "that govern it, when they were agreed and where the copy is kept.",
    )
    exit_strategy = models.TextField(
        "exit strategy", blank=True, help_text="How the council would leave, and what would happen to the work."
    )
    significance_override = models.CharField(
        max_length=20, choices=SignificanceOverride.choices, blank=True, default=SignificanceOverride.AS_THE_RULES_SAY
    )
    significance_reason = models.TextField(
        "reason for the override", blank=True, help_text="Why the council overrides its significance rules."
    )
    lead_officer = models.CharField(max_length=200)
    senior_sponsor = models.CharField(max_length=200, blank=True)
    service_area = models.CharField(max_length=100)
    continuum = models.CharField("type of working", max_length=30, choices=Continuum.choices)
    structure_model = models.CharField(max_length=30, choices=StructureModel.choices)
    statutory_status = models.CharField(max_length=20, choices=StatutoryStatus.choices)
    lifecycle_stage = models.CharField("life-cycle stage", max_length=20, choices=LifecycleStage.choices)
    status = FSMField(max_length=20, choices=Status.choices, default=Status.PROPOSED, protected=True)
    risk = models.CharField(
        "risk rating",
        max_length=20,
        choices=RiskRating.choices,
        default=RiskRating.NOT_ASSESSED,
        editable=False,
        help_text="Derived from the highest score of the partnership's open risks; never typed by hand.",
    )
    is_outside_body = models.BooleanField(
        "also an outside body",
        default=False,
        help_text="The council appoints members to it as an outside body.",
    )
    start_date = models.DateField(null=True, blank=True)
    review_due_date = models.DateField(null=True, blank=True)
    organisations = models.ManyToManyField(Organisation, through="Membership", related_name="partnerships")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stands_for_council = models.BooleanField(
        default=False,
        editable=False,
        help_text="The entry that stands for the council itself, for its self-assessment; never in the register.",
    )
    history = HistoricalRecords()

    # Every entry, the council's own too: for the self-assessment's rounds (``objects`` stays the default).
    with_council = models.Manager()
    objects = RegisterManager()

    class Meta:
        ordering = ["name"]
        default_manager_name = "objects"
        base_manager_name = "with_council"
        constraints = [
            models.UniqueConstraint(
                fields=["stands_for_council"],
                condition=Q(stands_for_council=True),
                name="partnership_one_council_entry",
            ),
            models.CheckConstraint(
                name="partnership_review_after_start",
                condition=Q(start_date__isnull=True)
                | Q(review_due_date__isnull=True)
                | Q(review_due_date__gte=F("start_date")),
                violation_error_message="The review due date cannot be before the start date.",
            ),
            models.CheckConstraint(
                name="partnership_override_has_reason",
                condition=Q(significance_override="") | ~Q(significance_reason=""),
                violation_error_message="An override of the significance rules needs its reason.",
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
            # The trigram (pg_trgm) indexes on names are made by migration 0007 where the server has pg_trgm.
            # Full-text search over the words a person looks for: the same expression as the register's search.
            GinIndex(REGISTER_SEARCH_VECTOR, name="partnership_search_vector"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.reference})"

    def get_absolute_url(self) -> str:
        if self.stands_for_council:  # not in the register: its page is the council's self-assessment
            return reverse("reports:standards")
        return reverse("partnerships:detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED

    # --- Transitions of ``status``: the only way it changes ------------------------------------------------

    @transition(field=status, source=Status.PROPOSED, target=Status.ACTIVE, conditions=[has_approved_gateway])
    def activate(self, *, today: date) -> None:
        """Proposed to active, through the approved gateway: it starts today unless a start date was set, and its
        first annual review falls a year later unless a date was set."""
        self.start_date = self.start_date or today
        self.review_due_date = review_due_after_approval(today, self.start_date, self.review_due_date)

    @transition(field=status, source=Status.ACTIVE, target=Status.EXITING)
    def begin_exit(self) -> None:
        """Active to exiting: an exit record is being prepared (or the register says the council is leaving)."""

    @transition(field=status, source=Status.EXITING, target=Status.ACTIVE, conditions=[exit_not_completed])
    def stay(self) -> None:
        """Exiting back to active: the exit was called off before its record was completed."""

    @transition(
        field=status,
        source=[Status.ACTIVE, Status.EXITING],
        target=Status.CLOSED,
        conditions=[has_completed_exit, exit_date_reached],
    )
    def close(self) -> None:
        """Exiting to closed: only with a completed exit record, once its exit date has come."""

    @property
    def review_state(self) -> str:
        """Return "overdue", "due_soon", "scheduled" or "" (not under annual review) as of today."""
        return review_state(self.status, self.review_due_date, timezone.localdate(), settings.PHC_REVIEW_DUE_SOON_DAYS)

    @property
    def needs_legal_and_financial_advice_to_exit(self) -> bool:
        """Seed 003 (3.1.2): leaving a statutory or contractual one needs legal and financial advice."""
        return self.statutory_status in (StatutoryStatus.STATUTORY, StatutoryStatus.CONTRACTUAL)


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


class Answer(models.TextChoices):
    """How far a gateway question is met (and, on exit, whether the objectives were met)."""

    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"


class CheckAnswer(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class GatewayStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for approval"
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned for more work"


def partnership_is_proposed(review: models.Model) -> bool:
    return cast(GatewayReview, review).partnership.status == Status.PROPOSED


def may_decide_gateway(instance: models.Model, user: Any) -> bool:
    """The four-eyes rule: whoever submitted a gateway cannot decide it; and only those the rules let decide."""
    review = cast(GatewayReview, instance)
    if review.submitted_by_id is not None and review.submitted_by_id == user.pk:
        return False
    return user.has_perm("partnerships.decide_gateway", review.partnership)


class GatewayReview(ProtectedStateModel, models.Model):
    """The new-partnership gateway (seed 001 appendix 1 and "New Partnerships"; seed 003 section 4).

    One per partnership: when a manager returns it, the register administrator improves the same answers and
    submits again; the history keeps every earlier version and reason.
    """

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="gateway")
    status = FSMField(max_length=20, choices=GatewayStatus.choices, default=GatewayStatus.DRAFT, protected=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField("reason for returning it", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "gateway review"
        permissions = [("approve_gatewayreview", "Can approve or return a new-partnership gateway")]
        constraints = [
            models.CheckConstraint(
                name="gateway_submitted_has_date",
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
            ),
            models.CheckConstraint(
                name="gateway_decided_has_date",
                condition=~Q(status__in=["approved", "returned"]) | Q(decided_at__isnull=False),
            ),
            models.CheckConstraint(
                name="gateway_returned_has_reason",
                condition=~Q(status="returned") | ~Q(return_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return f"Gateway for {self.partnership.name}"

    def get_absolute_url(self) -> str:
        return reverse("partnerships:gateway", args=[self.partnership_id])

    @property
    def is_editable(self) -> bool:
        return self.status in (GatewayStatus.DRAFT, GatewayStatus.RETURNED)

    # --- Transitions of ``status`` ----------------------------------------------------------------------

    @transition(
        field=status,
        source=[GatewayStatus.DRAFT, GatewayStatus.RETURNED],
        target=GatewayStatus.SUBMITTED,
        conditions=[partnership_is_proposed],
    )
    def submit(self, *, by) -> None:
        """Send the answers to a manager for approval; an earlier decision is cleared (the history keeps it)."""
        self.submitted_by, self.submitted_at = by, timezone.now()
        self.decided_by, self.decided_at, self.return_reason = None, None, ""

    @transition(
        field=status,
        source=GatewayStatus.SUBMITTED,
        target=GatewayStatus.APPROVED,
        conditions=[partnership_is_proposed],
        permission=may_decide_gateway,
    )
    def approve(self, *, by) -> None:
        """Approve: the partnership may then be activated (``Partnership.activate``)."""
        self.decided_by, self.decided_at = by, timezone.now()

    @transition(
        field=status,
        source=GatewayStatus.SUBMITTED,
        target=GatewayStatus.RETURNED,
        permission=may_decide_gateway,
    )
    def send_back(self, *, by, reason: str) -> None:
        """Return for more work, with the reason; the partnership stays proposed."""
        self.decided_by, self.decided_at, self.return_reason = by, timezone.now(), reason


class GatewayAnswer(models.Model):
    """The answer to one gateway question; the questions themselves are in ``partnerships.gateway``."""

    review = models.ForeignKey(GatewayReview, on_delete=models.CASCADE, related_name="answers")
    question = models.CharField(max_length=40)
    answer = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    evidence = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "gateway answer"
        ordering = ["review", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "question"], name="gateway_answer_unique_question"),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.get_answer_display() or 'not answered'}"

    @property
    def question_text(self) -> str:

        question = QUESTIONS_BY_CODE.get(self.question)
        return question.text if question else self.question


class OutsideBodyCheck(models.Model):
    """What the council's representatives on an outside body must have considered (seed 003 section 5)."""

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="outside_body_check")
    representatives = models.TextField(
        "council representatives",
        blank=True,
        help_text="Who represents the council on the body, and as what: director, trustee, observer or adviser.",
    )
    legal_status = models.CharField(
        "legal status of the organisation",
        max_length=200,
        blank=True,
        help_text="For example: company limited by guarantee and registered charity.",
    )
    companies_house_filed = models.CharField(
        "if it is a company, appointments and resignations are filed at Companies House",
        max_length=20,
        choices=CheckAnswer.choices,
        blank=True,
        help_text="Form 288 in the guidance; now forms AP01 and TM01.",
    )
    insurance_in_place = models.CharField(
        "insurance or indemnity is in place", max_length=20, choices=CheckAnswer.choices, blank=True
    )
    sound_financial_practices = models.CharField(
        "the organisation has sound financial practices and procedures",
        max_length=20,
        choices=CheckAnswer.choices,
        blank=True,
    )
    conflicts_declared = models.CharField(
        "conflicts of interest have been identified and declared",
        max_length=20,
        choices=CheckAnswer.choices,
        blank=True,
    )
    declarations_at_first_meeting = models.CharField(
        "general declarations of interest are made at the first meeting",
        max_length=20,
        choices=CheckAnswer.choices,
        blank=True,
    )
    confidentiality_observed = models.CharField(
        "duties of confidentiality in both directions are being observed",
        max_length=20,
        choices=CheckAnswer.choices,
        blank=True,
    )
    conflicts_balanced = models.CharField(
        "issues of conflict can be balanced", max_length=20, choices=CheckAnswer.choices, blank=True
    )
    advice_taken = models.CharField(
        "advice has been taken from legal and financial services where necessary",
        max_length=20,
        choices=CheckAnswer.choices,
        blank=True,
    )
    notes = models.TextField(blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    CHECK_FIELDS = (
        "companies_house_filed",
        "insurance_in_place",
        "sound_financial_practices",
        "conflicts_declared",
        "declarations_at_first_meeting",
        "confidentiality_observed",
        "conflicts_balanced",
        "advice_taken",
    )

    class Meta:
        verbose_name = "outside body check"

    def __str__(self) -> str:
        return f"Outside body checks for {self.partnership.name}"

    def get_absolute_url(self) -> str:
        return reverse("partnerships:outside_body", args=[self.partnership_id])

    @property
    def open_checks(self) -> int:
        """How many checks are unanswered or answered No."""
        return sum(1 for name in self.CHECK_FIELDS if getattr(self, name) in ("", CheckAnswer.NO))


class ExitRecord(models.Model):
    """The exit document (seed 001 appendix 3; seed 003 section 3.1.2). Its risk analysis of withdrawal is the
    partnership's risks of category "exit".

    Completing it leaves the partnership exiting until the exit date, then closes it (``Partnership.close``). A
    closed partnership always has a completed exit record: the transition's condition checks it, and a deferred
    constraint trigger (migration 0005) makes the database refuse anything else.
    """

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="exit_record")
    exit_date = models.DateField("date the council's involvement ends", null=True, blank=True)
    reason = models.TextField("reason for leaving or closing", blank=True)
    decided_by = models.CharField(
        "decision taken by",
        max_length=200,
        blank=True,
        help_text="For example: Chief Officer with the Cabinet lead for Communities.",
    )
    objectives_met = models.CharField(
        "were the original objectives met?", max_length=10, choices=Answer.choices, blank=True
    )
    achievements = models.TextField("what the partnership achieved", blank=True)
    lessons_learned = models.TextField("lessons learned", blank=True)
    withdrawal_risks = models.TextField(
        "notes on the risk analysis of withdrawal",
        blank=True,
        help_text="The risks of leaving are recorded in the risk register, category Exit, each with its "
        "likelihood, impact, owner and actions; add anything they do not say here.",
    )
    handover_and_continuity = models.TextField(
        "handover and continuity",
        blank=True,
        help_text="Who takes over which work, assets, data and commitments, and how services continue.",
    )
    legal_advice_taken = models.BooleanField("legal advice was taken before the decision", default=False)
    financial_advice_taken = models.BooleanField(
        "financial or contracting advice was taken before the decision", default=False
    )
    advice_notes = models.TextField(
        "advice taken", blank=True, help_text="Who gave the legal, financial or contracting advice, and when."
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "exit record"
        constraints = [
            models.CheckConstraint(
                name="exit_completed_is_filled_in",
                condition=Q(completed_at__isnull=True)
                | (
                    Q(exit_date__isnull=False)
                    & ~Q(reason="")
                    & ~Q(achievements="")
                    & ~Q(lessons_learned="")
                    & ~Q(handover_and_continuity="")
                ),
                violation_error_message="A completed exit record needs every section filled in.",
            ),
        ]

    def __str__(self) -> str:
        return f"Exit from {self.partnership.name}"

    def get_absolute_url(self) -> str:
        return reverse("partnerships:exit", args=[self.partnership_id])

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class RiskCategory(models.TextChoices):
    STRATEGIC = "strategic", "Strategic"
    FINANCIAL = "financial", "Financial"
    LEGAL_AND_GOVERNANCE = "legal_and_governance", "Legal and governance"
    DELIVERY = "delivery", "Delivery"
    REPUTATIONAL = "reputational", "Reputational"
    PARTNER_RELATIONSHIP = "partner_relationship", "Partner relationship"
    DATA_PROTECTION = "data_protection", "Data protection"
    EXIT = "exit", "Exit (risk of withdrawal)"


def _scale_field(verbose_name: str, help_text: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        verbose_name,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=help_text,
    )


class RiskQuerySet(models.QuerySet["Risk"]):
    def open(self) -> RiskQuerySet:
        """Risks not closed: the ones that count towards the rating and the heat maps."""
        return self.filter(closed_on__isnull=True)

    def current(self) -> RiskQuerySet:
        """Open risks of partnerships not closed: what the portfolio's heat maps and lists count."""
        return self.open().exclude(partnership__status=Status.CLOSED)


class Risk(models.Model):
    """One risk in a partnership's risk register (seed 002: a risk assessment when a partnership is set up and
    whenever it is reviewed; seed 003: the initial risk assessment and the risk analysis of withdrawal).

    Likelihood and impact are judged with the existing controls in place, so the score is the residual score.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="risks")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="What could happen, why, and what it would lead to.")
    category = models.CharField(max_length=30, choices=RiskCategory.choices)
    likelihood = _scale_field(
        "likelihood", "1 rare, 2 unlikely, 3 possible, 4 likely, 5 almost certain, with the existing controls."
    )
    impact = _scale_field("impact", "1 negligible, 2 minor, 3 moderate, 4 major, 5 severe, with the existing controls.")
    score = models.GeneratedField(
        expression=F("likelihood") * F("impact"),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    owner = models.CharField(max_length=200, help_text="Who manages this risk.")
    existing_controls = models.TextField(blank=True, help_text="What is already in place to reduce the risk.")
    review_date = models.DateField("next review", help_text="When this risk is next reviewed.")
    closed_on = models.DateField(
        null=True, blank=True, help_text="Set when the risk no longer applies; a closed risk stays in the history."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["score"])

    objects = RiskQuerySet.as_manager()

    class Meta:
        ordering = ["-score", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                name="risk_likelihood_1_to_5",
                condition=Q(likelihood__gte=1) & Q(likelihood__lte=5),
                violation_error_message="The likelihood is from 1 to 5.",
            ),
            models.CheckConstraint(
                name="risk_impact_1_to_5",
                condition=Q(impact__gte=1) & Q(impact__lte=5),
                violation_error_message="The impact is from 1 to 5.",
            ),
        ]
        indexes = [models.Index(fields=["partnership", "closed_on"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("partnerships:risk_edit", args=[self.partnership_id, self.pk])

    @property
    def rating(self) -> str:
        return risk_rules.rating_for_score(self.likelihood * self.impact)

    @property
    def rating_label(self) -> str:
        return risk_rules.RATING_LABELS[self.rating]

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class RiskAction(models.Model):
    """A further action that will reduce a risk, with its due date."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=300)
    due_date = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "further action on a risk"
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.description
