"""The risk register's rules: scores, the rating they give a partnership, and the 5x5 heat map.

Pure functions over plain numbers, with no database: the services and selectors load the rows and call them.

A risk is scored with its existing controls in place, so its score (likelihood x impact) is its residual score;
the partnership's risk rating is the rating of its highest residual score among its open risks (SPEC section 6).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

SCALE = (1, 2, 3, 4, 5)
LIKELIHOOD_LABELS: dict[int, str] = {
    1: "Rare",
    2: "Unlikely",
    3: "Possible",
    4: "Likely",
    5: "Almost certain",
}
IMPACT_LABELS: dict[int, str] = {
    1: "Negligible",
    2: "Minor",
    3: "Moderate",
    4: "Major",
    5: "Severe",
}

LOW, MEDIUM, HIGH, NOT_ASSESSED = "low", "medium", "high", "not_assessed"
# The highest score of each rating; above MEDIUM_UP_TO is high. The usual council 5x5 matrix: 1-6 green,
# 8-12 amber, 15-25 red (no product of two numbers from 1 to 5 falls between 12 and 15, or is 7).
LOW_UP_TO = 6
MEDIUM_UP_TO = 12
RATING_LABELS: dict[str, str] = {LOW: "Low", MEDIUM: "Medium", HIGH: "High", NOT_ASSESSED: "Not assessed"}


def check_scale(value: int, what: str) -> int:
    """Return ``value`` if it is a whole number from 1 to 5, else raise ValueError naming ``what``."""
    if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
        raise ValueError(f"The {what} must be a whole number from 1 to 5, not {value!r}.")
    return value


def risk_score(likelihood: int, impact: int) -> int:
    """Return the score of a risk: likelihood times impact, 1 to 25."""
    return check_scale(likelihood, "likelihood") * check_scale(impact, "impact")


def rating_for_score(score: int | None) -> str:
    """Return "low", "medium" or "high" for a score of 1 to 25, or "not_assessed" for None (no open risk)."""
    if score is None:
        return NOT_ASSESSED
    if not 1 <= score <= 25:
        raise ValueError(f"A risk score is from 1 to 25, not {score!r}.")
    if score <= LOW_UP_TO:
        return LOW
    if score <= MEDIUM_UP_TO:
        return MEDIUM
    return HIGH


def partnership_rating(scores: Iterable[int]) -> str:
    """Return the partnership's risk rating: the rating of the highest of its open risks' scores."""
    highest = max(scores, default=None)
    return rating_for_score(highest)


@dataclass(frozen=True)
class HeatMapCell:
    likelihood: int
    impact: int
    count: int

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def rating(self) -> str:
        return rating_for_score(self.score)

    @property
    def rating_label(self) -> str:
        return RATING_LABELS[self.rating]


@dataclass(frozen=True)
class HeatMapRow:
    impact: int
    label: str
    cells: tuple[HeatMapCell, ...]  # likelihood 1 to 5, left to right


@dataclass(frozen=True)
class HeatMap:
    rows: tuple[HeatMapRow, ...]  # impact 5 at the top down to 1, as risk matrices are read

    @property
    def columns(self) -> list[tuple[int, str]]:
        return [(n, LIKELIHOOD_LABELS[n]) for n in SCALE]

    @property
    def total(self) -> int:
        return sum(cell.count for row in self.rows for cell in row.cells)

    def count_by_rating(self) -> dict[str, int]:
        """Return how many risks fall in the high, medium and low cells."""
        counts = {HIGH: 0, MEDIUM: 0, LOW: 0}
        for row in self.rows:
            for cell in row.cells:
                counts[cell.rating] += cell.count
        return counts


def heat_map(counts: Mapping[tuple[int, int], int]) -> HeatMap:
    """Return the 5x5 grid of risks per (likelihood, impact) cell, impact 5 at the top, likelihood 1 on the
    left; cells missing from ``counts`` hold none. Raises ValueError for a cell outside 1 to 5."""
    for likelihood, impact in counts:
        check_scale(likelihood, "likelihood")
        check_scale(impact, "impact")
    return HeatMap(
        rows=tuple(
            HeatMapRow(
                impact=impact,
                label=IMPACT_LABELS[impact],
                cells=tuple(
                    HeatMapCell(likelihood, impact, counts.get((likelihood, impact), 0)) for likelihood in SCALE
                ),
            )
            for impact in reversed(SCALE)
        )
    )


def heat_map_alt_text(grid: HeatMap) -> str:
    """Return a plain-English description of the heat map stating its numbers, for screen readers and print."""
    if grid.total == 0:
        return "No open risks are recorded."
    by_rating = grid.count_by_rating()
    parts = [
        f"{grid.total} open risk{'s' if grid.total != 1 else ''}: "
        f"{by_rating[HIGH]} high (score 15 to 25), {by_rating[MEDIUM]} medium (8 to 12), "
        f"{by_rating[LOW]} low (1 to 6)."
    ]
    occupied = sorted(
        (cell for row in grid.rows for cell in row.cells if cell.count),
        key=lambda c: (-c.score, -c.impact),
    )
    parts.append(
        "By cell, highest score first: "
        + "; ".join(
            f"likelihood {c.likelihood} ({LIKELIHOOD_LABELS[c.likelihood].lower()}) and impact {c.impact} "
            f"({IMPACT_LABELS[c.impact].lower()}), score {c.score}: {c.count}"
            for c in occupied
        )
        + "."
    )
    return " ".join(parts)
