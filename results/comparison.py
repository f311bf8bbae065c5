"""Where partners differ: each shown group's mean per principle beside the whole partnership's, and the
statements on which the shown groups disagree most.

Pure functions over the breakdowns that ``assessments.scoring.group_breakdown`` already suppressed: a withheld
group (too small, or withheld to protect another) and the pooled "Other" group never appear here, so the
comparison cannot reveal what the breakdown hides.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assessments.scoring import OTHER_GROUP, GroupAggregate, one_decimal


@dataclass(frozen=True)
class PrincipleGap:
    kind: str  # "organisation" or "level"
    group: str
    principle: int
    group_mean: float
    overall_mean: float

    @property
    def gap(self) -> float:
        """The group's mean minus the partnership's, to one decimal: above zero, the group sees it more kindly."""
        return one_decimal(self.group_mean - self.overall_mean)


@dataclass(frozen=True)
class StatementSpread:
    statement_id: int
    kind: str
    highest: tuple[str, float]  # (group, mean answer)
    lowest: tuple[str, float]

    @property
    def spread(self) -> float:
        return one_decimal(self.highest[1] - self.lowest[1])


def comparable_groups(groups: Sequence[GroupAggregate]) -> list[GroupAggregate]:
    """Return the groups shown with their means, leaving out withheld ones and the pooled "Other"."""
    return [g for g in groups if not g.withheld and g.principle_means and g.name != OTHER_GROUP]


def principle_gaps(
    breakdowns: Mapping[str, Sequence[GroupAggregate]], overall_means: Mapping[int, float]
) -> list[PrincipleGap]:
    """Return every shown group's gap from the partnership's mean on every principle, the largest gaps (either
    way) first; empty unless a breakdown shows at least two groups to compare."""
    gaps = []
    for kind, groups in breakdowns.items():
        shown = comparable_groups(groups)
        if len(shown) < 2:
            continue
        for group in shown:
            for number, mean in sorted((group.principle_means or {}).items()):
                if number in overall_means:
                    gaps.append(PrincipleGap(kind, group.name, number, mean, overall_means[number]))
    return sorted(gaps, key=lambda g: (-abs(g.gap), g.kind, g.group, g.principle))


def statement_spreads(means: Mapping[str, Mapping[int, Mapping[str, float]]], limit: int = 5) -> list[StatementSpread]:
    """Return the ``limit`` statements whose shown groups' mean answers (1 to 4) lie furthest apart, widest
    first. ``means`` is {kind: {statement id: {group: mean answer}}}, holding only groups that may be shown."""
    spreads = []
    for kind, by_statement in means.items():
        for statement_id, by_group in by_statement.items():
            if len(by_group) < 2:
                continue
            ordered = sorted(by_group.items(), key=lambda item: (-item[1], item[0]))
            high, low = ordered[0], ordered[-1]
            spreads.append(StatementSpread(statement_id, kind, (high[0], high[1]), (low[0], low[1])))
    spreads.sort(key=lambda s: (-s.spread, s.kind, s.statement_id))
    return [s for s in spreads if s.spread > 0][:limit]
