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
    Statement,
)
from assessments.tokens import hash_token
from partnerships.models import Membership

# The respondent's journey, as numbered steps: the welcome page, six principle sheets (steps 1 to 6), then
# significance, then success, then the review page. Only the sheets, significance and success are counted.
WELCOME_STEP = 0
PRINCIPLE_STEPS = 6
SIGNIFICANCE_STEP = PRINCIPLE_STEPS + 1
SUCCESS_STEP = PRINCIPLE_STEPS + 2
STEP_COUNT = SUCCESS_STEP
REVIEW_STEP = STEP_COUNT + 1


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


# An instrument never changes once loaded (a new version is a new instrument), so what is read of it is kept
# in the process for the respondents' pages: the key includes ``loaded_at`` so a reloaded instrument misses.


def _key(instrument: Instrument) -> tuple[int, str]:
    return instrument.pk, instrument.loaded_at.isoformat()


@lru_cache(maxsize=64)
def _answer_options(key: tuple[int, str]) -> tuple[AnswerOption, ...]:
    return tuple(AnswerOption.objects.filter(instrument_id=key[0]).order_by("-value"))


def answer_options(instrument: Instrument) -> list[AnswerOption]:
    """Return the instrument's answer scale, highest value first (Strongly agree 4 ... Strongly disagree 1)."""
    return list(_answer_options(_key(instrument)))


@dataclass(frozen=True)
class PrincipleSheet:
    """One principle's sheet of the journey: the principle and its statements in order, each with its element."""

    principle: Principle
    statements: tuple[Statement, ...]


@lru_cache(maxsize=256)
def _principle_sheet(key: tuple[int, str], number: int) -> PrincipleSheet:
    principle = Principle.objects.get(instrument_id=key[0], number=number)
    statements = Statement.objects.filter(principle=principle).select_related("element").order_by("position")
    return PrincipleSheet(principle, tuple(statements))


def principle_sheet(instrument: Instrument, number: int) -> PrincipleSheet:
    """Return the sheet of principle ``number``: the principle and its statements in order.

    The same read-only object is shared by every request of the process."""
    return _principle_sheet(_key(instrument), number)


@lru_cache(maxsize=64)
def _instrument_principles(key: tuple[int, str]) -> tuple[Principle, ...]:
    return tuple(Principle.objects.filter(instrument_id=key[0]).order_by("number"))


def instrument_principles(instrument: Instrument) -> list[Principle]:
    return list(_instrument_principles(_key(instrument)))


@lru_cache(maxsize=64)
def _instrument_statements(key: tuple[int, str]) -> tuple[Statement, ...]:
    return tuple(
        Statement.objects.filter(principle__instrument_id=key[0])
        .select_related("principle", "element")
        .order_by("position")
    )


def instrument_statements(instrument: Instrument) -> list[Statement]:
    """Return all the instrument's statements in order, each with its principle and element."""
    return list(_instrument_statements(_key(instrument)))


@dataclass(frozen=True)
class InstrumentBands:
    """The instrument's bands as scoring-core values: per principle number, and for the total."""

    principles: dict[int, list[scoring.Band]]
    total: list[scoring.Band]


def instrument_bands(instrument: Instrument) -> InstrumentBands:
    """Return the band thresholds and wording stored for ``instrument`` (one query, then kept)."""
    return _instrument_bands(_key(instrument))


@lru_cache(maxsize=64)
def _instrument_bands(key: tuple[int, str]) -> InstrumentBands:
    principles: dict[int, list[scoring.Band]] = {}
    total: list[scoring.Band] = []
    rows = Band.objects.filter(instrument_id=key[0]).select_related("principle")
    for row in rows:
        band = scoring.Band(row.min_score, row.max_score, row.text)
        principle = row.principle  # loaded by select_related; None exactly when principle_id is None
        if principle is None:
            total.append(band)
        else:
            principles.setdefault(principle.number, []).append(band)
    return InstrumentBands(principles=principles, total=total)


@dataclass(frozen=True)
class StatementInfo:
    id: int
    code: str
    text: str
    principle: int
    element_title: str


@dataclass(frozen=True)
class PrincipleInfo:
    number: int
    title: str
    short_title: str
    bands: tuple[scoring.Band, ...]
    statements: tuple[StatementInfo, ...]


@dataclass(frozen=True)
class InstrumentStructure:
    """An instrument's principles, statements, scale, bands and scenario wording, as plain values."""

    id: int
    title: str
    success_statement: str
    scale: dict[int, str]
    principles: tuple[PrincipleInfo, ...]
    total_bands: tuple[scoring.Band, ...]
    scenario_texts: dict[str, str]

    @property
    def statements(self) -> list[StatementInfo]:
        return [s for p in self.principles for s in p.statements]

    def principle(self, number: int) -> PrincipleInfo:
        return self.principles[number - 1]


@lru_cache(maxsize=32)
def _structure(key: tuple[int, str]) -> InstrumentStructure:
    instrument = (
        Instrument.objects.prefetch_related("answer_options", "scenarios", "principles__statements__element")
        .defer("source")
        .get(pk=key[0])
    )
    bands = instrument_bands(instrument)
    principles = []
    for p in instrument.principles.all():
        statements = tuple(
            StatementInfo(s.id, s.code, s.text, p.number, s.element.title)
            for s in sorted(p.statements.all(), key=lambda s: s.position)
        )
        principles.append(
            PrincipleInfo(
                p.number, p.title, p.short_title, tuple(scoring.ordered_bands(bands.principles[p.number])), statements
            )
        )
    return InstrumentStructure(
        id=instrument.id,
        title=instrument.title,
        success_statement=instrument.success_statement,
        scale={o.value: o.label for o in instrument.answer_options.all()},
        principles=tuple(principles),
        total_bands=tuple(scoring.ordered_bands(bands.total)),
        scenario_texts={s.code: s.text for s in instrument.scenarios.all()},
    )


