"""Reads for rounds, invitations and responses. Writes live in ``assessments.services``."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from assessments import partners, scoring
from assessments.instruments import default_instrument
from assessments.models import (
    ActionItem,
    ActionStatus,
    Answer,
    AnswerOption,
    Band,
    Instrument,
    Invitation,
    Level,
    Principle,
    Reopening,
    Response,
    ResponseStatus,
    Round,
    RoundState,
    ScenarioText,
    Statement,
)
from assessments.readmodel import (
    ElementInfo,
    InstrumentStructure,
    PrincipleInfo,
    SignificanceScale,
    StatementInfo,
    principle_info,
)
from assessments.tokens import hash_token
from config.prepared import PreparedGet
from partnerships.models import Membership


@dataclass(frozen=True)
class JourneySteps:
    """The respondent's steps: one sheet per principle (1..n), then significance, then success.

    The welcome and review pages sit outside the count (8 steps on the PAT, 6 on a four-section instrument).
    """

    principles: int

    # The welcome page comes before the first step and the review page after the last.
    welcome: int = 0

    @property
    def significance(self) -> int:
        return self.principles + 1

    @property
    def success(self) -> int:
        return self.principles + 2

    @property
    def count(self) -> int:
        return self.principles + 2

    @property
    def review(self) -> int:
        return self.count + 1

    @property
    def numbers(self) -> range:
        """Return every step's number, 1 to ``count``."""
        return range(1, self.count + 1)


def journey_steps(structure: InstrumentStructure) -> JourneySteps:
    """Return the steps of the respondent's journey through ``structure``."""
    return JourneySteps(structure.principle_count)


# --- Rounds -----------------------------------------------------------------------------------------------


def rounds_for_user(user) -> QuerySet[Round]:
    """Return the rounds ``user`` may list, the rule ``assessments.see_round`` as a filter (all for managers,
    else those they facilitate), with counts.

    Each round carries ``invited_count``, ``started_count`` and ``submitted_count`` (revoked invitations
    are not counted as invited).
    """
    rounds = Round.objects.select_related("partnership", "facilitator")
    if not user.has_perm("assessments.see_all_rounds"):
        rounds = rounds.filter(facilitator=user) if user.has_perm("assessments.see_rounds") else rounds.none()

    # Correlated subqueries: joining invitations and responses together would multiply their rows.
    def count(rows: QuerySet) -> Coalesce:
        rows = rows.filter(round=OuterRef("pk")).order_by().values("round")
        return Coalesce(Subquery(rows.annotate(n=Count("id")).values("n")), 0)

    return rounds.annotate(
        invited_count=count(Invitation.objects.live()),
        started_count=count(Response.objects.all()),
        submitted_count=count(Response.objects.submitted()),
    )


def rounds_with_set_up() -> QuerySet[Round]:
    """Return rounds with their partnership, instrument and facilitator (for one round's pages)."""
    return Round.objects.select_related("partnership", "instrument", "facilitator").defer("instrument__source")


@dataclass(frozen=True)
class RoundCounts:
    """How far a round has got; safe to show in an anonymous round."""

    invited: int
    emailed: int
    reminded: int
    in_progress: int
    submitted: int
    revoked: int


def round_counts(round_: Round) -> RoundCounts:
    """Return the round's counts: live invitations, emailed, reminded, responses in progress and submitted.

    ``submitted`` includes responses whose invitation was revoked after submitting (they still count).
    """
    live = Q(revoked_at__isnull=True)
    totals = Invitation.objects.filter(round=round_).aggregate(
        invited=Count("id", filter=live),
        emailed=Count("id", filter=live & Q(invited_at__isnull=False)),
        reminded=Count("id", filter=live & Q(reminder_count__gt=0)),
        revoked=Count("id", filter=~live),
        in_progress=Count("id", filter=live & Q(response__status=ResponseStatus.IN_PROGRESS)),
        # From the invitation's day of submission: an anonymous response is no longer linked to it.
        submitted=Count("id", filter=Q(submitted_on__isnull=False)),
    )
    return RoundCounts(**totals)


def round_invited(round_: Round) -> int:
    """Return how many people are invited to the round (live invitations): ``round_counts(round_).invited``
    alone, for the respondent's welcome page (one index scan, without the other counts' join of responses)."""
    return Invitation.objects.live().filter(round=round_).count()


def round_invitations(round_: Round) -> QuerySet[Invitation]:
    """Return every invitation of the round with its response (for a named round's status list)."""
    return Invitation.objects.filter(round=round_).select_related("response").order_by("organisation", "name")


