"""The priority map (issue 19, point 4): each significant partnership placed by its strategic value against its
health, so the council can "clarify which partnerships have a higher priority than others and agree a process
for the withdrawal from those that are considered less of a priority" (seed 003, stage 2).

Pure rules over plain values, no database: ``reports.selectors.priority_map`` gathers the facts.

Strategic value, 0 to 10 (the help page and docs/rules.md say the same):

- alignment, 0 to 6: 2 points for each strategic council priority it serves, 1 for each other priority, at most 6;
- resources the council commits, 0 to 4: its financial contribution scores 3 at or above the significance
  threshold (``PHC_SIGNIFICANT_CONTRIBUTION``), 2 at or above half of it, 1 for any smaller contribution, 0 for
  none; 1 more when the council also commits other resources (staff time, premises, data ...).

High value is 5 or more. Health is the latest health-check total; poor health is a total (rounded half up, as
the bands are) in the lower half of the instrument's total bands (on the Partnership Assessment Tool, 72 or
below: the bands 36 and 37-72). "Low value, poor health" are the candidates for review or withdrawal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from assessments.scoring import Band, ordered_bands, whole_mean

ALIGNMENT_MAX, RESOURCES_MAX = 6, 4
VALUE_MAX = ALIGNMENT_MAX + RESOURCES_MAX
HIGH_VALUE_FROM = 5
POINTS_PER_STRATEGIC, POINTS_PER_OTHER = 2, 1

HIGH_VALUE_GOOD_HEALTH = "high_value_good_health"
HIGH_VALUE_POOR_HEALTH = "high_value_poor_health"
LOW_VALUE_GOOD_HEALTH = "low_value_good_health"
LOW_VALUE_POOR_HEALTH = "low_value_poor_health"
QUADRANT_LABELS: dict[str, str] = {
    HIGH_VALUE_GOOD_HEALTH: "High value, good health: keep and learn from",
    HIGH_VALUE_POOR_HEALTH: "High value, poor health: support and improve",
    LOW_VALUE_GOOD_HEALTH: "Low value, good health: keep under review",
    LOW_VALUE_POOR_HEALTH: "Low value, poor health: candidate for review or withdrawal",
}


@dataclass(frozen=True)
class ValueFacts:
    """What the register holds about a partnership's alignment and the council's resources in it."""

    strategic_priorities: int = 0
    other_priorities: int = 0
    council_contribution: Decimal | None = None
    council_other_resources: bool = False


@dataclass(frozen=True)
class StrategicValue:
    """A partnership's strategic value: ``score`` = ``alignment`` + ``resources``."""

    alignment: int
    resources: int

    @property
    def score(self) -> int:
        return self.alignment + self.resources

    @property
    def is_high(self) -> bool:
        return self.score >= HIGH_VALUE_FROM


def alignment_points(strategic: int, other: int) -> int:
    """Return 2 points per strategic priority and 1 per other priority served, at most 6."""
    return min(ALIGNMENT_MAX, POINTS_PER_STRATEGIC * max(strategic, 0) + POINTS_PER_OTHER * max(other, 0))


def resource_points(contribution: Decimal | None, other_resources: bool, threshold: Decimal) -> int:
    """Return 0 to 4 for the resources the council commits, against the significance threshold in £ a year."""
    points = 0
    if contribution is not None and contribution > 0:
        if contribution >= threshold:
            points = 3
        elif contribution * 2 >= threshold:
            points = 2
        else:
            points = 1
    return points + (1 if other_resources else 0)


def strategic_value(facts: ValueFacts, contribution_threshold: Decimal) -> StrategicValue:
    """Return the partnership's strategic value from its alignment and the council's resources in it."""
    return StrategicValue(
        alignment_points(facts.strategic_priorities, facts.other_priorities),
        resource_points(facts.council_contribution, facts.council_other_resources, contribution_threshold),
    )


def poor_health_limit(total_bands: Sequence[Band]) -> int:
    """Return the highest total that counts as poor health: the top of the lower half of the instrument's total
    bands (72 on the Partnership Assessment Tool)."""
    bands = ordered_bands(total_bands)
    if not bands:
        raise ValueError("The instrument has no total bands.")
    return bands[max(len(bands) // 2, 1) - 1].max


def is_poor_health(total: float, total_bands: Sequence[Band]) -> bool:
    """Return True when the total, rounded half up like the bands, is at or below ``poor_health_limit``."""
    return whole_mean(total) <= poor_health_limit(total_bands)


def quadrant(value: StrategicValue, total: float, total_bands: Sequence[Band]) -> str:
    """Return the quadrant of the map the partnership falls in."""
    poor = is_poor_health(total, total_bands)
    if value.is_high:
        return HIGH_VALUE_POOR_HEALTH if poor else HIGH_VALUE_GOOD_HEALTH
    return LOW_VALUE_POOR_HEALTH if poor else LOW_VALUE_GOOD_HEALTH


@dataclass(frozen=True)
class MapPoint:
    """One partnership on the priority map (``total``/``quadrant`` None: no health check with results yet)."""

    partnership_id: int
    name: str
    reference: str
    value: StrategicValue
    total: float | None
    band_label: str
    quadrant: str | None

    @property
    def quadrant_label(self) -> str:
        return QUADRANT_LABELS[self.quadrant] if self.quadrant else "Not placed: no health check with results yet"


@dataclass(frozen=True)
class PriorityMap:
    """The map: the points placed, those without a health check, and the instrument's total range and poor-health
    limit (for the chart's axis and dividing line)."""

    points: tuple[MapPoint, ...]
    lowest_total: int
    highest_total: int
    poor_health_up_to: int

    @property
    def placed(self) -> tuple[MapPoint, ...]:
        return tuple(p for p in self.points if p.quadrant is not None)

    @property
    def not_placed(self) -> tuple[MapPoint, ...]:
        return tuple(p for p in self.points if p.quadrant is None)

    @property
    def review_candidates(self) -> tuple[MapPoint, ...]:
        """Return the partnerships of low value and poor health: candidates for review or withdrawal."""
        return tuple(p for p in self.points if p.quadrant == LOW_VALUE_POOR_HEALTH)

    def in_quadrant(self, code: str) -> tuple[MapPoint, ...]:
        return tuple(p for p in self.points if p.quadrant == code)
