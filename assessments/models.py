"""The instrument (SPEC section 2) and the assessment round with its responses (SPEC section 3)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from assessments.mailboxes import mailbox_key
from assessments.readmodel import SCALE_LIMIT
from config.states import ProtectedStateModel

# ---------------------------------------------------------------------------------------------------------
# The instrument as data: loaded from a versioned file (assessments/instruments/*.json), never edited by hand.


class InstrumentScope(models.TextChoices):
    """What an instrument assesses, which decides where a round of it may be set up."""

    HEALTH_CHECK = "health_check", "Partnership health check"
    COUNCIL_SELF_ASSESSMENT = "council_self_assessment", "Council self-assessment"


def scope_for(partnership: Any) -> InstrumentScope:
    """The scope of the instruments a round of ``partnership`` may use: the council's self-assessment for the
    entry that stands for the council, a partnership health check for every other."""
    council = partnership is not None and partnership.stands_for_council
    return InstrumentScope.COUNCIL_SELF_ASSESSMENT if council else InstrumentScope.HEALTH_CHECK


class InstrumentQuerySet(models.QuerySet):
    def for_partnership(self, partnership: Any) -> InstrumentQuerySet:
        """The instruments a round of ``partnership`` may use (``scope_for``)."""
        return self.filter(scope=scope_for(partnership))


class Instrument(models.Model):
    slug = models.SlugField(max_length=50)
    scope = models.CharField(
        max_length=30,
        choices=InstrumentScope.choices,
        default=InstrumentScope.HEALTH_CHECK,
        help_text="Set from the instrument file's 'scope': where a round of it may be set up.",
    )
    version = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    subtitle = models.CharField(max_length=200, blank=True)
    source_credit = models.TextField()
    question = models.TextField(help_text="The question put before each sheet of statements.")
    significance_question = models.TextField()
    significance_min = models.PositiveSmallIntegerField(default=1)
    significance_max = models.PositiveSmallIntegerField(default=5)
    significance_min_label = models.CharField(max_length=100)
    significance_max_label = models.CharField(max_length=100)
    success_statement = models.TextField()
    success_comment_prompt = models.TextField()
    source = models.JSONField(help_text="The file this instrument was loaded from, kept as loaded.")
    loaded_at = models.DateTimeField(auto_now_add=True)

    objects = InstrumentQuerySet.as_manager()

    class Meta:
        ordering = ["slug", "-version"]
        constraints = [models.UniqueConstraint(fields=["slug", "version"], name="instrument_unique_version")]

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"


class AnswerOption(models.Model):
    """One point of the agreement scale (on the PAT, Strongly agree 4 ... Strongly disagree 1)."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="answer_options")
    value = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=100)

    class Meta:
        ordering = ["instrument", "-value"]
        constraints = [models.UniqueConstraint(fields=["instrument", "value"], name="answeroption_unique_value")]

    def __str__(self) -> str:
        return f"{self.label} ({self.value})"


class Principle(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="principles")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    short_title = models.CharField(max_length=50)
    introduction = models.TextField(blank=True)

    class Meta:
        ordering = ["instrument", "number"]
        constraints = [models.UniqueConstraint(fields=["instrument", "number"], name="principle_unique_number")]

    def __str__(self) -> str:
        return f"Principle {self.number}: {self.title}"


class Element(models.Model):
    principle = models.ForeignKey(Principle, on_delete=models.CASCADE, related_name="elements")
    letter = models.CharField(max_length=1)
    title = models.CharField(max_length=300)
    explanation = models.TextField(help_text="What lies behind the element (the pages after each profile sheet).")

    class Meta:
        ordering = ["principle", "letter"]
        constraints = [models.UniqueConstraint(fields=["principle", "letter"], name="element_unique_letter")]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    @property
    def code(self) -> str:
        return f"{self.principle.number}{self.letter}"


