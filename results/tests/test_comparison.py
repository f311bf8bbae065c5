"""Where partners differ: the pure comparison, and a round of two partners with three people each."""

from __future__ import annotations

import pytest

from assessments.scoring import GroupAggregate
from assessments.tests.factories import add_responses, make_round
from results import comparison


def answers(*principle_scores: int) -> list[int]:
    """Return 36 answers whose six principle scores are the ones given (each 6..24)."""
    result = []
    for score in principle_scores:
        base, extra = divmod(score, 6)
        result += [base + 1] * extra + [base] * (6 - extra)
    return result


def group(name: str, means: dict[int, float] | None, withheld: bool = False) -> GroupAggregate:
    return GroupAggregate(name, 3, means, None, withheld)


def test_gaps_are_largest_first_and_leave_out_other_and_withheld_groups():
    groups = [
        group("Police", {1: 20.0, 2: 10.0}),
        group("Council", {1: 14.0, 2: 12.5}),
        group("Health", None, withheld=True),
        group("Other", {1: 6.0, 2: 6.0}),
    ]
    gaps = comparison.principle_gaps({"organisation": groups}, {1: 16.0, 2: 11.0})
    assert [(g.group, g.principle, g.gap) for g in gaps] == [
        ("Police", 1, 4.0),
        ("Council", 1, -2.0),
        ("Council", 2, 1.5),
        ("Police", 2, -1.0),
    ]


def test_one_shown_group_is_not_a_comparison():
    assert comparison.principle_gaps({"level": [group("Board", {1: 20.0}), group("Other", {1: 8.0})]}, {1: 14}) == []


def test_statements_with_the_widest_spread_between_groups_come_first():
    means = {"organisation": {7: {"Police": 3.7, "Council": 1.3}, 8: {"Police": 3.0, "Council": 2.5}, 9: {"Police": 2}}}
    spreads = comparison.statement_spreads(means, limit=5)
    assert [(s.statement_id, s.highest, s.lowest, s.spread) for s in spreads] == [
        (7, ("Police", 3.7), ("Council", 1.3), 2.4),
        (8, ("Police", 3.0), ("Council", 2.5), 0.5),
    ]


@pytest.mark.django_db
def test_a_round_of_two_partners_with_three_people_each_shows_both_and_where_they_differ(client):
    round_ = make_round(anonymous=False)
    add_responses(
        round_,
        [answers(22, 20, 20, 20, 20, 20)] * 3 + [answers(10, 18, 20, 20, 20, 20)] * 3,
        organisations=["Demoshire Police"] * 3 + ["Demo District Council"] * 3,
    )
    client.force_login(round_.facilitator)
    page = client.get(f"/rounds/{round_.pk}/results/").content.decode()
    assert "Demoshire Police" in page and "Demo District Council" in page
    differ = page[page.index('id="partners-differ"') :]
    # Principle 1: the police 22, the council 10, the partnership 16: each six points from the whole.
    assert "Demo District Council <span" in differ and "+6.0" in differ and "-6.0" in differ
    assert "Statements on which the groups disagree most" in differ
    # The chart beside the table: an image hidden from screen readers, its numbers in words and a caption.
    assert '<svg aria-hidden="true"' in differ
    assert "Mean score per principle (6 to 24) by organisation" in differ and "Demoshire Police 22.0" in differ
    assert "beside the whole partnership's (black bar)" in differ