def round_not_responded(round_: Round) -> QuerySet[Invitation]:
    """Return the live invitations without a submitted response: all an anonymous round may show by name."""
    return Invitation.objects.live().filter(round=round_, submitted_on__isnull=True).order_by("organisation", "name")


def round_reminder_due(round_: Round) -> QuerySet[Invitation]:
    """Return whom a reminder would go to: the people emailed, with a live link, who have not submitted."""
    return round_not_responded(round_).filter(invited_at__isnull=False)


@dataclass(frozen=True)
class LastReminders:
    """The latest round of reminders: when it went and to whom (the people, in name order)."""

    sent_at: datetime.datetime
    names: list[str]


def round_last_reminders(round_: Round) -> LastReminders | None:
    """Return when the round's last reminders went and to whom, or None if none went (two queries).

    A round of reminders marks everyone it reaches with the same moment, so "to whom" is everyone marked then.
    """
    latest = Invitation.objects.filter(round=round_).aggregate(latest=Max("reminded_at"))["latest"]
    if latest is None:
        return None
    names = Invitation.objects.filter(round=round_, reminded_at=latest).order_by("name").values_list("name", flat=True)
    return LastReminders(latest, list(names))


def round_revoked_invitations(round_: Round) -> QuerySet[Invitation]:
    return Invitation.objects.revoked().filter(round=round_).order_by("name")


def round_submitted_responses(round_: Round) -> QuerySet[Response]:
    """Return the round's submitted responses, each with its invitation (organisation, level, name) in a
    named round; in an anonymous round they have none (``invitation`` is None: unlinked on submit).

    ``principle_scores`` (six ints) and ``total`` are set on every one of them. A response stays counted
    when its invitation is revoked after it was submitted: revoking only stops the link working.
    """
    return Response.objects.submitted().filter(round=round_).select_related("invitation").order_by("submitted_at", "id")


def round_reopenings(round_: Round) -> QuerySet[Reopening]:
    return (
        Reopening.objects.filter(response__round=round_)
        .select_related("reopened_by", "response__invitation")
        .order_by("-reopened_at")
    )


def round_emails_existing(round_: Round) -> set[str]:
    """Return the lower-cased emails already invited to the round (revoked ones included)."""
    return {email.lower() for email in Invitation.objects.filter(round=round_).values_list("email", flat=True)}


# --- The instrument ---------------------------------------------------------------------------------------


# An instrument never changes once loaded (a new version is a new instrument), so its read model is built once
# per process and instrument version: the key includes ``loaded_at`` so a reloaded instrument misses.


@lru_cache(maxsize=32)
def _instrument_structure(instrument_id: int, loaded_at: str) -> InstrumentStructure:
    instrument = Instrument.objects.defer("source").get(pk=instrument_id)
    bands: dict[int | None, list[scoring.Band]] = {}
    for row in Band.objects.filter(instrument_id=instrument_id).select_related("principle"):
        number = row.principle.number if row.principle is not None else None
        bands.setdefault(number, []).append(scoring.Band(row.min_score, row.max_score, row.text))
    statements: dict[int, list[StatementInfo]] = {}
    for s in (
        Statement.objects.filter(principle__instrument_id=instrument_id)
        .select_related("principle", "element")
        .order_by("position")
    ):
        element = ElementInfo(s.element.id, s.element.letter, s.element.title, s.element.explanation)
        statements.setdefault(s.principle.number, []).append(
            StatementInfo(s.id, s.code, s.text, s.principle.number, element, s.position)
        )
    principles = tuple(
        principle_info(
            number=p.number,
            title=p.title,
            short_title=p.short_title,
            bands=bands.get(p.number, []),
            statements=tuple(statements.get(p.number, [])),
            id=p.id,
            introduction=p.introduction,
        )
        for p in Principle.objects.filter(instrument_id=instrument_id).order_by("number")
    )
    return InstrumentStructure(
        id=instrument.id,
        title=instrument.title,
        success_statement=instrument.success_statement,
        scale={o.value: o.label for o in AnswerOption.objects.filter(instrument_id=instrument_id)},
        principles=principles,
        total_bands=tuple(scoring.ordered_bands(bands.get(None, []))),
        scenario_texts={s.code: s.text for s in ScenarioText.objects.filter(instrument_id=instrument_id)},
        slug=instrument.slug,
        version=instrument.version,
        subtitle=instrument.subtitle,
        source_credit=instrument.source_credit,
        question=instrument.question,
        significance=SignificanceScale(
            question=instrument.significance_question,
            min=instrument.significance_min,
            max=instrument.significance_max,
            min_label=instrument.significance_min_label,
            max_label=instrument.significance_max_label,
        ),
        success_comment_prompt=instrument.success_comment_prompt,
    )


def instrument_structure(instrument: Instrument) -> InstrumentStructure:
    """Return the read model of ``instrument``: its principles, statements, scale, bands and wording.

    Built once per process and instrument version, then shared by every request (it is frozen).
    """
    return _instrument_structure(instrument.pk, instrument.loaded_at.isoformat())


def default_structure() -> InstrumentStructure | None:
    """Return the read model of the default instrument (the newest PAT), or None when none is loaded."""
    instrument = default_instrument()
    return instrument_structure(instrument) if instrument is not None else None


# --- Invitations and responses ----------------------------------------------------------------------------


# What no journey page shows: the instrument's file, the round's email texts, the facilitator's account and the
# partnership's register details. Each column left out is one fewer for PostgreSQL to send on every request.
_JOURNEY_UNUSED = (
    "round__instrument__source",
    "round__invitation_subject",
    "round__invitation_body",
    "round__reminder_subject",
    "round__reminder_body",
    *(
        f"round__facilitator__{name}"
        for name in ("password", "last_login", "is_superuser", "is_staff", "is_active", "date_joined")
    ),
    *(
        f"round__partnership__{name}"
        for name in (
            "aims_and_objectives",
            "council_priorities",
            "council_role",
            "benefit_to_residents",
            "governing_agreement",
            "exit_strategy",
            "significance_override",
            "significance_reason",
            "lead_officer",
            "senior_sponsor",
            "service_area",
            "continuum",
            "structure_model",
            "statutory_status",
            "lifecycle_stage",
            "risk",
            "is_outside_body",
            "start_date",
            "review_due_date",
            "created_at",
            "updated_at",
            "created_by",
            "stands_for_council",
        )
    ),
)


def _page_invitations() -> QuerySet[Invitation]:
    # No more joins than the pages need: this runs on every respondent's request. The facilitator is the
    # contact named on the welcome page and on every page that explains why a link cannot be used: their name
    # and address only (never their password hash or their account's dates).
    invitations = Invitation.objects.select_related(
        "round__partnership", "round__instrument", "round__facilitator", "response"
    )
    return invitations.defer(*_JOURNEY_UNUSED)


def invitation_for_token(token: str) -> Invitation | None:
    """Return the invitation whose link token is ``token`` (revoked ones too), or None when unknown: with its
    round, partnership, instrument and response, as every journey page shows them. (``_PAGE_LOOKUP``: the
    look-up's SQL is compiled once per process, see ``config.prepared``.)"""
    if not _plausible(token):
        return None
    return _PAGE_LOOKUP.get(hash_token(token))


# What a save reads, and nothing more: whether the link may still answer (the invitation's withdrawal and
# submission, the round's state and close date), the instrument's version (its read model's key), and the
# response's values that a save compares before it writes.
_SAVE_FIELDS = (
    "id",
    "round_id",
    "revoked_at",
    "submitted_on",
    "round__id",
    "round__state",
    "round__closes_on",
    "round__instrument_id",
    "round__instrument__id",
    "round__instrument__loaded_at",
    "response__id",
    "response__invitation_id",
    "response__round_id",
    "response__status",
    "response__significance",
    "response__success",
    "response__success_comment",
)


def invitation_to_save(token: str, *, lock: bool = True) -> Invitation | None:
    """Return the invitation whose link token is ``token``, locked (inside a transaction) with its response as it
    is read: the lock a save needs (``services._lock_for_answers``), taken in the same query. None when unknown.
    ``lock=False``: the same columns, unlocked (the submit, which locks the round first and then the invitation).

    It reads only what a save reads (``_SAVE_FIELDS``): a third of the columns of ``invitation_for_token`` and
    no partnership, which is most of a save's look-up time. A page drawn after a save that was not made (a
    refusal, an error in the form, a conflict) reads the invitation again with ``for_page``.
    """
    if not _plausible(token):
        return None
    return (_LOCKING_SAVE_LOOKUP if lock else _SAVE_LOOKUP).get(hash_token(token))


def _save_invitations() -> QuerySet[Invitation]:
    return Invitation.objects.select_related("round__instrument", "response").only(*_SAVE_FIELDS)


# The respondent's look-ups by token, each compiled by Django once per process instead of on every request:
# compiling their joins was more than half of each look-up's time (``config.prepared``).
_PAGE_LOOKUP = PreparedGet(_page_invitations, "token_hash")
_SAVE_LOOKUP = PreparedGet(_save_invitations, "token_hash")
_LOCKING_SAVE_LOOKUP = PreparedGet(lambda: _save_invitations().select_for_update(of=("self",)), "token_hash")


def read_for_page(invitation: Invitation) -> bool:
    """True when ``invitation`` was read with everything a journey page shows (``invitation_for_token``), False
    when it was read for a save only (``invitation_to_save``), even if a service has since given it a fuller
    round (the submit does)."""
    return not invitation.get_deferred_fields() and Round.partnership.is_cached(invitation.round)


def for_page(invitation: Invitation, token: str) -> Invitation:
    """Return ``invitation`` read with everything a journey page shows: itself, or read again by ``token`` when
    it was read for a save only. (One query, on the pages drawn after a save that was not made.)"""
    if read_for_page(invitation):
        return invitation
    again = invitation_for_token(token)
    if again is None:  # deleted meanwhile (by an administrator): never name the link in an error
        raise Invitation.DoesNotExist("The invitation was deleted while its page was being drawn.")
    return again


def _plausible(token: str) -> bool:
    return bool(token) and len(token) <= 100


def response_of(invitation: Invitation) -> Response | None:
    """Return the invitation's response, or None when the respondent has not saved anything yet."""
    try:
        return invitation.response
    except Response.DoesNotExist:
        return None


def response_answers(response: Response | None, statements: Iterable[StatementInfo]) -> dict[int, Answer]:
    """Return the saved answers of ``response`` to ``statements``, keyed by statement id."""
    if response is None:
        return {}
    ids = [s.id for s in statements]
    return {a.statement_id: a for a in Answer.objects.filter(response=response, statement_id__in=ids)}


@dataclass(frozen=True)
class MissingItem:
    """Something the respondent still has to answer before submitting, with the step it is on."""

    step: int
    anchor: str
    label: str
    short: str = ""


@dataclass(frozen=True)
class Progress:
    """Per step, whether everything on it is answered; ``missing`` lists what is not."""

    complete_steps: frozenset[int]
    missing: list[MissingItem] = field(default_factory=list)
    step_count: int = 0
    # How many items each step asks for (six statements, six ratings, one success statement on the PAT).
    items_by_step: dict[int, int] = field(default_factory=dict)

    def left_on(self, step: int) -> int:
        """Return how many items of ``step`` are not answered yet."""
        return sum(1 for item in self.missing if item.step == step)

    def is_started(self, step: int) -> bool:
        """Return True when something on ``step`` is answered."""
        return self.left_on(step) < self.items_by_step.get(step, 0)

    def first_incomplete_step(self) -> int | None:
        """Return the first step (1..8 on the PAT) with something unanswered, or None when all are answered."""
        for step in range(1, self.step_count + 1):
            if step not in self.complete_steps:
                return step
        return None

    @property
    def answered_steps(self) -> int:
        return len(self.complete_steps)


def find_missing(
    structure: InstrumentStructure,
    answered_statement_ids: set[int],
    significance: Sequence[int | None],
    success: int | None,
) -> Progress:
    """Return the progress of a response: which steps are complete, and every missing item."""
    steps = journey_steps(structure)
    missing: list[MissingItem] = []
    incomplete: set[int] = set()
    for statement in structure.statements:
        if statement.id not in answered_statement_ids:
            number = statement.principle
            incomplete.add(number)
            missing.append(
                MissingItem(
                    number,
                    f"statement-{statement.code}",
                    f"Statement {statement.code}: {statement.text}",
                    statement.code,
                )
            )
    given = dict(zip(structure.principle_numbers, significance, strict=False))
    for principle in structure.principles:
        if given.get(principle.number) is None:
            incomplete.add(steps.significance)
            missing.append(
                MissingItem(
                    steps.significance,
                    f"significance-{principle.number}",
                    f"Significance of principle {principle.number}: {principle.title}",
                    f"principle {principle.number}",
                )
            )
    if success is None:
        incomplete.add(steps.success)
        missing.append(MissingItem(steps.success, "success", "The success statement", "the success statement"))
    complete = frozenset(set(steps.numbers) - incomplete)
    items = {p.number: len(p.statements) for p in structure.principles}
    items[steps.significance] = structure.principle_count
    items[steps.success] = 1
    return Progress(complete_steps=complete, missing=missing, step_count=steps.count, items_by_step=items)