class Statement(models.Model):
    """The profile-sheet statement of one element; ``position`` (1, 2, 3 ...) orders the whole instrument."""

    element = models.OneToOneField(Element, on_delete=models.CASCADE, related_name="statement")
    principle = models.ForeignKey(Principle, on_delete=models.CASCADE, related_name="statements")
    code = models.CharField(max_length=4, help_text="Principle number and element letter, e.g. 1A.")
    text = models.TextField()
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["principle__instrument", "position"]
        constraints = [
            models.UniqueConstraint(fields=["principle", "code"], name="statement_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class Band(models.Model):
    """A score band with its wording: of one principle, or of the total when ``principle`` is empty."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="bands")
    principle = models.ForeignKey(Principle, null=True, blank=True, on_delete=models.CASCADE, related_name="bands")
    min_score = models.PositiveSmallIntegerField()
    max_score = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["instrument", "principle__number", "-min_score"]
        constraints = [
            models.CheckConstraint(name="band_min_le_max", condition=Q(min_score__lte=F("max_score"))),
        ]

    def __str__(self) -> str:
        scope = f"principle {self.principle.number}" if self.principle is not None else "total"
        return f"{scope} {self.min_score}-{self.max_score}"


class ScenarioText(models.Model):
    """The seed's wording for scenarios A, B and C (stage 4)."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="scenarios")
    code = models.CharField(max_length=1)
    text = models.TextField()

    class Meta:
        ordering = ["instrument", "code"]
        constraints = [models.UniqueConstraint(fields=["instrument", "code"], name="scenario_unique_code")]

    def __str__(self) -> str:
        return f"Scenario {self.code}"


# ---------------------------------------------------------------------------------------------------------
# The assessment round (stages 1 to 4).


class Purpose(models.TextChoices):
    DEVELOPMENTAL = "developmental", "Developmental"
    HEALTH_CHECK = "health_check", "Routine health check"
    DIAGNOSTIC = "diagnostic", "Diagnostic"


class Facilitation(models.TextChoices):
    INTERNAL = "internal", "Internal"
    EXTERNAL = "external", "External"


class Level(models.TextChoices):
    BOARD = "board", "Board or elected member"
    MANAGEMENT = "management", "Senior or middle management"
    FRONT_LINE = "front_line", "Front-line staff"


class RoundState(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class RoundQuerySet(models.QuerySet["Round"]):
    def closed(self) -> RoundQuerySet:
        return self.filter(state=RoundState.CLOSED)

    def with_response_counts(self) -> models.QuerySet[Any]:  # rounds carrying the two counts
        """Annotate ``invited`` (links not withdrawn) and ``submitted`` for a response rate, in the same query.

        Submissions are counted from the invitation's submitted day: an anonymous response is no longer linked to
        its invitation once submitted."""
        return self.annotate(
            invited=models.Count("invitations", filter=models.Q(invitations__revoked_at__isnull=True), distinct=True),
            submitted=models.Count(
                "invitations", filter=models.Q(invitations__submitted_on__isnull=False), distinct=True
            ),
        )

    def with_results(self) -> RoundQuerySet:
        """The closed rounds with at least ``PHC_MIN_RESPONSES`` submitted responses: the rounds whose results
        are shown outside their own results page (a live total that moved as each person submitted would tell
        who answered what)."""
        # A subquery rather than an annotation: PostgreSQL's DISTINCT ON cannot be combined with GROUP BY.
        enough = (
            Response.objects.submitted()
            .filter(round_id__in=self.values("pk"))
            .values("round_id")
            .annotate(n=models.Count("id"))
            .filter(n__gte=settings.PHC_MIN_RESPONSES)
            .values("round_id")
        )
        return self.closed().filter(pk__in=enough)


class Round(ProtectedStateModel, models.Model):
    """An assessment round. Its ``state`` changes only through ``open`` and ``close`` (protected field)."""

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.PROTECT, related_name="rounds")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="rounds")
    title = models.CharField(max_length=200, help_text="E.g. 'Annual health check 2026'.")
    purpose = models.CharField(max_length=20, choices=Purpose.choices, default=Purpose.HEALTH_CHECK)
    facilitation = models.CharField(max_length=10, choices=Facilitation.choices, default=Facilitation.INTERNAL)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="facilitated_rounds"
    )
    levels = ArrayField(models.CharField(max_length=20, choices=Level.choices), default=list)
    feedback_arrangements = models.TextField(blank=True, help_text="How results will be fed back.")
    action_arrangements = models.TextField(blank=True, help_text="How the results will be actioned.")
    opens_on = models.DateField()
    closes_on = models.DateField()
    anonymous = models.BooleanField(
        default=True, help_text="In an anonymous round no screen, export or report links an answer to a person."
    )
    state = FSMField(max_length=10, choices=RoundState.choices, default=RoundState.DRAFT, protected=True)
    next_health_check = models.DateField(null=True, blank=True, help_text="Agreed at the action-planning stage.")
    invitation_subject = models.CharField(max_length=200, blank=True)
    invitation_body = models.TextField(blank=True)
    reminder_subject = models.CharField(max_length=200, blank=True)
    reminder_body = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    risks_reviewed_at = models.DateTimeField(
        "risk register reviewed",
        null=True,
        blank=True,
        help_text="When the facilitator confirmed, at the close, that the partnership's risks were reviewed.",
    )
    history = HistoricalRecords()

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="round_dates_in_order",
                condition=Q(closes_on__gte=F("opens_on")),
                violation_error_message="The close date cannot be before the open date.",
            ),
        ]
        indexes = [models.Index(fields=["partnership", "closes_on"])]

    def __str__(self) -> str:
        return f"{self.title} – {self.partnership.name}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:round_detail", args=[self.pk])

    @property
    def year(self) -> int:
        return self.closes_on.year

    @property
    def closed_on(self) -> datetime.date | None:
        """The day the round actually closed (it may close early or late), or None while it is not closed."""
        if self.state != RoundState.CLOSED or self.closed_at is None:
            return None
        return timezone.localdate(self.closed_at)

    @property
    def ends_on(self) -> datetime.date:
        """The date that dates the round: the day it actually closed, or the planned close date until then."""
        return self.closed_on or self.closes_on

    @property
    def is_open(self) -> bool:
        return self.state == RoundState.OPEN

    @property
    def takes_answers(self) -> bool:
        """True while the round is open and its close date has not passed (closing it by hand can come later)."""

        return self.state == RoundState.OPEN and timezone.localdate() <= self.closes_on

    # --- Transitions of ``state`` -------------------------------------------------------------------------

    @transition(field=state, source=RoundState.DRAFT, target=RoundState.OPEN)
    def open(self) -> None:
        """Draft to open: respondents' links now take answers."""

    @transition(field=state, source=RoundState.OPEN, target=RoundState.CLOSED)
    def close(self) -> None:
        """Open to closed, for good. With enough responses the round counts as the partnership's annual review
        (SPEC section 4): the next review falls due a year from today, unless the action plan agreed a date."""
        from partnerships.services import partnership_review_recorded  # noqa: PLC0415 (partnerships import assessments)

        self.closed_at = timezone.now()
        submitted = self.responses.filter(status=ResponseStatus.SUBMITTED).count()
        if submitted >= settings.PHC_MIN_RESPONSES and self.next_health_check is None:
            partnership_review_recorded(self.partnership, completed_on=timezone.localdate())


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def live(self) -> InvitationQuerySet:
        """The invitations whose link still works (not revoked)."""
        return self.filter(revoked_at__isnull=True)

    def revoked(self) -> InvitationQuerySet:
        return self.filter(revoked_at__isnull=False)