def instrument_structure(instrument: Instrument) -> InstrumentStructure:
    """Return the instrument's principles, statements, bands and wording (cached; instruments never change)."""
    return _structure(_key(instrument))


# --- Invitations and responses ----------------------------------------------------------------------------


def invitation_for_token(token: str) -> Invitation | None:
    """Return the invitation whose link token is ``token`` (revoked ones too), or None when unknown."""
    if not token or len(token) > 100:
        return None
    # No ordering and no more joins than the pages need: this runs on every respondent's request, and
    # PostgreSQL's planning time grows with each join (the facilitator is loaded only where shown).
    try:
        return (
            Invitation.objects.select_related("round__partnership", "round__instrument", "response")
            .defer("round__instrument__source")
            .get(token_hash=hash_token(token))
        )
    except Invitation.DoesNotExist:
        return None


def response_of(invitation: Invitation) -> Response | None:
    """Return the invitation's response, or None when the respondent has not saved anything yet."""
    try:
        return invitation.response
    except Response.DoesNotExist:
        return None


def response_answers(response: Response | None, statements: Iterable[Statement]) -> dict[int, Answer]:
    """Return the saved answers of ``response`` to ``statements``, keyed by statement id."""
    if response is None:
        return {}
    ids = [s.pk for s in statements]
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
    # How many items each step asks for (six statements, six ratings, one success statement).
    items_by_step: dict[int, int] = field(default_factory=dict)

    def left_on(self, step: int) -> int:
        """Return how many items of ``step`` are not answered yet."""
        return sum(1 for item in self.missing if item.step == step)

    def is_started(self, step: int) -> bool:
        """Return True when something on ``step`` is answered."""
        return self.left_on(step) < self.items_by_step.get(step, 0)

    def first_incomplete_step(self) -> int | None:
        """Return the first step (1..8) with something unanswered, or None when all are answered."""
        for step in range(1, STEP_COUNT + 1):
            if step not in self.complete_steps:
                return step
        return None

    @property
    def answered_steps(self) -> int:
        return len(self.complete_steps)


def find_missing(
    statements: Sequence[Statement],
    answered_statement_ids: set[int],
    significance: Sequence[int | None],
    success: int | None,
    principles: Sequence[Principle],
) -> Progress:
    """Return the progress of a response: which of the 8 steps are complete, and every missing item."""
    missing: list[MissingItem] = []
    incomplete: set[int] = set()
    for statement in statements:
        if statement.pk not in answered_statement_ids:
            number = statement.principle.number
            incomplete.add(number)
            missing.append(
                MissingItem(
                    number,
                    f"statement-{statement.code}",
                    f"Statement {statement.code}: {statement.text}",
                    statement.code,
                )
            )
    for principle in principles:
        index = principle.number - 1
        if index >= len(significance) or significance[index] is None:
            incomplete.add(SIGNIFICANCE_STEP)
            missing.append(
                MissingItem(
                    SIGNIFICANCE_STEP,
                    f"significance-{principle.number}",
                    f"Significance of principle {principle.number}: {principle.title}",
                    f"principle {principle.number}",
                )
            )
    if success is None:
        incomplete.add(SUCCESS_STEP)
        missing.append(MissingItem(SUCCESS_STEP, "success", "The success statement", "the success statement"))
    complete = frozenset(set(range(1, STEP_COUNT + 1)) - incomplete)
    items = {p.number: 0 for p in principles}
    for statement in statements:
        items[statement.principle.number] = items.get(statement.principle.number, 0) + 1
    items[SIGNIFICANCE_STEP] = len(principles)
    items[SUCCESS_STEP] = 1
    return Progress(complete_steps=complete, missing=missing, items_by_step=items)


def response_progress(response: Response | None, instrument: Instrument) -> Progress:
    """Return the progress of ``response`` (None: nothing saved yet) through the instrument (one query)."""
    statements = instrument_statements(instrument)
    principles = instrument_principles(instrument)
    if response is None:
        return find_missing(statements, set(), [], None, principles)
    answered = set(Answer.objects.filter(response=response, value__isnull=False).values_list("statement_id", flat=True))
    return find_missing(statements, answered, response.significance or [], response.success, principles)


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
    scores, total = response.principle_scores, response.total
    if scores is None or total is None:
        raise TypeError(f"Response {response.pk} has no scores; only a submitted response has a profile.")
    bands = instrument_bands(instrument)
    principles = instrument_principles(instrument)
    results = [
        PrincipleResult(
            number=p.number,
            title=p.title,
            score=scores[p.number - 1],
            band=scoring.band_for(scores[p.number - 1], bands.principles[p.number]),
        )
        for p in principles
    ]
    return Profile(principles=results, total=total, total_band=scoring.band_for(total, bands.total))


@dataclass(frozen=True)
class ReviewSheet:
    principle: Principle
    rows: list[tuple[Statement, Answer | None]]


def response_review(response: Response | None, instrument: Instrument) -> list[ReviewSheet]:
    """Return, per principle, each statement with the respondent's saved answer (or None)."""
    statements = instrument_statements(instrument)
    answers = response_answers(response, statements)
    sheets: dict[int, ReviewSheet] = {}
    for statement in statements:
        sheet = sheets.setdefault(statement.principle.number, ReviewSheet(statement.principle, []))
        sheet.rows.append((statement, answers.get(statement.pk)))
    return list(sheets.values())


def labels_by_value(options: Iterable[AnswerOption]) -> Mapping[int, str]:
    return {o.value: o.label for o in options}


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
