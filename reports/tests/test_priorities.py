"""The priority map's rules: strategic value at its boundaries, poor health from the instrument's bands."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assessments.scoring import Band
from reports.priorities import (
    HIGH_VALUE_GOOD_HEALTH,
    HIGH_VALUE_POOR_HEALTH,
    LOW_VALUE_GOOD_HEALTH,
    LOW_VALUE_POOR_HEALTH,
    MapPoint,
    PriorityMap,
    StrategicValue,
    ValueFacts,
    alignment_points,
    is_poor_health,
    poor_health_limit,
    quadrant,
    resource_points,
    strategic_value,
)

# The total bands of a four-band instrument, highest first as the seed lists them.
BANDS = (Band(109, 144, "good"), Band(73, 108, "fair"), Band(37, 72, "poor"), Band(36, 36, "worst"))
THRESHOLD = Decimal(100000)


@pytest.mark.parametrize(
    ("strategic", "other", "points"), [(0, 0, 0), (0, 1, 1), (1, 0, 2), (1, 3, 5), (2, 2, 6), (3, 1, 6), (4, 0, 6)]
)
def test_alignment_points(strategic, other, points):
    assert alignment_points(strategic, other) == points


@pytest.mark.parametrize(
    ("contribution", "points"),
    [(None, 0), (0, 0), (1, 1), (49999, 1), (50000, 2), (99999, 2), (100000, 3), (100001, 3)],
)
def test_resource_points_against_the_threshold(contribution, points):
    amount = None if contribution is None else Decimal(contribution)
    assert resource_points(amount, False, THRESHOLD) == points
    assert resource_points(amount, True, THRESHOLD) == points + 1


def test_strategic_value_adds_alignment_and_resources():
    value = strategic_value(ValueFacts(1, 1, Decimal(100000), True), THRESHOLD)
    assert (value.alignment, value.resources, value.score, value.is_high) == (3, 4, 7, True)


@pytest.mark.parametrize(("alignment", "resources", "high"), [(4, 0, False), (4, 1, True), (2, 4, True)])
def test_high_value_from_five(alignment, resources, high):
    assert StrategicValue(alignment, resources).is_high is high


def test_poor_health_is_the_lower_half_of_the_total_bands():
    assert poor_health_limit(BANDS) == 72
    assert poor_health_limit((Band(1, 10, "a"), Band(11, 20, "b"), Band(21, 30, "c"))) == 10
    assert [is_poor_health(t, BANDS) for t in (71.0, 72.0, 72.4, 72.5, 73.0)] == [True, True, True, False, False]


@pytest.mark.parametrize(
    ("value", "total", "expected"),
    [
        (StrategicValue(4, 1), 73.0, HIGH_VALUE_GOOD_HEALTH),
        (StrategicValue(4, 1), 72.0, HIGH_VALUE_POOR_HEALTH),
        (StrategicValue(4, 0), 73.0, LOW_VALUE_GOOD_HEALTH),
        (StrategicValue(4, 0), 72.0, LOW_VALUE_POOR_HEALTH),
    ],
)
def test_quadrants(value, total, expected):
    assert quadrant(value, total, BANDS) == expected


def test_map_lists_the_review_candidates_and_the_unplaced():
    low = MapPoint(1, "A", "P-1", StrategicValue(1, 0), 50.0, "37-72", LOW_VALUE_POOR_HEALTH)
    none = MapPoint(2, "B", "P-2", StrategicValue(6, 4), None, "", None)
    priority_map = PriorityMap((low, none), 36, 144, 72)
    assert priority_map.review_candidates == (low,)
    assert priority_map.not_placed == (none,)
    assert "review or withdrawal" in low.quadrant_label
    assert none.quadrant_label.startswith("Not placed")