class Invitation(models.Model):
    """An invited respondent and their personal link.

    Only a keyed hash of the link's token is stored (see ``assessments.tokens``), so a copy of the database
    does not reveal working links.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="invitations")
    name = models.CharField(max_length=200)
    email = models.EmailField()
    organisation = models.CharField(max_length=200)
    level = models.CharField(max_length=20, choices=Level.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations"
    )
    # The address folded to the mailbox it delivers to (see ``assessments.mailboxes``): one person, one invitation.
    mailbox = models.CharField(max_length=254)
    token_salt = models.CharField(max_length=32, help_text="Random; the token is derived from it and the secret key.")
    token_hash = models.CharField(max_length=64, unique=True)
    invited_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(default=0)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The day only: in an anonymous round a finer time would line up with the unlinked response.
    submitted_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["round", "name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "email"], name="invitation_unique_email_in_round"),
            models.UniqueConstraint(
                fields=["round", "mailbox"],
                name="invitation_unique_mailbox_in_round",
                violation_error_message="This mailbox is already invited to this round.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    def save(self, *args, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        if self._state.adding or not self.mailbox or (update_fields is not None and "email" in update_fields):
            self.mailbox = mailbox_key(self.email)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "mailbox"}
        super().save(*args, **kwargs)

    @property
    def has_submitted(self) -> bool:
        return self.submitted_on is not None


class ResponseStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"


class ResponseQuerySet(models.QuerySet["Response"]):
    def submitted(self) -> ResponseQuerySet:
        return self.filter(status=ResponseStatus.SUBMITTED)

    def in_progress(self) -> ResponseQuerySet:
        return self.filter(status=ResponseStatus.IN_PROGRESS)


class Response(models.Model):
    """One respondent's rapid partnership profile. Read-only once submitted (a named round may reopen it).

    In an anonymous round the submitted response is unlinked (``assessments.unlinking``): a new row with no
    invitation, no timestamp and a random id, holding its answers in ``answer_values`` and ``answer_comments``;
    the draft it came from and the draft's answer rows are deleted.
    """

    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.CASCADE, related_name="response"
    )
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    status = models.CharField(max_length=20, choices=ResponseStatus.choices, default=ResponseStatus.IN_PROGRESS)
    # Relative significance of each principle in order, on the instrument's scale (None until answered). How
    # many there are is the instrument's: the services check the length against its read model.
    significance = ArrayField(models.PositiveSmallIntegerField(null=True), default=list, blank=True)
    success = models.PositiveSmallIntegerField(null=True, blank=True)
    success_comment = models.TextField(blank=True)
    # Worked out by the scoring core when the response is submitted (one per principle, in order), so results
    # never re-add every answer.
    principle_scores = ArrayField(models.PositiveSmallIntegerField(), null=True, blank=True)
    total = models.PositiveSmallIntegerField(null=True, blank=True)
    # Every answer and comment in statement order (36 on the PAT), copied here on submit: results read only these.
    answer_values = ArrayField(models.PositiveSmallIntegerField(null=True), default=list, blank=True)
    answer_comments = ArrayField(models.TextField(blank=True), default=list, blank=True)
    # Empty on an unlinked (anonymous, submitted) response: its times would line up with the invitation's.
    started_at = models.DateTimeField(default=timezone.now, null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now, null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["round", "submitted_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="response_submitted_has_scores",
                condition=~Q(status="submitted")
                | ((Q(submitted_at__isnull=False) | Q(invitation__isnull=True)) & Q(total__isnull=False)),
            ),
            models.CheckConstraint(
                name="response_unlinked_is_submitted_and_undated",
                condition=Q(invitation__isnull=False)
                | (
                    Q(status="submitted")
                    & Q(started_at__isnull=True)
                    & Q(updated_at__isnull=True)
                    & Q(submitted_at__isnull=True)
                ),
            ),
            # Which values are on the scale is the instrument's (checked by the services); any scale stays in these.
            models.CheckConstraint(
                name="response_success_in_scale_limits",
                condition=Q(success__isnull=True) | Q(success__range=(0, SCALE_LIMIT)),
            ),
        ]
        indexes = [models.Index(fields=["round", "status"])]

    def __str__(self) -> str:
        return f"Response {self.pk} to {self.round}"

    @property
    def is_submitted(self) -> bool:
        return self.status == ResponseStatus.SUBMITTED


class GroupDimension(models.TextChoices):
    ORGANISATION = "organisation", "Organisation"
    LEVEL = "level", "Level"


class GroupTally(models.Model):
    """An anonymous round's count and score sums of one organisation or level (its responses carry neither).

    While the round is open there is one row per group, added to in the submitting transaction. When it
    closes the rows are replaced by the breakdown as shown (small groups merged into "Other", withheld groups
    without sums, ``final`` set), so that afterwards the database holds no more than the results page shows.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="group_tallies")
    dimension = models.CharField(max_length=20, choices=GroupDimension.choices)
    name = models.CharField(max_length=200)
    respondents = models.PositiveIntegerField()
    # One sum per principle, in order: how many is the instrument's.
    principle_sums = ArrayField(models.PositiveIntegerField(), null=True, blank=True)
    total_sum = models.PositiveIntegerField(null=True, blank=True)
    withheld = models.BooleanField(default=False)
    final = models.BooleanField(default=False)

    class Meta:
        ordering = ["round", "dimension", "name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "dimension", "name"], name="grouptally_unique_group"),
            models.CheckConstraint(
                name="grouptally_sums_unless_withheld",
                condition=Q(withheld=True) | (Q(principle_sums__isnull=False) & Q(total_sum__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_dimension_display()} {self.name}: {self.respondents}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="answers")
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["response", "statement__position"]
        constraints = [
            models.UniqueConstraint(fields=["response", "statement"], name="answer_unique_statement"),
            models.CheckConstraint(
                name="answer_value_in_scale_limits",
                condition=Q(value__isnull=True) | Q(value__range=(0, SCALE_LIMIT)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement.code}: {self.value}"


class Reopening(models.Model):
    """A facilitator reopened a submitted response: who, when and why."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="reopenings")
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    reopened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reopened_at"]

    def __str__(self) -> str:
        return f"Reopened {self.reopened_at:%Y-%m-%d} by {self.reopened_by}"


# ---------------------------------------------------------------------------------------------------------
# Stage 4: the action plan.


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


OPEN_ACTION_STATUSES = (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)


class ActionItemQuerySet(models.QuerySet["ActionItem"]):
    def still_open(self) -> ActionItemQuerySet:
        """The actions not yet done or dropped."""
        return self.filter(status__in=OPEN_ACTION_STATUSES)

    def overdue(self, today: datetime.date) -> ActionItemQuerySet:
        """The open actions due before ``today``."""
        return self.still_open().filter(due_date__lt=today)

    def with_overdue(self, today: datetime.date) -> ActionItemQuerySet:
        """Each action with ``is_overdue``: open and due before ``today``."""
        return self.annotate(
            is_overdue=models.ExpressionWrapper(
                Q(status__in=OPEN_ACTION_STATUSES, due_date__lt=today), output_field=models.BooleanField()
            )
        )


class ActionItem(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="actions")
    principle = models.ForeignKey(Principle, on_delete=models.PROTECT, related_name="actions")
    element = models.ForeignKey(Element, null=True, blank=True, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField()
    owner = models.CharField(max_length=200)
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["round", "principle__number", "due_date", "id"]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES
