"""Reads for the managers' reports: who may see which, the partnership annual report and the portfolio.

The portfolio is built from a fixed number of queries whatever the number of partnerships: one for the
partnerships (with their gateway and exit record), one for each one's latest round as of the report's date,
one for those rounds' submitted scores. Everything else (counts, weak principles, overdue reviews) is worked
out in Python from those rows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.conf import settings
from django.db.models import Count, Prefetch
from django.urls import reverse
from django.utils import timezone

from assessments import scoring
from assessments.models import ActionItem, ActionStatus, Instrument, Response, Round
from assessments.readmodel import InstrumentStructure, PrincipleInfo
from assessments.selectors import default_structure, instrument_structure
from partnerships import risks as risk_rules
from partnerships import selectors as register_selectors
from partnerships import significance as significance_rules
from partnerships.models import (
    Continuum,
    ExitRecord,
    GatewayReview,
    GatewayStatus,
    LifecycleStage,
    Membership,
    Partnership,
    Status,
    StructureModel,
)
from reports import audit as audit_rules
from reports import compliance as compliance_rules
from reports import priorities as priority_rules
from reports import standards as standards_rules
from reports.compliance import Compliance
from reports.models import PreparedReport
from results.selectors import (
    RoundResults,
    StatementRow,
    Summary,
    latest_rounds,
    overdue_actions,
    partnership_rounds,
    round_actions,
    round_results,
    round_summaries,
)

UNDER_REVIEW = (Status.ACTIVE, Status.EXITING)


# --- Who may see what (the rules are in reports/rules.py) ---------------------------------------------------


def report_partnership_ids(user) -> set[int] | None:
    """Return the partnerships whose reports the user may read: None for all (managers), else the ids of the
    partnerships with a round they facilitate (the rule ``reports.download_partnership_report`` as a filter)."""
    if user.has_perm("reports.download_portfolio"):
        return None
    if not user.is_authenticated:
        return set()
    return set(Round.objects.filter(facilitator=user).values_list("partnership_id", flat=True).distinct())


# --- Rounds as of a date --------------------------------------------------------------------------------


def report_years(partnership_ids: Iterable[int] | None = None) -> dict[int, list[int]]:
    """Return {partnership id: the years (newest first) in which one of its rounds with enough responses
    closed}, in one query."""
    rows = Response.objects.submitted()
    if partnership_ids is not None:
        rows = rows.filter(round__partnership_id__in=list(partnership_ids))
    counted = (
        rows.values("round_id", "round__partnership_id", "round__closes_on__year")
        .annotate(n=Count("id"))
        .filter(n__gte=settings.PHC_MIN_RESPONSES)
        .order_by()
    )
    years: dict[int, set[int]] = defaultdict(set)
    for row in counted:
        years[row["round__partnership_id"]].add(row["round__closes_on__year"])
    return {pid: sorted(ys, reverse=True) for pid, ys in years.items()}


# --- Rows of the principle-by-partnership overview -------------------------------------------------------


def is_weak(mean: float | None, rules: scoring.ScenarioRules) -> bool:
    """Return True when a principle mean, rounded half up to a whole number, is in 7-12 or below (the
    instrument's ``weak_max``, the same threshold as the scenario rules)."""
    return mean is not None and scoring.whole_mean(mean) <= rules.weak_max


@dataclass
class PortfolioRow:
    """One partnership with its latest health check (or none) as the portfolio and /reports/ show it."""

    partnership: Partnership
    round: Round | None = None
    summary: Summary | None = None
    means: list[tuple[int, float | None, bool]] = field(default_factory=list)  # (number, mean, weak)

    @property
    def total(self) -> float | None:
        return self.summary.total.mean if self.summary else None

    @property
    def band(self) -> scoring.Band | None:
        return self.summary.total.band if self.summary else None

    @property
    def scenario(self) -> str | None:
        return self.summary.scenario.code if self.summary else None

    @property
    def weak_principles(self) -> list[tuple[int, float]]:
        """Return (number, mean) of each weak principle of the latest health check, in order."""
        return [(number, mean) for number, mean, weak in self.means if weak and mean is not None]


def portfolio_rows(partnerships: list[Partnership], rounds: dict[int, Round]) -> list[PortfolioRow]:
    """Return one row per partnership, in the order given, with its round's summary and principle means."""
    summaries = round_summaries(list(rounds.values()))
    rows = []
    for p in partnerships:
        round_ = rounds.get(p.pk)
        summary = summaries.get(round_.pk) if round_ else None
        row = PortfolioRow(p, round_ if summary else None, summary)
        if summary and round_:
            rules = instrument_structure(round_.instrument).scenario_rules
            row.means = [(n, a.mean, is_weak(a.mean, rules)) for n, a in sorted(summary.principles.items())]
        rows.append(row)
    return rows


SORT_KEYS = ("name", "total")


def sort_rows(rows: list[PortfolioRow], sort: str) -> tuple[list[PortfolioRow], str]:
    """Return the rows sorted by ``sort`` ("name", "total", or "p" and a principle number such as "p1"; "-"
    first for descending) and the sort actually used. Partnerships without a health check come last."""
    key = sort.removeprefix("-")
    principle = key.startswith("p") and key[1:].isdigit() and len(key) <= 3
    if key not in SORT_KEYS and not principle:
        key, sort = "name", "name"
    descending = sort.startswith("-")

    def value(row: PortfolioRow):
        if key == "name":
            return row.partnership.name.casefold()
        if key == "total":
            return row.total
        return dict((n, m) for n, m, _ in row.means).get(int(key[1:]))

    by_name = sorted(rows, key=lambda r: r.partnership.name.casefold())
    present = [r for r in by_name if value(r) is not None]
    missing = [r for r in by_name if value(r) is None]
    present.sort(key=value, reverse=descending)
    return present + missing, sort


def rows_structure(rows: list[PortfolioRow]) -> InstrumentStructure | None:
    """Return the read model of the first row's instrument (of the default instrument when no row has a
    health check), which sets the portfolio's columns, bands and chart limits; None if none is loaded."""
    for row in rows:
        if row.round is not None:
            return instrument_structure(row.round.instrument)
    return default_structure()


def principle_headings(rows: list[PortfolioRow]) -> list[tuple[int, str]]:
    """Return (number, title) of each principle of the rows' instrument, for column headings; titles are
    empty when no row has a health check."""
    structure = rows_structure(rows)
    if structure is None:
        return []
    with_results = any(row.round is not None for row in rows)
    return [(p.number, p.title if with_results else "") for p in structure.principles]


def _counts(values: Iterable[str], choices) -> list[tuple[str, int]]:
    counted = Counter(values)
    return [(label, counted.get(value, 0)) for value, label in choices]


# --- The portfolio report ---------------------------------------------------------------------------------


@dataclass
class PortfolioReport:
    structure: InstrumentStructure | None  # the instrument of the rows (their columns, bands and chart limits)
    year: int
    as_of: date
    produced_on: date
    rows: list[PortfolioRow]
    principles: list[tuple[int, str]]
    total_bands: list[scoring.Band]  # highest first
    scenario_texts: list[tuple[str, str]]
    by_stage: list[tuple[str, int]]
    by_continuum: list[tuple[str, int]]
    by_structure: list[tuple[str, int]]
    by_scenario: list[tuple[str, int]]
    overdue_reviews: list[Partnership]
    pending_gateways: list[tuple[Partnership, str]]
    exits: list[tuple[Partnership, ExitRecord]]
    risk_heat_map: risk_rules.HeatMap | None = None
    high_risks: list = field(default_factory=list)
    # Whether the PDF holds the principle-by-partnership table of every row: above PHC_PORTFOLIO_TABLE_MAX rows it
    # lists the partnerships needing urgent attention instead and points to the register's download for the rest.
    whole_table: bool = True

    @cached_property
    def needing_attention(self) -> list[PortfolioRow]:
        """Return the rows in scenario C (significant concerns needing urgent attention), lowest total first."""
        urgent = [r for r in self.rows if r.scenario == "C" and r.total is not None]
        return sorted(urgent, key=lambda r: (r.total, r.partnership.name))

    @property
    def overdue_by_service_area(self) -> list[tuple[str, int, date]]:
        """Return (service area, overdue reviews, the earliest due date) for each service area with an overdue
        review, most overdue first: the large portfolio's summary of the overdue reviews."""
        areas: dict[str, tuple[int, date]] = {}
        for p in self.overdue_reviews:
            due = p.review_due_date or self.produced_on  # overdue means it has a due date
            count, earliest = areas.get(p.service_area, (0, due))
            areas[p.service_area] = (count + 1, min(earliest, due))
        return sorted(((a, n, d) for a, (n, d) in areas.items()), key=lambda row: (row[2], row[0]))

    @property
    def risk_heat_map_text(self) -> str:
        return risk_rules.heat_map_alt_text(self.risk_heat_map) if self.risk_heat_map else ""

    @property
    def with_results(self) -> list[PortfolioRow]:
        return [r for r in self.rows if r.summary]

    @property
    def gateways_awaiting_approval(self) -> list[tuple[Partnership, str]]:
        """Gateways submitted and waiting for a manager's decision."""
        return [(p, state) for p, state in self.pending_gateways if state == GatewayStatus.SUBMITTED.label]

    @property
    def gateways_in_preparation(self) -> list[tuple[Partnership, str]]:
        """Proposed partnerships whose gateway is not started, a draft or returned for more work."""
        return [(p, state) for p, state in self.pending_gateways if state != GatewayStatus.SUBMITTED.label]

    @property
    def health_totals(self) -> list[tuple[str, float]]:
        return [(r.partnership.name, r.total) for r in self.rows if r.total is not None]

    @property
    def band_counts(self) -> list[tuple[scoring.Band, int]]:
        """Return each aggregate band, highest first, with the number of partnerships whose latest total is in it."""
        counted = Counter(r.band for r in self.rows if r.band is not None)
        return [(band, counted.get(band, 0)) for band in self.total_bands]


def portfolio_partnerships(year: int) -> list[Partnership]:
    """Return the partnerships a year's portfolio covers: all but those closed before the year began or
    started after it ended, by name, with their gateway and exit record (one query)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    return list(
        Partnership.objects.select_related("gateway", "exit_record")
        .exclude(status=Status.CLOSED, exit_record__exit_date__lt=start)
        .exclude(start_date__gt=end)
        .order_by("name", "pk")
    )


def _exit_record(partnership: Partnership) -> ExitRecord | None:
    try:
        return partnership.exit_record
    except ExitRecord.DoesNotExist:
        return None


def _gateway(partnership: Partnership) -> GatewayReview | None:
    try:
        return partnership.gateway
    except GatewayReview.DoesNotExist:
        return None


def pending_gateways(partnerships: Iterable[Partnership]) -> list[tuple[Partnership, str]]:
    """Return the proposed partnerships whose gateway is not yet approved, each with its gateway's state."""
    pending = []
    for p in partnerships:
        gateway = _gateway(p)
        if p.status == Status.PROPOSED and (gateway is None or gateway.status != GatewayStatus.APPROVED):
            pending.append((p, gateway.get_status_display() if gateway else "Not started"))
    return pending


def overdue_reviews(partnerships: Iterable[Partnership], today: date) -> list[Partnership]:
    """Return the active or exiting partnerships whose review due date has passed, most overdue first."""
    late = [p for p in partnerships if p.status in UNDER_REVIEW and p.review_due_date and p.review_due_date < today]
    return sorted(late, key=lambda p: (p.review_due_date, p.name))


def portfolio_report(year: int, today: date | None = None) -> PortfolioReport:
    """Return the portfolio of ``year``: every partnership's latest health check as of 31 December, the
    principle overview, counts by stage, continuum and structure, overdue reviews, pending gateways and
    the year's exits. A fixed number of queries, whatever the number of partnerships."""
    today = today or timezone.localdate()
    as_of = date(year, 12, 31)
    partnerships = portfolio_partnerships(year)
    rows = portfolio_rows(partnerships, latest_rounds(None, as_of))
    structure = rows_structure(rows)
    risks = register_selectors.open_risks(p.pk for p in partnerships)
    exits = [
        (p, record)
        for p in partnerships
        if (record := _exit_record(p)) and record.is_complete and record.exit_date and record.exit_date.year == year
    ]
    return PortfolioReport(
        structure=structure,
        year=year,
        as_of=min(as_of, today),
        produced_on=today,
        rows=rows,
        principles=principle_headings(rows),
        total_bands=list(reversed(structure.total_bands)) if structure else [],
        scenario_texts=sorted(structure.scenario_texts.items()) if structure else [],
        by_stage=_counts((p.lifecycle_stage for p in partnerships), LifecycleStage.choices),
        by_continuum=_counts((p.continuum for p in partnerships), Continuum.choices),
        by_structure=_counts((p.structure_model for p in partnerships), StructureModel.choices),
        by_scenario=_counts(
            (r.scenario or "none" for r in rows),
            [("A", "Scenario A"), ("B", "Scenario B"), ("C", "Scenario C"), ("none", "No health check yet")],
        ),
        overdue_reviews=overdue_reviews(partnerships, today),
        pending_gateways=pending_gateways(partnerships),
        exits=sorted(exits, key=lambda e: (e[1].exit_date, e[0].name)),
        risk_heat_map=risk_rules.heat_map(Counter((r.likelihood, r.impact) for r in risks)),
        high_risks=[r for r in risks if risk_rules.rating_for_score(r.score) == risk_rules.HIGH],
        whole_table=len(rows) <= settings.PHC_PORTFOLIO_TABLE_MAX,
    )


# --- The partnership annual report ------------------------------------------------------------------------


@dataclass
class TrendRow:
    round: Round
    summary: Summary

    @property
    def label(self) -> str:
        return f"{self.round.ends_on:%b %Y}"


@dataclass
class PartnershipReport:
    partnership: Partnership
    memberships: list[Membership]
    year: int
    produced_on: date
    round: Round | None = None
    results: RoundResults | None = None
    actions: list[ActionItem] = field(default_factory=list)
    action_counts: list[tuple[str, int]] = field(default_factory=list)
    overdue_action_count: int = 0
    trend: list[TrendRow] = field(default_factory=list)
    earlier: TrendRow | None = None  # with no round this year: the latest round with results before it
    withheld_round: Round | None = None  # the year's round, whose results this reader may not see

    @property
    def divided_statements(self) -> list[StatementRow]:
        return [s for s in self.results.statements if s.divided] if self.results else []

    @property
    def commented_statements(self) -> list[StatementRow]:
        return [s for s in self.results.statements if s.comments] if self.results else []

    @property
    def trend_labels(self) -> list[str]:
        return [row.label for row in self.trend]

    @property
    def trend_means(self) -> dict[int, list[float]]:
        numbers = sorted(self.trend[-1].summary.principles) if self.trend else []
        return {n: [row.summary.principles[n].mean for row in self.trend] for n in numbers}


def year_round(partnership: Partnership, year: int) -> Round | None:
    """Return the partnership's latest round that closed in ``year`` with enough responses, or None."""
    rounds = Round.objects.filter(partnership=partnership, closes_on__year=year)
    return (
        rounds.with_results()
        .select_related("partnership", "instrument", "facilitator")
        .defer("instrument__source")
        .order_by("-closes_on", "-id")
        .first()
    )


def partnership_report(
    partnership: Partnership, year: int, today: date | None = None, viewer=None
) -> PartnershipReport:
    """Return the annual report of a partnership: its register entry, the year's round with its results and
    action plan, and the trend over its rounds up to that one. With no round that year only the register
    entry and the latest earlier round (if any) are filled in."""
    today = today or timezone.localdate()
    report = PartnershipReport(
        partnership=partnership,
        memberships=list(partnership.memberships.select_related("organisation").order_by("organisation__name")),
        year=year,
        produced_on=today,
    )
    history = [TrendRow(r, s) for r, s in partnership_rounds(partnership) if s is not None]
    history.sort(key=lambda row: (row.round.closes_on, row.round.pk))
    round_ = year_round(partnership, year)
    if viewer is not None:
        # A facilitator of another round of this partnership: the register entry, not others' results.
        history = [row for row in history if viewer.has_perm("results.view_round", row.round)]
        if round_ is not None and not viewer.has_perm("results.view_round", round_):
            report.withheld_round, round_ = round_, None
    if round_ is None:
        before = [row for row in history if row.round.closes_on.year < year]
        report.earlier = before[-1] if before else None
        return report
    report.round = round_
    report.results = round_results(round_)
    report.actions = list(round_actions(round_))
    statuses = Counter(a.status for a in report.actions)
    report.action_counts = [(label, statuses.get(value, 0)) for value, label in ActionStatus.choices]
    # is_overdue is annotated by ActionItemQuerySet.with_overdue(), which the stubs cannot see.
    report.overdue_action_count = len([a for a in report.actions if a.is_overdue])  # type: ignore[attr-defined]
    report.trend = [row for row in history if (row.round.closes_on, row.round.pk) <= (round_.closes_on, round_.pk)]
    return report


# --- /reports/ --------------------------------------------------------------------------------------------


@dataclass
class ReportsOverview:
    structure: InstrumentStructure | None  # the instrument of the rows (their columns, bands and chart limits)
    rows: list[PortfolioRow]
    principles: list[tuple[int, str]]
    overdue_reviews: list[Partnership]
    overdue_actions: list[ActionItem]
    overdue_action_count: int
    portfolio_years: list[int]
    partnership_years: list[tuple[Partnership, list[int]]]

    @property
    def health_totals(self) -> list[tuple[str, float]]:
        return [(r.partnership.name, r.total) for r in self.rows if r.total is not None]


OVERDUE_ACTIONS_SHOWN = 50


def reports_overview(
    partnership_ids: set[int] | None, today: date | None = None, facilitated_by=None
) -> ReportsOverview:
    """Return what /reports/ shows for the given partnerships (None: all): the register's latest health
    checks, overdue reviews and actions, and the years each report has data for. With ``facilitated_by``
    only that facilitator's rounds count (their latest round, their overdue actions)."""
    today = today or timezone.localdate()
    chosen = Partnership.objects.order_by("name", "pk")
    if partnership_ids is not None:
        chosen = chosen.filter(pk__in=partnership_ids)
    partnerships = list(chosen)
    current = [p for p in partnerships if p.status != Status.CLOSED]
    rows = portfolio_rows(current, latest_rounds([p.pk for p in current], facilitated_by=facilitated_by))
    rounds = None if partnership_ids is None else Round.objects.filter(partnership_id__in=partnership_ids)
    if facilitated_by is not None:
        rounds = Round.objects.filter(facilitator=facilitated_by)
    actions = overdue_actions(None if rounds is None else rounds.values("pk"))
    years = report_years(None if partnership_ids is None else partnership_ids)
    return ReportsOverview(
        structure=rows_structure(rows),
        rows=rows,
        principles=principle_headings(rows),
        overdue_reviews=overdue_reviews(current, today),
        overdue_actions=list(actions[:OVERDUE_ACTIONS_SHOWN]),
        overdue_action_count=actions.count(),
        portfolio_years=sorted({y for ys in years.values() for y in ys}, reverse=True),
        partnership_years=[(p, years[p.pk]) for p in partnerships if p.pk in years],
    )


# --- Reports prepared by a worker -------------------------------------------------------------------------

PREPARED_SHOWN = 10


def prepared_reports(user) -> list[PreparedReport]:
    """Return the reports ``user`` asked for, newest first (the last ten), without their files."""
    return list(PreparedReport.objects.without_file().filter(requested_by=user)[:PREPARED_SHOWN])


# --- The council's view: governance compliance and the priority map (issue 19) ------------------------------


def _overdue_actions_by_partnership(partnership_ids: list[int], today: date) -> dict[int, list[str]]:
    """Return {partnership id: the owners of its overdue actions, one entry per action} (one query)."""
    owners: dict[int, list[str]] = defaultdict(list)
    rows = (
        ActionItem.objects.overdue(today)
        .filter(round__partnership_id__in=partnership_ids)
        .order_by("due_date", "pk")
        .values_list("round__partnership_id", "owner")
    )
    for partnership_id, owner in rows:
        owners[partnership_id].append(owner)
    return owners


def compliance_facts_of(
    partnership: Partnership, last_health_check_on: date | None, overdue_owners: list[str]
) -> compliance_rules.ComplianceFacts:
    """Return the compliance facts of a partnership annotated by ``with_council_facts`` (with its gateway,
    outside-body check and exit record selected)."""
    gateway = _gateway(partnership)
    check = getattr(partnership, "outside_body_check", None)
    listed = list(partnership.strategic_priority_names) + list(partnership.other_priority_names)  # type: ignore[attr-defined]
    priorities = listed or ([partnership.council_priorities.strip()] if partnership.council_priorities.strip() else [])
    last_update = partnership.risks_last_updated  # type: ignore[attr-defined]
    return compliance_rules.ComplianceFacts(
        status=partnership.status,
        lead_officer=partnership.lead_officer,
        senior_sponsor=partnership.senior_sponsor,
        start_date=partnership.start_date,
        gateway_approved=gateway is not None and gateway.status == GatewayStatus.APPROVED,
        governing_agreement=partnership.governing_agreement,
        aims_and_objectives=partnership.aims_and_objectives,
        priorities=tuple(priorities),
        council_role=partnership.council_role,
        benefit_to_residents=partnership.benefit_to_residents,
        last_health_check_on=last_health_check_on,
        overdue_actions=len(overdue_owners),
        overdue_action_owners=tuple(overdue_owners),
        risks_recorded=partnership.risks_recorded,  # type: ignore[attr-defined]
        risks_last_reviewed_on=timezone.localdate(last_update) if last_update else None,
        risk_owners=tuple(partnership.risk_owners),  # type: ignore[attr-defined]
        is_outside_body=partnership.is_outside_body,
        outside_body_open_checks=check.open_checks if check is not None else None,
        outside_body_representatives=check.representatives if check is not None else "",
        exit_strategy=partnership.exit_strategy,
        gateway_exit_strategy=partnership.gateway_exit_strategy,  # type: ignore[attr-defined]
        exit_record_started=_exit_record(partnership) is not None,
    )


def compliance_of(partnership_ids: Iterable[int] | None, today: date | None = None) -> dict[int, Compliance]:
    """Return {partnership id: its compliance} for the active and exiting partnerships among ``partnership_ids``
    (None: all), in three queries whatever their number: the partnerships with their records and facts, their
    latest health checks, their overdue actions."""
    today = today or timezone.localdate()
    chosen = Partnership.objects.filter(status__in=UNDER_REVIEW)
    if partnership_ids is not None:
        chosen = chosen.filter(pk__in=list(partnership_ids))
    partnerships = list(
        register_selectors.with_council_facts(chosen.select_related("gateway", "outside_body_check", "exit_record"))
    )
    ids = [p.pk for p in partnerships]
    if not ids:
        return {}
    rounds = latest_rounds(ids)
    overdue = _overdue_actions_by_partnership(ids, today)
    return {
        p.pk: compliance_rules.compliance(
            compliance_facts_of(p, rounds[p.pk].ends_on if p.pk in rounds else None, overdue.get(p.pk, [])), today
        )
        for p in partnerships
    }


def compliance_statuses(partnership_ids: Iterable[int] | None, today: date | None = None) -> dict[int, str]:
    """Return {partnership id: "compliant", "minor_gaps" or "significant_gaps"} (see ``compliance_of``)."""
    return {pk: result.status for pk, result in compliance_of(partnership_ids, today).items()}


EVIDENCE_URLS: dict[str, tuple[str, str]] = {
    compliance_rules.EVIDENCE_DETAILS: ("partnerships:detail", "#about-heading"),
    compliance_rules.EVIDENCE_GATEWAY: ("partnerships:gateway", ""),
    compliance_rules.EVIDENCE_HEALTH_CHECKS: ("partnerships:detail", "#health-heading"),
    compliance_rules.EVIDENCE_ACTIONS: ("partnerships:detail", "#health-heading"),
    compliance_rules.EVIDENCE_RISKS: ("partnerships:risks", ""),
    compliance_rules.EVIDENCE_OUTSIDE_BODY: ("partnerships:outside_body", ""),
}


def evidence_url(evidence: str, partnership_id: int) -> str:
    """Return the address of the page that holds a check's evidence for the partnership."""
    name, anchor = EVIDENCE_URLS[evidence]
    return reverse(name, args=[partnership_id]) + anchor


@dataclass(frozen=True)
class ComplianceRow:
    """One check of a partnership's compliance, with the address of its evidence."""

    check: compliance_rules.CheckResult
    evidence_url: str


def partnership_compliance(
    partnership: Partnership, today: date | None = None
) -> tuple[Compliance, list[ComplianceRow]] | None:
    """Return one partnership's compliance and its checks with their evidence links; None when compliance does
    not apply to it (proposed or closed)."""
    result = compliance_of([partnership.pk], today).get(partnership.pk)
    if result is None:
        return None
    rows = [ComplianceRow(c, evidence_url(c.definition.evidence, partnership.pk)) for c in result.checks if c.applies]
    return result, rows


def priority_map(on: date | None = None) -> priority_rules.PriorityMap:
    """Return the priority map of the significant active and exiting partnerships: each one's strategic value
    and latest health-check total (among the rounds closed on or before ``on``; any when None), and its
    quadrant (a fixed number of queries whatever their number)."""
    thresholds = register_selectors.significance_thresholds()
    chosen = Partnership.objects.filter(status__in=UNDER_REVIEW).order_by("name", "pk")
    partnerships = list(register_selectors.with_council_facts(chosen))
    significant = [
        p
        for p in partnerships
        if significance_rules.significance(register_selectors.significance_facts(p), thresholds).is_significant
    ]
    rounds = latest_rounds([p.pk for p in significant], on=on)
    summaries = round_summaries(list(rounds.values()))
    structures = {r.partnership_id: instrument_structure(r.instrument) for r in rounds.values()}
    points = []
    for p in significant:
        value = priority_rules.strategic_value(
            priority_rules.ValueFacts(
                strategic_priorities=len(p.strategic_priority_names),  # type: ignore[attr-defined]
                other_priorities=len(p.other_priority_names),  # type: ignore[attr-defined]
                council_contribution=p.council_contribution,  # type: ignore[attr-defined]
                council_other_resources=p.council_other_resources,  # type: ignore[attr-defined]
            ),
            thresholds.contribution,
        )
        round_ = rounds.get(p.pk)
        summary = summaries.get(round_.pk) if round_ is not None else None
        if summary is None:
            points.append(priority_rules.MapPoint(p.pk, p.name, p.reference, value, None, "", None))
            continue
        total = summary.total.mean
        code = priority_rules.quadrant(value, total, structures[p.pk].total_bands)
        points.append(priority_rules.MapPoint(p.pk, p.name, p.reference, value, total, summary.total.band.label, code))
    # The axis and the dividing line come from the instrument's read model (36 to 144 and 72 on the PAT): the
    # instrument of the placed partnerships' health checks, else the default one.
    structure = next(iter(structures.values()), None) or default_structure()
    if structure is None:
        return priority_rules.PriorityMap(tuple(points), 0, 1, 0)
    return priority_rules.PriorityMap(
        tuple(points),
        lowest_total=structure.total_min,
        highest_total=structure.total_max,
        poor_health_up_to=priority_rules.poor_health_limit(structure.total_bands),
    )


# --- The standards for excellence (issue 19, point 5) ---------------------------------------------------------


@dataclass(frozen=True)
class StandardRow:
    """One standard: its mean score in each year's self-assessment (oldest first) and the register's evidence."""

    info: PrincipleInfo
    means: tuple[float | None, ...]
    band: str
    evidence: tuple[standards_rules.Indicator, ...]

    @property
    def latest(self) -> float | None:
        return self.means[-1] if self.means else None

    @property
    def change(self) -> float | None:
        """Return the change of the mean since the year before, to one decimal; None without both years."""
        if len(self.means) < 2 or self.means[-1] is None or self.means[-2] is None:
            return None
        return round(self.means[-1] - self.means[-2], 1)


@dataclass(frozen=True)
class StandardsReview:
    """The council's self-assessments against the standards, year by year, with the register's evidence."""

    structure: InstrumentStructure | None
    council: Partnership | None  # the entry that stands for the council (None until the first round)
    years: tuple[int, ...]  # the years with results, oldest first
    rounds: tuple[Round, ...]  # each year's round with results, in the same order
    totals: tuple[float, ...]
    standards: tuple[StandardRow, ...]
    as_of: date

    @property
    def latest_round(self) -> Round | None:
        return self.rounds[-1] if self.rounds else None

    @property
    def latest_total(self) -> float | None:
        return self.totals[-1] if self.totals else None


def council_entry() -> Partnership | None:
    """Return the register entry that stands for the council itself (its self-assessment's rounds hang on it)."""
    return Partnership.with_council.filter(stands_for_council=True).first()


def standards_instrument() -> Instrument | None:
    """Return the newest loaded version of the standards for excellence."""
    return (
        Instrument.objects.filter(slug=standards_rules.STANDARDS_SLUG)
        .defer("source")
        .order_by("-version", "-id")
        .first()
    )


def register_evidence(
    today: date,
) -> tuple[list[standards_rules.PartnershipEvidence], list[standards_rules.ExitEvidence]]:
    """Return what the indicators count: one row per active or exiting partnership and every completed exit
    (four queries whatever the register's size)."""
    chosen = Partnership.objects.filter(status__in=UNDER_REVIEW).select_related("gateway")
    partnerships = list(register_selectors.with_council_facts(chosen))
    rounds = latest_rounds([p.pk for p in partnerships], today)
    rows = []
    for p in partnerships:
        gateway = _gateway(p)
        updated = p.risks_last_updated  # type: ignore[attr-defined]
        listed = list(p.strategic_priority_names) + list(p.other_priority_names)  # type: ignore[attr-defined]
        rows.append(
            standards_rules.PartnershipEvidence(
                status=p.status,
                gateway_approved=gateway is not None and gateway.status == GatewayStatus.APPROVED,
                last_health_check_on=rounds[p.pk].ends_on if p.pk in rounds else None,
                review_due_date=p.review_due_date,
                aims_recorded=bool(p.aims_and_objectives.strip()),
                priorities_recorded=bool(listed or p.council_priorities.strip()),
                contribution_recorded=p.council_contribution is not None or p.council_other_resources,  # type: ignore[attr-defined]
                lead_and_sponsor_recorded=bool(p.lead_officer.strip() and p.senior_sponsor.strip()),
                risks_reviewed_on=timezone.localdate(updated) if updated else None,
            )
        )
    exits = [
        standards_rules.ExitEvidence(timezone.localdate(completed), lessons)
        for completed, lessons in ExitRecord.objects.filter(completed_at__isnull=False).values_list(
            "completed_at", "lessons_learned"
        )
    ]
    return rows, exits


def standards_review(year: int | None = None, today: date | None = None) -> StandardsReview:
    """Return the council's self-assessments against the standards up to ``year`` (every year when None), each
    standard's mean per year and the register's evidence as of ``today``; a fixed number of queries."""
    today = today or timezone.localdate()
    council = council_entry()
    instrument = standards_instrument()
    structure = instrument_structure(instrument) if instrument is not None else None
    rounds: list[Round] = []
    if council is not None and instrument is not None:
        chosen = Round.objects.filter(partnership=council, instrument__slug=standards_rules.STANDARDS_SLUG)
        if year is not None:
            chosen = chosen.filter(closes_on__year__lte=year)
        rounds = list(
            chosen.with_results().select_related("instrument").defer("instrument__source").order_by("closes_on", "pk")
        )
    summaries = round_summaries(rounds)
    # One self-assessment a year: the last to close in each year counts.
    by_year: dict[int, Round] = {}
    for round_ in rounds:
        if round_.pk in summaries:
            by_year[round_.year] = round_
    years = tuple(sorted(by_year))
    chosen_rounds = tuple(by_year[y] for y in years)
    partnerships, exits = register_evidence(today)
    evidence = standards_rules.standards_evidence(partnerships, exits, today)
    standards = []
    if structure is not None:
        for info in structure.principles:
            means = tuple(summaries[r.pk].principles[info.number].mean for r in chosen_rounds)
            band = summaries[chosen_rounds[-1].pk].principles[info.number].band.text if chosen_rounds else ""
            standards.append(StandardRow(info, means, band, evidence.get(info.number, ())))
    return StandardsReview(
        structure=structure,
        council=council,
        years=years,
        rounds=chosen_rounds,
        totals=tuple(summaries[r.pk].total.mean for r in chosen_rounds),
        standards=tuple(standards),
        as_of=today,
    )


# --- The audit committee's annual review (issue 19, point 3) --------------------------------------------------

# How many of a partnership's highest open risks the report lists.
AUDIT_RISKS_SHOWN = 3


@dataclass(frozen=True)
class AuditReview:
    """Everything the audit committee's report of ``year`` shows."""

    year: int
    as_of: date
    rows: tuple[audit_rules.AuditRow, ...]
    summary: audit_rules.AuditSummary
    standards: StandardsReview
    priority_map: priority_rules.PriorityMap
    scenario_texts: tuple[tuple[str, str], ...]
    structure: InstrumentStructure | None


def audit_review(year: int, commentary: dict[int, str] | None = None, today: date | None = None) -> AuditReview:
    """Return the audit committee's review of ``year``: every significant partnership (active or exiting) with
    its purpose, the resources committed, its latest health check as of 31 December and the change since the
    year before, its highest open risks, its compliance and remedial actions and the officer's ``commentary``
    ({partnership id: text}); the front page's counts; the standards for excellence. Significance, compliance
    and risks are as the register holds them on ``today``. A fixed number of queries."""
    today = today or timezone.localdate()
    commentary = commentary or {}
    as_of = min(date(year, 12, 31), today)
    significance = register_selectors.significance_of(Partnership.objects.filter(status__in=UNDER_REVIEW))
    ids = [pk for pk, decision in significance.items() if decision.is_significant]
    partnerships = list(
        Partnership.objects.filter(pk__in=ids)
        .prefetch_related(
            Prefetch(
                "memberships",
                Membership.objects.select_related("organisation").order_by(
                    "-organisation__is_the_council", "organisation__name"
                ),
            )
        )
        .order_by("name", "pk")
    )
    now_rounds = latest_rounds(ids, as_of)
    before_rounds = latest_rounds(ids, date(year - 1, 12, 31))
    summaries = round_summaries(list(now_rounds.values()) + list(before_rounds.values()))
    risks: dict[int, list] = defaultdict(list)
    for risk in register_selectors.open_risks(ids):
        risks[risk.partnership_id].append(risk)
    compliance = compliance_of(ids, today)
    priority = priority_map(as_of)
    quadrants = {point.partnership_id: point.quadrant for point in priority.points}
    rows = []
    for p in partnerships:
        now = summaries.get(now_rounds[p.pk].pk) if p.pk in now_rounds else None
        before = summaries.get(before_rounds[p.pk].pk) if p.pk in before_rounds else None
        result = compliance.get(p.pk)
        rows.append(
            audit_rules.AuditRow(
                partnership_id=p.pk,
                name=p.name,
                reference=p.reference,
                purpose=p.purpose,
                significance_reasons=significance[p.pk].reasons,
                resources=tuple(
                    audit_rules.Resource(
                        m.organisation.name, m.organisation.is_the_council, m.financial_contribution, m.other_resources
                    )
                    for m in p.memberships.all()
                ),
                total=now.total.mean if now else None,
                band=now.total.band.text if now else "",
                scenario=now.scenario.code if now else None,
                previous_total=before.total.mean if before and (not now or before.round_id != now.round_id) else None,
                risks=tuple(
                    audit_rules.RiskLine(r.title, r.score, r.rating_label, r.owner)
                    for r in risks[p.pk][:AUDIT_RISKS_SHOWN]
                ),
                risk_count=len(risks[p.pk]),
                compliance=result.status if result else None,
                gaps=tuple(audit_rules.Gap(g.missing, g.who_acts, g.definition.significant) for g in result.gaps)
                if result
                else (),
                quadrant=quadrants.get(p.pk),
                commentary=commentary.get(p.pk, ""),
            )
        )
    structure = default_structure()
    codes = sorted(structure.scenario_texts) if structure else ["A", "B", "C"]
    return AuditReview(
        year=year,
        as_of=as_of,
        rows=tuple(rows),
        summary=audit_rules.audit_summary(rows, codes),
        standards=standards_review(year, today),
        priority_map=priority,
        scenario_texts=tuple(sorted(structure.scenario_texts.items())) if structure else (),
        structure=structure,
    )


def audit_partnerships() -> list[Partnership]:
    """Return the significant active and exiting partnerships by name: the rows of the audit committee's review
    (two queries)."""
    significance = register_selectors.significance_of(Partnership.objects.filter(status__in=UNDER_REVIEW))
    ids = [pk for pk, decision in significance.items() if decision.is_significant]
    return list(Partnership.objects.filter(pk__in=ids).order_by("name", "pk"))
