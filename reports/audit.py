"""The audit committee's annual review (issue 19, point 3): what the front page counts, from plain rows.

Darlington's practice: "an annual review proforma is completed by the relevant Council officer for each
partnership ... This report gives a summary of specific remedial actions required by each significant
partnership to achieve full compliance with the Council's governance requirements". The rows are gathered by
``reports.selectors.audit_review``; this module only decides the trend and counts. Pure: no ORM.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from assessments.scoring import whole_mean
from reports.compliance import STATUS_LABELS
from reports.priorities import LOW_VALUE_POOR_HEALTH

IMPROVING, STEADY, DECLINING, FIRST, NONE = "improving", "steady", "declining", "first", "none"
TREND_LABELS: dict[str, str] = {
    IMPROVING: "Improving",
    STEADY: "No change",
    DECLINING: "Declining",
    FIRST: "First health check",
    NONE: "No health check",
}
NO_SCENARIO = "none"


def trend(total: float | None, previous: float | None) -> str:
    """Return how the latest total moved since the year before: "improving", "steady" or "declining", compared
    after rounding half up to whole numbers as the bands are; "first" without an earlier total, "none" without
    a total at all."""
    if total is None:
        return NONE
    if previous is None:
        return FIRST
    now, before = whole_mean(total), whole_mean(previous)
    return IMPROVING if now > before else DECLINING if now < before else STEADY


@dataclass(frozen=True)
class Resource:
    """What one organisation commits: the council's own first."""

    organisation: str
    is_the_council: bool
    contribution: Decimal | None
    other_resources: str


@dataclass(frozen=True)
class RiskLine:
    title: str
    score: int
    rating: str
    owner: str


@dataclass(frozen=True)
class Gap:
    """A remedial action required: what is missing and who should act."""

    missing: str
    who_acts: str
    significant: bool


@dataclass(frozen=True)
class AuditRow:
    """One significant partnership as the report shows it."""

    partnership_id: int
    name: str
    reference: str
    purpose: str
    significance_reasons: tuple[str, ...]
    resources: tuple[Resource, ...]
    total: float | None
    band: str
    scenario: str | None
    previous_total: float | None
    risks: tuple[RiskLine, ...]
    compliance: str | None  # a compliance status code; None when compliance does not apply
    gaps: tuple[Gap, ...]
    quadrant: str | None
    commentary: str = ""
    risk_count: int = 0

    @property
    def trend(self) -> str:
        return trend(self.total, self.previous_total)

    @property
    def trend_label(self) -> str:
        return TREND_LABELS[self.trend]

    @property
    def change(self) -> float | None:
        """Return the change of the total since the year before, to one decimal; None without both."""
        if self.total is None or self.previous_total is None:
            return None
        return round(self.total - self.previous_total, 1)

    @property
    def compliance_label(self) -> str:
        return STATUS_LABELS.get(self.compliance or "", "Not assessed")

    @property
    def council_contribution(self) -> Decimal | None:
        amounts = [r.contribution for r in self.resources if r.is_the_council and r.contribution is not None]
        return sum(amounts, Decimal(0)) if amounts else None


@dataclass(frozen=True)
class AuditSummary:
    """The front page: counts by compliance status, by scenario and by trend, and the candidates for review."""

    by_compliance: tuple[tuple[str, int], ...]
    by_scenario: tuple[tuple[str, int], ...]
    by_trend: tuple[tuple[str, int], ...]
    review_candidates: tuple[AuditRow, ...] = field(default_factory=tuple)


def audit_summary(rows: Sequence[AuditRow], scenario_codes: Sequence[str]) -> AuditSummary:
    """Return the front page's counts over ``rows`` (every label listed, zeros too, in a fixed order) and the
    rows in the priority map's "low value, poor health" quadrant: the candidates for review or withdrawal."""
    compliance = Counter(row.compliance or "" for row in rows)
    scenarios = Counter(row.scenario or NO_SCENARIO for row in rows)
    trends = Counter(row.trend for row in rows)
    by_compliance = [(label, compliance[code]) for code, label in STATUS_LABELS.items()]
    if compliance[""]:
        by_compliance.append(("Not assessed", compliance[""]))
    by_scenario = [(f"Scenario {code}", scenarios[code]) for code in scenario_codes]
    by_scenario.append(("No health check yet", scenarios[NO_SCENARIO]))
    return AuditSummary(
        by_compliance=tuple(by_compliance),
        by_scenario=tuple(by_scenario),
        by_trend=tuple((label, trends[code]) for code, label in TREND_LABELS.items()),
        review_candidates=tuple(row for row in rows if row.quadrant == LOW_VALUE_POOR_HEALTH),
    )
