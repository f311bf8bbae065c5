"""The risk register's pure rules: scores, ratings and the heat map."""

from __future__ import annotations

import pytest

from partnerships import risks


def test_score_is_likelihood_times_impact():
    assert risks.risk_score(4, 5) == 20
    assert risks.risk_score(1, 1) == 1


@pytest.mark.parametrize("value", [0, 6, 2.5, True, "3"])
def test_score_refuses_values_off_the_scale(value):
    with pytest.raises(ValueError, match="1 to 5"):
        risks.risk_score(value, 3)


@pytest.mark.parametrize(
    ("score", "rating"),
    [(None, "not_assessed"), (1, "low"), (6, "low"), (8, "medium"), (12, "medium"), (15, "high"), (25, "high")],
)
def test_rating_for_score(score, rating):
    assert risks.rating_for_score(score) == rating


def test_every_possible_score_has_a_rating():
    scores = {likelihood * impact for likelihood in risks.SCALE for impact in risks.SCALE}
    assert {risks.rating_for_score(s) for s in scores} == {"low", "medium", "high"}
    assert 7 not in scores and not scores & {13, 14}  # why the thresholds sit where they do


def test_partnership_rating_is_its_highest_risk():
    assert risks.partnership_rating([4, 16, 9]) == "high"
    assert risks.partnership_rating([4, 9]) == "medium"
    assert risks.partnership_rating([]) == "not_assessed"


def test_heat_map_puts_impact_5_at_the_top_and_likelihood_1_on_the_left():
    grid = risks.heat_map({(2, 5): 3, (5, 1): 1})
    assert [row.impact for row in grid.rows] == [5, 4, 3, 2, 1]
    assert [cell.likelihood for cell in grid.rows[0].cells] == [1, 2, 3, 4, 5]
    assert grid.rows[0].cells[1].count == 3 and grid.rows[0].cells[1].score == 10
    assert grid.rows[4].cells[4].count == 1 and grid.rows[4].cells[4].rating == "low"
    assert grid.total == 4
    assert grid.count_by_rating() == {"high": 0, "medium": 3, "low": 1}


def test_heat_map_refuses_a_cell_off_the_grid():
    with pytest.raises(ValueError):
        risks.heat_map({(6, 1): 1})


def test_heat_map_text_states_its_numbers():
    text = risks.heat_map_alt_text(risks.heat_map({(4, 4): 2, (1, 2): 1}))
    assert text.startswith("3 open risks: 2 high (score 15 to 25), 0 medium (8 to 12), 1 low (1 to 6).")
    assert text.index("score 16: 2") < text.index("score 2: 1")
    assert risks.heat_map_alt_text(risks.heat_map({})) == "No open risks are recorded."
