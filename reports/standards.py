"""The register's evidence beside each of the standards for excellence (seed 003, Appendix A).

The standards themselves are an instrument (assessments/instruments/standards_for_excellence_2026.json),
answered and scored by the same engine as the health check; the only code specific to them is here: for each
standard, the shares of the register that bear on it. Pure: plain values in, typed rows out, no ORM.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from reports.compliance import within_twelve_months

# The instrument's slug in its file: how the pages find the standards' rounds among the health checks.
STANDARDS_SLUG = "standards-for-excellence"
# The statuses of a partnership the council is in (a proposed one is not yet agreed, a closed one is over).
IN_THE_REGISTER = ("active", "exiting")


@dataclass(frozen=True)
class PartnershipEvidence:
    """What the register holds about one partnership, as the indicators count it."""

    status: str
    gateway_approved: bool = False
    last_health_check_on: date | None = None  # close date of its latest health check with results
    review_due_date: date | None = None
    aims_recorded: bool = False
    priorities_recorded: bool = False
    contribution_recorded: bool = False  # the council's own financial contribution or other resources
    lead_and_sponsor_recorded: bool = False
    risks_reviewed_on: date | None = None  # the latest day a risk was recorded or updated


@dataclass(frozen=True)
class ExitEvidence:
    """One exit record: when it was completed and whether it says what was learned."""

    completed_on: date | None
    lessons_learned: str = ""


@dataclass(frozen=True)
class Indicator:
    """A share of the register: ``count`` of ``out_of`` partnerships (or exits) meet ``label``."""

    label: str
    count: int
    out_of: int

    @property
    def percent(self) -> int | None:
        """Return the share as a whole percentage (half up), or None when there is nothing to count."""
        if not self.out_of:
            return None
        return (200 * self.count + self.out_of) // (2 * self.out_of)

    @property
    def text(self) -> str:
        """Return the indicator as a sentence: "7 of 9 (78%) have an approved gateway"."""
        if not self.out_of:
            return f"{self.label}: nothing to count yet"
        return f"{self.label}: {self.count} of {self.out_of} ({self.percent}%)"


def _share(label: str, rows: Sequence[PartnershipEvidence], test) -> Indicator:
    return Indicator(label, sum(1 for row in rows if test(row)), len(rows))


def review_on_time(row: PartnershipEvidence, today: date) -> bool:
    """Return True when the partnership's annual review is not overdue: due today or later (no date: overdue)."""
    return row.review_due_date is not None and row.review_due_date >= today


def exit_within_year(record: ExitEvidence, today: date) -> bool:
    """Return True when the exit was completed in the twelve months up to ``today``."""
    return record.completed_on is not None and within_twelve_months(record.completed_on, today)


def standards_evidence(
    partnerships: Sequence[PartnershipEvidence], exits: Sequence[ExitEvidence], today: date
) -> dict[int, tuple[Indicator, ...]]:
    """Return {standard number: its indicators} for the six standards of Appendix A, counted over the
    partnerships the council is in (active or exiting) and the exits completed in the last twelve months."""
    rows = [row for row in partnerships if row.status in IN_THE_REGISTER]
    recent_exits = [record for record in exits if exit_within_year(record, today)]
    return {
        # 1. Develops relevant partnerships: "all partnerships are well thought through and directly effective".
        1: (
            _share("Partnerships with an approved gateway", rows, lambda r: r.gateway_approved),
            _share(
                "Partnerships with a health check in the last 12 months",
                rows,
                lambda r: within_twelve_months(r.last_health_check_on, today),
            ),
        ),
        # 2. Understands the principles: the partnerships' own aims and the council's objectives they serve.
        2: (
            _share("Partnerships with aims and objectives recorded", rows, lambda r: r.aims_recorded),
            _share("Partnerships aligned to council priorities", rows, lambda r: r.priorities_recorded),
        ),
        # 3. Demonstrates their value and differentiates between them: a current health check of each.
        3: (
            _share(
                "Partnerships with a health check in the last 12 months",
                rows,
                lambda r: within_twelve_months(r.last_health_check_on, today),
            ),
            _share("Partnerships aligned to council priorities", rows, lambda r: r.priorities_recorded),
        ),
        # 4. Budget and policy decisions: the council's resources in each partnership are known.
        4: (_share("Partnerships with the council's resources recorded", rows, lambda r: r.contribution_recorded),),
        # 5. People understand their roles: a named lead officer and senior sponsor.
        5: (
            _share("Partnerships with a lead officer and senior sponsor", rows, lambda r: r.lead_and_sponsor_recorded),
        ),
        # 6. Keeps its involvement under review: reviews on time, risks reviewed, exits that record lessons.
        6: (
            _share("Annual reviews on time", rows, lambda r: review_on_time(r, today)),
            _share(
                "Risk registers reviewed in the last 12 months",
                rows,
                lambda r: within_twelve_months(r.risks_reviewed_on, today),
            ),
            Indicator(
                "Exits in the last 12 months completed with lessons learned",
                sum(1 for record in recent_exits if record.lessons_learned.strip()),
                len(recent_exits),
            ),
        ),
    }