def response_progress(
    response: Response | None, instrument: Instrument, answers: Mapping[int, Answer] | None = None
) -> Progress:
    """Return the progress of ``response`` (None: nothing saved yet) through the instrument.

    One query, or none when the page has already read every saved answer (``answers``, from
    ``response_answers`` over all the statements).
    """
    structure = instrument_structure(instrument)
    if response is None:
        return find_missing(structure, set(), [], None)
    if answers is not None:
        answered = {statement_id for statement_id, answer in answers.items() if answer.value is not None}
    else:
        answered = set(
            Answer.objects.filter(response=response, value__isnull=False).values_list("statement_id", flat=True)
        )
    return find_missing(structure, answered, response.significance or [], response.success)


@dataclass(frozen=True)
class PrincipleResult:
    number: int
    title: str
    score: int
    band: scoring.Band


@dataclass(frozen=True)
class Profile:
    """A respondent's own profile: six principle scores and the total, each with its band wording."""

    principles: list[PrincipleResult]
    total: int
    total_band: scoring.Band


def response_profile(response: Response, instrument: Instrument) -> Profile:
    """Return the submitted response's scores with the instrument's band wording for each."""
    if response.principle_scores is None or response.total is None:
        raise TypeError(f"Response {response.pk} has no scores; only a submitted response has a profile.")
    structure = instrument_structure(instrument)
    scores = structure.scores_by_number(response.principle_scores)
    results = [
        PrincipleResult(
            number=p.number,
            title=p.title,
            score=scores[p.number],
            band=scoring.band_for(scores[p.number], p.bands),
        )
        for p in structure.principles
    ]
    total = response.total
    return Profile(principles=results, total=total, total_band=scoring.band_for(total, structure.total_bands))


@dataclass(frozen=True)
class ReviewSheet:
    principle: PrincipleInfo
    rows: list[tuple[StatementInfo, Answer | None]]


def response_review(
    response: Response | None, instrument: Instrument, answers: Mapping[int, Answer] | None = None
) -> list[ReviewSheet]:
    """Return, per principle, each statement with the respondent's saved answer (or None).

    ``answers``: every saved answer, when the page has read them already (``response_answers``).
    """
    structure = instrument_structure(instrument)
    if answers is None:
        answers = response_answers(response, structure.statements)
    return [ReviewSheet(p, [(s, answers.get(s.id)) for s in p.statements]) for p in structure.principles]


# --- My assessments ---------------------------------------------------------------------------------------


def invitations_for_user(user) -> QuerySet[Invitation]:
    """Return the signed-in user's live invitations in rounds that are open or closed (not drafts).

    An invitation is theirs when it is linked to their account or sent to their account's email address.
    """
    mine = Q(user=user)
    if user.email:
        mine |= Q(email__iexact=user.email)
    return (
        Invitation.objects.live()
        .filter(mine)
        .exclude(round__state=RoundState.DRAFT)
        .select_related("round__partnership", "response")
        .order_by("-round__closes_on", "round__title")
    )


# --- Before an exit is completed --------------------------------------------------------------------------


@dataclass(frozen=True)
class ExitOutstanding:
    """What is still open when an exit is completed: the question asked before completing it."""

    open_actions: list[ActionItem]
    unfinished_rounds: list[Round]
    review_due: datetime.date | None  # the annual review date, when it is today or earlier

    @property
    def anything(self) -> bool:
        return bool(self.open_actions or self.unfinished_rounds or self.review_due)


def exit_outstanding(partnership, today: datetime.date | None = None) -> ExitOutstanding:
    """Return the partnership's open actions, its rounds not yet closed and an overdue annual review."""
    today = today or timezone.localdate()
    actions = (
        ActionItem.objects.filter(
            round__partnership=partnership, status__in=[ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS]
        )
        .select_related("round", "principle")
        .order_by("due_date", "pk")
    )
    rounds = Round.objects.filter(partnership=partnership).exclude(state=RoundState.CLOSED).order_by("opens_on")
    due = partnership.review_due_date
    return ExitOutstanding(list(actions), list(rounds), due if due is not None and due <= today else None)


def partner_organisation_names(round_: Round) -> list[str]:
    """Return the names of the round's partnership's partner organisations, alphabetically (one query)."""
    return list(
        Membership.objects.filter(partnership_id=round_.partnership_id)
        .order_by("organisation__name")
        .values_list("organisation__name", flat=True)
    )


def invitations_below_minimum(round_: Round) -> list[partners.SmallGroup]:
    """Return the organisations and levels of the round's current invitations that are too small to be shown
    separately in its results (settings.PHC_MIN_GROUP_SIZE)."""
    rows = Invitation.objects.filter(round=round_).live().values_list("organisation", "level")
    return partners.groups_below_minimum(rows, settings.PHC_MIN_GROUP_SIZE, dict(Level.choices))
