"""Reads of stages 3 and 4: a round's computed results, the summaries of many rounds, and the action plan.

The database work is a fixed number of queries per round, whatever its number of responses: responses carry
their principle scores (worked out on submit), the answer distribution is counted in SQL, and the
instrument's structure is read once per process (instruments are immutable once loaded). A closed round's
results are computed once and kept in the shared cache under a fingerprint of its responses.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db.models import Avg, Count, Max, Q, QuerySet
from django.utils import timezone

from assessments import scoring
from assessments.models import (
    ActionItem,
    Answer,
    GroupDimension,
    GroupTally,
    Invitation,
    Level,
    Response,
    ResponseStatus,
    Round,
    RoundState,
)
from assessments.readmodel import InstrumentStructure, PrincipleInfo, StatementInfo
from assessments.selectors import instrument_structure, round_counts
from results import comparison

LEVEL_LABELS = dict(Level.choices)


# --- Aggregation of responses ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RespondentProfile:
    """One submitted response's numbers. In an anonymous round it carries no organisation or level (the
    response is not linked to anyone) and ``label`` is "Respondent N" in a keyed order."""

    number: int
    label: str
    organisation: str | None
    level: str | None
    principle_scores: tuple[int, ...]
    total: int
    significance: tuple[int | None, ...]
    success: int | None
    response_id: int
    # Named rounds only: unsuppressed groups for the breakdowns, which apply the minimum group size themselves.
    raw_organisation: str = ""
    raw_level: str = ""
    success_comment: str = ""
    # The 36 answers and comments in the instrument's statement order.
    answers: tuple[int | None, ...] = ()
    comments: tuple[str, ...] = ()


@dataclass
class PrincipleRow:
    info: PrincipleInfo
    aggregate: scoring.PrincipleAggregate
    significance_mean: float | None
    priority_rank: int | None = None
    priority_weight: float | None = None
    change: float | None = None
    statements: list = field(default_factory=list)  # this principle's StatementRows (results page)


@dataclass
class Summary:
    """What the register, partnership page and portfolio need of a round: total, band, scenario, means."""

    round_id: int
    responses: int
    total: scoring.TotalAggregate
    principles: dict[int, scoring.PrincipleAggregate]
    significance_means: dict[int, float]
    scenario: scoring.ScenarioResult


def _sig_means(rows: list[RespondentProfile], structure: InstrumentStructure) -> dict[int, float]:
    by_number: dict[int, list[int]] = defaultdict(list)
    for r in rows:
        for number, value in zip(structure.principle_numbers, r.significance, strict=False):
            if value is not None:
                by_number[number].append(value)
    return {n: scoring.mean_one_decimal(by_number[n]) for n in structure.principle_numbers if by_number[n]}


def summarise(round_id: int, rows: list[RespondentProfile], structure: InstrumentStructure) -> Summary:
    """Aggregate submitted respondents' scores with the pure core: totals, principles, scenario."""
    total = scoring.aggregate_total([r.total for r in rows], structure.total_bands)
    columns = dict(zip(structure.principle_numbers, zip(*(r.principle_scores for r in rows), strict=True), strict=True))
    principles = {
        p.number: scoring.aggregate_principle(p.number, list(columns[p.number]), p.bands) for p in structure.principles
    }
    sig = _sig_means(rows, structure)
    result = scoring.scenario(
        total.mean,
        {n: a.mean for n, a in principles.items()},
        sig,
        {n: a.agreement for n, a in principles.items()},
        structure.scenario_rules,
    )
    return Summary(round_id, len(rows), total, principles, sig, result)


def _keyed_order(purpose: str, value: object) -> str:
    # A keyed hash: an order that follows neither invitation nor submission, and cannot be worked out
    # without the secret key.
    return hmac.new(settings.SECRET_KEY.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def _anonymous_order_key(response_id: int) -> str:
    return _keyed_order("respondent", response_id)


def _profiles(round_: Round, response_rows: list[dict]) -> list[RespondentProfile]:
    if round_.anonymous:
        return _anonymous_profiles(response_rows)
    rows = sorted(response_rows, key=lambda r: (r["submitted_at"], r["id"]))
    min_size = settings.PHC_MIN_GROUP_SIZE
    organisations = scoring.suppress_small_groups([r["invitation__organisation"] for r in rows], min_size)
    levels = scoring.suppress_small_groups([LEVEL_LABELS.get(r["invitation__level"]) for r in rows], min_size)
    return [
        RespondentProfile(
            number=index,
            label=row["invitation__name"],
            organisation=organisation,
            level=level,
            principle_scores=tuple(row["principle_scores"]),
            total=row["total"],
            significance=tuple(row["significance"] or ()),
            success=row["success"],
            response_id=row["id"],
            raw_organisation=row["invitation__organisation"],
            raw_level=LEVEL_LABELS.get(row["invitation__level"], row["invitation__level"]),
            success_comment=row["success_comment"],
            answers=tuple(row["answer_values"]),
            comments=tuple(row["answer_comments"]),
        )
        for index, (row, organisation, level) in enumerate(zip(rows, organisations, levels, strict=True), start=1)
    ]


def _anonymous_profiles(response_rows: list[dict]) -> list[RespondentProfile]:
    # No organisation or level: even a blank one would single out whoever is alone in their group. The
    # comparisons by group come from the round's tallies instead (``_breakdowns``).
    rows = sorted(response_rows, key=lambda r: _anonymous_order_key(r["id"]))
    return [
        RespondentProfile(
            number=index,
            label=f"Respondent {index}",
            organisation=None,
            level=None,
            principle_scores=tuple(row["principle_scores"]),
            total=row["total"],
            significance=tuple(row["significance"] or ()),
            success=row["success"],
            response_id=row["id"],
            success_comment=row["success_comment"],
            answers=tuple(row["answer_values"]),
            comments=tuple(row["answer_comments"]),
        )
        for index, row in enumerate(rows, start=1)
    ]


RESPONSE_FIELDS = (
    "id",
    "round_id",
    "principle_scores",
    "total",
    "significance",
    "success",
    "success_comment",
    "submitted_at",
    "answer_values",
    "answer_comments",
    "invitation__name",
    "invitation__organisation",
    "invitation__level",
)


def _submitted_rows(round_ids) -> list[dict]:
    return list(Response.objects.submitted().filter(round_id__in=round_ids).values(*RESPONSE_FIELDS))


# --- The results page ------------------------------------------------------------------------------------


@dataclass
class StatementRow:
    info: StatementInfo
    distribution: dict[int, int]
    n: int
    divided: bool
    comments: list[tuple[str, str | None]] = field(default_factory=list)


@dataclass
class RoundResults:
    round: Round
    structure: InstrumentStructure
    invited: int
    submitted: int
    min_responses: int
    enough: bool
    summary: Summary | None = None
    principles: list[PrincipleRow] = field(default_factory=list)
    statements: list[StatementRow] = field(default_factory=list)
    priorities: list[scoring.Priority] = field(default_factory=list)
    by_organisation: list[scoring.GroupAggregate] = field(default_factory=list)
    by_level: list[scoring.GroupAggregate] = field(default_factory=list)
    # Where partners differ (results.comparison): only groups the breakdowns show.
    principle_gaps: list[comparison.PrincipleGap] = field(default_factory=list)
    statement_spreads: list[comparison.StatementSpread] = field(default_factory=list)
    success_distribution: dict[int, int] = field(default_factory=dict)
    success_comments: list[tuple[str, str | None]] = field(default_factory=list)
    respondents: list[RespondentProfile] = field(default_factory=list)
    previous: Round | None = None
    previous_summary: Summary | None = None
    total_change: float | None = None

    @property
    def waiting_for_close(self) -> bool:
        """True when there are enough responses but an anonymous round is still open."""
        return self.submitted >= self.min_responses and not self.enough

    @property
    def response_rate(self) -> float | None:
        return round(100 * self.submitted / self.invited) if self.invited else None

    @property
    def scenario_text(self) -> str:
        return self.structure.scenario_texts.get(self.summary.scenario.code, "") if self.summary else ""

    @property
    def priority_rows(self) -> list[tuple[scoring.Priority, PrincipleInfo]]:
        return [(p, self.structure.principle(p.number)) for p in self.priorities]

    def principle_statements(self, number: int) -> list[StatementRow]:
        return [s for s in self.statements if s.info.principle == number]

    @property
    def largest_gaps(self) -> list[tuple[comparison.PrincipleGap, PrincipleInfo]]:
        """The ten largest gaps between a group and the partnership, with their principle."""
        return [(g, self.structure.principle(g.principle)) for g in self.principle_gaps[:10]]

    @property
    def spread_rows(self) -> list[tuple[comparison.StatementSpread, StatementInfo]]:
        infos = {s.id: s for s in self.structure.statements}
        return [(s, infos[s.statement_id]) for s in self.statement_spreads if s.statement_id in infos]


def results_visible(round_: Round, submitted: int) -> bool:
    """Return True when the round's results may be shown: enough responses, and an anonymous round closed.

    While an anonymous round is open the facilitator sees who has not yet responded; results that changed as
    each person submitted would tell who answered what, so they wait for the round to close.
    """
    if submitted < settings.PHC_MIN_RESPONSES:
        return False
    return not round_.anonymous or round_.state == RoundState.CLOSED


# Bump when RoundResults (or anything it holds) changes shape, so results cached by older code are not reused.
RESULTS_VERSION = 3
RESULTS_CACHE_TIMEOUT = 60 * 60 * 24 * 7


def results_fingerprint(round_: Round) -> str | None:
    """Return a key that changes whenever a closed round's results could change, or None for other rounds.

    It covers the round's responses (count and latest change), its live invitations (the response rate), its
    state and anonymity, the previous round it is compared with (and that round's responses), and the settings
    that shape the results.
    """
    if round_.state != RoundState.CLOSED:
        return None
    previous = previous_round(round_)
    ids = [round_.pk] + ([previous.pk] if previous else [])
    marks = {
        row["round_id"]: (row["n"], row["submitted"], row["last"].isoformat() if row["last"] else "")
        for row in Response.objects.filter(round_id__in=ids)
        .values("round_id")
        .annotate(
            n=Count("id"),
            submitted=Count("id", filter=Q(status=ResponseStatus.SUBMITTED)),
            last=Max("updated_at"),
        )
    }
    invited = Invitation.objects.live().filter(round=round_).count()
    parts = (
        RESULTS_VERSION,
        round_.pk,
        round_.anonymous,
        invited,
        round_.instrument_id,
        marks.get(round_.pk),
        previous.pk if previous else None,
        previous.title if previous else None,
        previous.closes_on.isoformat() if previous else None,
        marks.get(previous.pk) if previous else None,
        settings.PHC_MIN_RESPONSES,
        settings.PHC_MIN_GROUP_SIZE,
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def previous_round(round_: Round) -> Round | None:
    """Return the partnership's latest closed round with results that closed before this one, or None."""
    return (
        Round.objects.filter(
            partnership_id=round_.partnership_id,
            closes_on__lt=round_.closes_on,
            instrument_id=round_.instrument_id,
        )
        .exclude(pk=round_.pk)
        .with_results()
        .order_by("-closes_on", "-id")
        .first()
    )


def round_results(round_: Round, *, with_detail: bool = True, respondents_only: bool = False) -> RoundResults:
    """Return everything the results page, workshop and exports show for a round, in a fixed number of queries.

    Until ``results_visible`` (enough responses; an anonymous round closed) only the counts are filled in.
    ``respondents_only`` stops after the respondents' profiles (all the CSV export needs), ``with_detail=False``
    before the statements. A closed round's results change only with its responses, so they are computed in
    full once and kept in the shared cache under ``results_fingerprint``; every caller then reads that object.
    """
    fingerprint = results_fingerprint(round_)
    if fingerprint is None:
        return compute_round_results(round_, with_detail=with_detail, respondents_only=respondents_only)
    key = f"round-results:{fingerprint}"
    results = cache.get(key)
    if results is None:
        results = compute_round_results(round_)
        cache.set(key, results, timeout=RESULTS_CACHE_TIMEOUT)
    # The round itself is the caller's: its title or next health check may have changed since.
    return replace(results, round=round_)


def compute_round_results(round_: Round, *, with_detail: bool = True, respondents_only: bool = False) -> RoundResults:
    """Return the round's results worked out from the database (``round_results`` without the cache)."""
    structure = instrument_structure(round_.instrument)
    counts = round_counts(round_)
    min_responses = settings.PHC_MIN_RESPONSES
    results = RoundResults(
        round=round_,
        structure=structure,
        invited=counts.invited,
        submitted=counts.submitted,
        min_responses=min_responses,
        enough=results_visible(round_, counts.submitted),
    )
    if not results.enough:
        return results
    rows = _submitted_rows([round_.id])
    profiles = _profiles(round_, rows)
    if len(profiles) < min_responses:  # a response was reopened between the two queries
        results.enough = False
        return results
    results.respondents = profiles
    if respondents_only:
        return results
    summary = summarise(round_.id, profiles, structure)
    results.summary = summary
    results.priorities = scoring.priority_ranking(
        {n: a.mean for n, a in summary.principles.items()}, summary.significance_means, structure.principle_max
    )
    ranks = {p.number: (i, p.weight) for i, p in enumerate(results.priorities, start=1)}

    previous = previous_round(round_)
    if previous is not None:
        prev_profiles = _profiles(previous, _submitted_rows([previous.id]))
        if len(prev_profiles) >= min_responses:
            results.previous = previous
            results.previous_summary = summarise(previous.id, prev_profiles, instrument_structure(previous.instrument))
            results.total_change = scoring.total_change(results.previous_summary.total.mean, summary.total.mean)
    for p in structure.principles:
        aggregate = summary.principles[p.number]
        rank, weight = ranks.get(p.number, (None, None))
        change = None
        if results.previous_summary:
            change = scoring.mean_change(results.previous_summary.principles[p.number].mean, aggregate.mean)
        results.principles.append(
            PrincipleRow(p, aggregate, summary.significance_means.get(p.number), rank, weight, change)
        )

    results.by_organisation, results.by_level = _breakdowns(round_, profiles, structure)
    results.principle_gaps = comparison.principle_gaps(
        {"organisation": results.by_organisation, "level": results.by_level},
        {n: a.mean for n, a in summary.principles.items()},
    )
    if with_detail and results.principle_gaps:
        results.statement_spreads = comparison.statement_spreads(_group_statement_means(round_, results))
    results.success_distribution = scoring.answer_distribution(
        [r.success for r in profiles if r.success is not None], structure.answer_scale
    )
    names = {p.response_id: (None if round_.anonymous else p.label) for p in profiles}
    results.success_comments = [
        (p.success_comment, names[p.response_id]) for p in profiles if p.success_comment.strip()
    ]
    if round_.anonymous:  # not in the order of "Respondent 1, 2, ..."
        results.success_comments.sort(key=lambda c: _keyed_order("success-comment", c[0]))
    if with_detail:
        results.statements = _statement_rows(round_, structure, profiles, names)
        for row in results.principles:
            row.statements = [s for s in results.statements if s.info.principle == row.info.number]
    return results


def _breakdowns(
    round_: Round, profiles: list[RespondentProfile], structure: InstrumentStructure
) -> tuple[list[scoring.GroupAggregate], list[scoring.GroupAggregate]]:
    """Return the breakdowns by organisation and by level: from a named round's responses, or from an
    anonymous round's tallies (its responses carry no groups), with the same suppression."""
    min_size = settings.PHC_MIN_GROUP_SIZE
    if round_.anonymous:
        tallies = list(GroupTally.objects.filter(round=round_))
        final = any(t.final for t in tallies)
        by_dimension: dict[str, list[scoring.GroupSums]] = {GroupDimension.ORGANISATION: [], GroupDimension.LEVEL: []}
        for t in tallies:
            sums = tuple(t.principle_sums) if t.principle_sums is not None else None
            by_dimension[t.dimension].append(scoring.GroupSums(t.name, t.respondents, sums, t.total_sum, t.withheld))
        # Final tallies are the breakdown as shown when the round closed; earlier ones are worked out here.
        groups = {
            key: sorted(value, key=lambda g: (g.name == scoring.OTHER_GROUP, g.name or ""))
            if final
            else scoring.breakdown_from_sums(value, min_size)
            for key, value in by_dimension.items()
        }
    else:
        groups = {
            GroupDimension.ORGANISATION: scoring.breakdown_from_sums(
                scoring.group_sums((p.raw_organisation, p.principle_scores) for p in profiles).values(), min_size
            ),
            GroupDimension.LEVEL: scoring.breakdown_from_sums(
                scoring.group_sums((p.raw_level, p.principle_scores) for p in profiles).values(), min_size
            ),
        }
    bands = {p.number: p.bands for p in structure.principles}
    by_organisation, by_level = (
        [scoring.group_aggregate(g, bands, structure.total_bands) for g in groups[key]]
        for key in (GroupDimension.ORGANISATION, GroupDimension.LEVEL)
    )
    return by_organisation, by_level


def _statement_rows(
    round_: Round, structure: InstrumentStructure, profiles: list[RespondentProfile], names: dict[int, str | None]
) -> list[StatementRow]:
    statements = structure.statements
    scale = structure.answer_scale
    counts: list[dict[int, int]] = [dict.fromkeys(scale.descending(), 0) for _ in statements]
    comments: list[list[tuple[str, str | None]]] = [[] for _ in statements]
    for profile in sorted(profiles, key=lambda p: p.response_id):
        for index, value in enumerate(profile.answers):
            if value is not None:
                counts[index][value] += 1
        for index, comment in enumerate(profile.comments):
            if comment:
                comments[index].append((comment, names.get(profile.response_id)))
    if round_.anonymous:
        # Comments are shown in a keyed order, never in response order.
        for items in comments:
            items.sort(key=lambda c: _keyed_order("comment", c[0]))
    rows = []
    for s, distribution, notes in zip(statements, counts, comments, strict=True):
        divided = scoring.is_divided_distribution(distribution, scale)
        rows.append(StatementRow(s, dict(distribution), sum(distribution.values()), divided, notes))
    return rows


def _group_statement_means(round_: Round, results: RoundResults) -> dict[str, dict[int, dict[str, float]]]:
    """Return {kind: {statement id: {group: mean answer}}} for the groups the breakdowns show (one query per
    kind, whatever the number of respondents)."""
    means: dict[str, dict[int, dict[str, float]]] = {}
    for kind, groups in (("organisation", results.by_organisation), ("level", results.by_level)):
        shown = {g.name for g in comparison.comparable_groups(groups)}
        if len(shown) < 2:
            continue
        column = f"response__invitation__{kind}"
        labels = dict(Level.choices) if kind == "level" else {}
        rows = (
            Answer.objects.filter(
                response__round=round_, response__status=ResponseStatus.SUBMITTED, value__isnull=False
            )
            .values("statement_id", column)
            .annotate(mean=Avg("value"))
            .order_by()
        )
        by_statement: dict[int, dict[str, float]] = defaultdict(dict)
        for row in rows:
            name = labels.get(row[column], row[column])
            if name in shown:
                by_statement[row["statement_id"]][name] = scoring.one_decimal(row["mean"])
        means[kind] = dict(by_statement)
    return means


# --- Summaries for many rounds at once (register, partnership page, portfolio) ---------------------------


def _scored_responses(rounds: list[Round]) -> QuerySet[Response]:
    """The submitted responses of ``rounds``, unordered."""
    return Response.objects.submitted().filter(round_id__in=[r.id for r in rounds]).order_by()


def _shows_results(round_: Round, respondents: int) -> bool:
    """Whether a round's results are shown outside its own results page: closed, with enough respondents."""
    return respondents >= settings.PHC_MIN_RESPONSES and round_.state == RoundState.CLOSED


def round_summaries(rounds: list[Round]) -> dict[int, Summary]:
    """Return {round id: Summary} for the closed rounds with enough submitted responses, in one query."""
    if not rounds:
        return {}
    by_round: dict[int, list[RespondentProfile]] = defaultdict(list)
    # Only the numbers a summary needs, unordered: no answers, comments or invitation. A region's portfolio
    # reads 60,000 responses, whose 36 answers and comments took most of its time; and the join to the
    # invitations made PostgreSQL 16.2 fail on the anonymous responses' empty keys (a parallel hash join).
    numbers = _scored_responses(rounds).values_list(
        "id", "round_id", "principle_scores", "total", "significance", "success"
    )
    for response_id, round_id, scores, total, significance, success in numbers:
        if scores is None or total is None:  # never for a submitted response: its scores are saved on submit
            continue
        by_round[round_id].append(
            RespondentProfile(
                number=0,
                label="",
                organisation=None,
                level=None,
                principle_scores=tuple(scores),
                total=total,
                significance=tuple(significance or ()),
                success=success,
                response_id=response_id,
            )
        )
    summaries = {}
    for round_ in rounds:
        profiles = by_round.get(round_.id, [])
        if _shows_results(round_, len(profiles)):
            structure = instrument_structure(round_.instrument)
            summaries[round_.id] = summarise(round_.id, profiles, structure)
    return summaries


def latest_rounds(partnership_ids, on: date | None = None, facilitated_by=None) -> dict[int, Round]:
    """Return {partnership id: its latest round with enough submitted responses, among those closed on or
    before ``on`` (any date when None)}, in one query. ``partnership_ids`` None means every partnership;
    ``facilitated_by`` a user keeps only the rounds they facilitate (a facilitator sees no one else's)."""
    rounds = Round.objects.all() if on is None else Round.objects.filter(closes_on__lte=on)
    if facilitated_by is not None:
        rounds = rounds.filter(facilitator=facilitated_by)
    if partnership_ids is not None:
        rounds = rounds.filter(partnership_id__in=list(partnership_ids))
    rounds = (
        rounds.with_results()
        .select_related("instrument")
        .defer("instrument__source")
        .order_by("partnership_id", "-closes_on", "-id")
        .distinct("partnership_id")
    )
    return {r.partnership_id: r for r in rounds}


def _only_own_rounds(viewer):
    """The facilitator whose own rounds alone ``viewer`` may see the summaries of (None: everyone's)."""
    return None if viewer is None or viewer.has_perm("results.see_all_summaries") else viewer


def latest_summaries(partnership_ids, viewer=None) -> dict[int, Summary]:
    """Return {partnership id: Summary} of each partnership's latest round with results among the rounds
    ``viewer`` may see the summary of (a facilitator only their own; everyone's when None), in two queries."""
    latest = latest_rounds(list(partnership_ids), facilitated_by=_only_own_rounds(viewer))
    summaries = round_summaries(list(latest.values()))
    return {pid: summaries[r.id] for pid, r in latest.items() if r.id in summaries}


def latest_totals(partnership_ids, viewer=None) -> dict[int, tuple[float, str]]:
    """Return {partnership id: (mean total, band label)} of each partnership's latest round with results
    among the rounds ``viewer`` may see the summary of (a facilitator only their own; everyone's when None)."""
    # Only the totals are read and aggregated (by the summaries' own ``scoring.aggregate_total``): the register
    # shows no more, and the whole summaries of a page's 25 rounds were a sixth of the page's time.
    latest = latest_rounds(list(partnership_ids), facilitated_by=_only_own_rounds(viewer))
    totals: dict[int, list[int]] = defaultdict(list)
    scored = _scored_responses(list(latest.values())).filter(principle_scores__isnull=False, total__isnull=False)
    for round_id, total in scored.values_list("round_id", "total"):
        if total is not None:  # filtered out above; said again for the type checker
            totals[round_id].append(total)
    shown = {}
    for pid, round_ in latest.items():
        if _shows_results(round_, len(totals[round_.id])):
            aggregate = scoring.aggregate_total(totals[round_.id], instrument_structure(round_.instrument).total_bands)
            shown[pid] = (aggregate.mean, aggregate.band.label)
    return shown


def partnership_rounds(partnership) -> list[tuple[Round, Summary | None]]:
    """Return the partnership's rounds, newest first, each with its summary when it has enough responses."""
    rounds = list(
        Round.objects.filter(partnership=partnership)
        .select_related("instrument", "facilitator")
        .defer("instrument__source")
    )
    summaries = round_summaries(rounds)
    return [(r, summaries.get(r.id)) for r in rounds]


@dataclass
class HealthChecks:
    """A partnership's rounds over time, for its page: totals, bands, scenarios and the trend of the means."""

    rows: list[tuple[Round, Summary | None, bool]]  # round, summary, may the user open its results
    structure: InstrumentStructure | None
    trend_labels: list[str]
    trend_means: dict[int, list[float]]
    can_start: bool
    # The latest round with results (latest close, as the register picks it), its principle means and summary.
    latest: tuple[Round, list[float], Summary] | None = None

    @property
    def latest_total(self) -> tuple[float, str] | None:
        """Return (mean total, band label) of the latest round with results, as the register shows it."""
        return (self.latest[2].total.mean, self.latest[2].total.band.label) if self.latest else None


def partnership_health_checks(partnership, user) -> HealthChecks:
    """Return the partnership's health checks as ``user`` may see them: the rounds whose summary the rules let
    them see (a facilitator only their own), with a results link where they may open the results."""
    pairs = [(r, s) for r, s in partnership_rounds(partnership) if user.has_perm("results.see_summary", r)]
    rows = [(r, s, user.has_perm("results.view_round", r)) for r, s in pairs]
    with_results = [(r, s) for r, s in reversed(pairs) if s is not None]
    structure = instrument_structure(with_results[-1][0].instrument) if with_results else None
    labels = [r.title for r, _ in with_results]
    means = (
        {p.number: [s.principles[p.number].mean for _, s in with_results] for p in structure.principles}
        if structure
        else {}
    )
    can_start = user.has_perm("assessments.start_round_for", partnership)
    latest = None
    if with_results and structure is not None:  # structure is set exactly when there are results
        round_, summary = max(with_results, key=lambda pair: (pair[0].closes_on, pair[0].pk))
        latest = (round_, [summary.principles[p.number].mean for p in structure.principles], summary)
    return HealthChecks(rows, structure, labels, means, can_start, latest)


def round_actions(round_: Round) -> QuerySet[ActionItem]:
    """Return the round's actions with their principle and element, each with ``is_overdue``."""
    return (
        ActionItem.objects.filter(round=round_)
        .with_overdue(timezone.localdate())
        .select_related("principle", "element")
    )


def overdue_actions(round_ids=None):
    """Return open actions past their due date (optionally of some rounds), oldest first."""
    qs = ActionItem.objects.overdue(timezone.localdate()).select_related("round__partnership", "principle")
    if round_ids is not None:
        qs = qs.filter(round_id__in=round_ids)
    return qs.order_by("due_date")
