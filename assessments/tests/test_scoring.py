"""Tests of the pure scoring core: no database, no Django.

The bands are built here from the seed's wording (seed 004, "understanding the results") rather than read from
the instrument file, so these tests pin the rules, not the data.
"""

from __future__ import annotations

import dataclasses
import statistics
from collections.abc import Mapping, Sequence
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments import scoring as core
from assessments.scoring import (
    CONFLICT,
    CONSENSUS,
    MIXED,
    OTHER_GROUP,
    RULE_A,
    RULE_A_CONFLICT,
    RULE_A_PRINCIPLE_NOT_MET,
    RULE_A_TOTAL_NOT_MET,
    RULE_C_SIGNIFICANT_WEAK,
    RULE_C_TOTAL,
    RULE_C_WEAK_PRINCIPLES,
    AnswerScale,
    Band,
    GroupAggregate,
    PrincipleChange,
    Priority,
    RespondentScores,
    ScenarioResult,
    ScenarioRules,
    aggregate_principle,
    aggregate_total,
    agreement,
    agreement_span,
    band_for,
    band_for_mean,
    band_index,
    compare_rounds,
    group_breakdown,
    mean_one_decimal,
    one_decimal,
    ordered_bands,
    round_half_up,
    suppress_small_groups,
    total_change,
    validate_bands,
    whole_mean,
)

# Listed highest first, as the seed lists them: the core must not rely on the instrument's order.
PRINCIPLE_1_BANDS = (
    Band(19, 24, "Very high recognition and acceptance of the need for partnership"),
    Band(13, 18, "The need for partnership is recognised and accepted"),
    Band(7, 12, "Recognition and acceptance of the need for partnership is limited"),
    Band(6, 6, "Recognition and acceptance of the need for partnership is minimal."),
)
TOTAL_BANDS = (
    Band(109, 144, "The partnership is working well enough in all or most respects"),
    Band(73, 108, "The partnership is working well enough overall but some aspects may need attention"),
    Band(37, 72, "The partnership may be working well in some respects but these are outweighed"),
    Band(36, 36, "The partnership is working badly enough in all respects"),
)
BANDS_BY_PRINCIPLE = {number: PRINCIPLE_1_BANDS for number in range(1, 7)}

STRONG_AGREE, AGREE, DISAGREE, STRONG_DISAGREE = 4, 3, 2, 1

# The PAT's shape as its read model gives it to the core (assessments.readmodel): the core itself knows none of it.
PAT_SCALE = AnswerScale((1, 2, 3, 4))
ANSWER_VALUES = PAT_SCALE.values
SIGNIFICANCE_VALUES = (1, 2, 3, 4, 5)
STATEMENTS, PRINCIPLES, PRINCIPLE_MAX = 6, 6, 24
PAT_RULES = ScenarioRules.from_bands(PRINCIPLE_1_BANDS, TOTAL_BANDS, SIGNIFICANCE_VALUES)


def principle_score(answers: Sequence[int | None]) -> int | None:
    return core.principle_score(answers, PAT_SCALE, STATEMENTS)


def total_score(scores: Sequence[int | None]) -> int | None:
    return core.total_score(scores, PRINCIPLES, range(6, PRINCIPLE_MAX + 1))


def mean_significance(values: Sequence[int]) -> float:
    return core.mean_significance(values, SIGNIFICANCE_VALUES)


def answer_distribution(answers: Sequence[int]) -> dict[int, int]:
    return core.answer_distribution(answers, PAT_SCALE)


def is_divided(answers: Sequence[int]) -> bool:
    return core.is_divided(answers, PAT_SCALE)


def scenario(
    total: float,
    means: Mapping[int, float],
    significance: Mapping[int, float],
    agreements: Mapping[int, str],
    rules: ScenarioRules | None = None,
) -> ScenarioResult:
    return core.scenario(total, means, significance, agreements, rules or PAT_RULES)


def priority_ranking(means: Mapping[int, float], significance: Mapping[int, float]) -> list[Priority]:
    return core.priority_ranking(means, significance, PRINCIPLE_MAX)


def test_scenario_rules_are_read_off_the_seed_bands() -> None:
    assert PAT_RULES == ScenarioRules(
        total_c_max=72, weak_max=12, weak_count_c=2, significant_min=4, total_a_min=109, strong_min=13
    )


def test_answer_scale_agree_and_disagree_are_either_side_of_the_middle() -> None:
    assert PAT_SCALE.agree == {3, 4} and PAT_SCALE.disagree == {1, 2}
    zero_based = AnswerScale((0, 1, 2, 3))
    assert zero_based.agree == {2, 3} and zero_based.disagree == {0, 1}
    assert AnswerScale((1, 2, 3, 4, 5)).agree == {4, 5}  # 3 is the middle: neither
    with pytest.raises(ValueError):
        AnswerScale((4, 3, 2, 1))


# --- Worked example ----------------------------------------------------------------------------------------


def test_seed_worked_example_principle_1_scores_16_in_band_13_18() -> None:
    answers = [STRONG_AGREE, DISAGREE, AGREE, AGREE, AGREE, STRONG_DISAGREE]

    score = principle_score(answers)

    assert score == 16
    band = band_for(16, PRINCIPLE_1_BANDS)
    assert (band.min, band.max) == (13, 18)
    assert band.text == "The need for partnership is recognised and accepted"
    assert band.label == "13-18"


# --- Principle and total scores -------------------------------------------------------------------------


def test_principle_score_is_none_when_any_answer_missing() -> None:
    assert principle_score([4, 4, None, 4, 4, 4]) is None
    assert principle_score([None] * 6) is None


@pytest.mark.parametrize("bad", [0, 5, -1, True, 2.0, "3"])
def test_principle_score_rejects_values_off_the_scale(bad: object) -> None:
    with pytest.raises(ValueError):
        principle_score([4, 4, 4, 4, 4, bad])  # type: ignore[list-item]


def test_principle_score_rejects_bad_value_even_when_another_is_missing() -> None:
    with pytest.raises(ValueError):
        principle_score([None, 4, 4, 4, 4, 7])


@pytest.mark.parametrize("length", [0, 5, 7])
def test_principle_score_needs_six_answers(length: int) -> None:
    with pytest.raises(ValueError):
        principle_score([3] * length)


def test_principle_score_extremes() -> None:
    assert principle_score([1] * 6) == 6
    assert principle_score([4] * 6) == 24


def test_total_score_sums_six_principles_or_is_none() -> None:
    assert total_score([16, 6, 24, 13, 12, 19]) == 90
    assert total_score([16, 6, None, 13, 12, 19]) is None


@pytest.mark.parametrize("scores", [[16] * 5, [16] * 7, [5, 6, 6, 6, 6, 6], [25, 6, 6, 6, 6, 6]])
def test_total_score_rejects_wrong_length_or_range(scores: list[int]) -> None:
    with pytest.raises(ValueError):
        total_score(scores)


# --- Bands ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "band_range"),
    [
        (6, (6, 6)),
        (7, (7, 12)),
        (12, (7, 12)),
        (13, (13, 18)),
        (18, (13, 18)),
        (19, (19, 24)),
        (24, (19, 24)),
    ],
)
def test_principle_band_boundaries(score: int, band_range: tuple[int, int]) -> None:
    band = band_for(score, PRINCIPLE_1_BANDS)
    assert (band.min, band.max) == band_range


@pytest.mark.parametrize(
    ("score", "band_range"),
    [
        (36, (36, 36)),
        (37, (37, 72)),
        (72, (37, 72)),
        (73, (73, 108)),
        (108, (73, 108)),
        (109, (109, 144)),
        (144, (109, 144)),
    ],
)
def test_total_band_boundaries(score: int, band_range: tuple[int, int]) -> None:
    band = band_for(score, TOTAL_BANDS)
    assert (band.min, band.max) == band_range


@pytest.mark.parametrize("score", [5, 25, 0])
def test_band_for_raises_outside_every_band(score: int) -> None:
    with pytest.raises(ValueError):
        band_for(score, PRINCIPLE_1_BANDS)


def test_band_for_raises_on_overlapping_bands() -> None:
    with pytest.raises(ValueError):
        band_for(10, [Band(6, 10, "low"), Band(10, 24, "high")])


def test_band_rejects_inverted_range() -> None:
    with pytest.raises(ValueError):
        Band(12, 7, "backwards")


def test_band_contains_both_ends() -> None:
    band = Band(7, 12, "x")
    assert band.contains(7) and band.contains(12)
    assert not band.contains(6) and not band.contains(13)
    assert Band(6, 6, "x").label == "6"


def test_band_index_counts_from_the_lowest_band() -> None:
    assert [band_index(s, PRINCIPLE_1_BANDS) for s in (6, 7, 13, 19)] == [0, 1, 2, 3]
    assert [b.min for b in ordered_bands(PRINCIPLE_1_BANDS)] == [6, 7, 13, 19]


def test_validate_bands_accepts_the_seed_bands() -> None:
    validate_bands(PRINCIPLE_1_BANDS, 6, 24)
    validate_bands(TOTAL_BANDS, 36, 144)


@pytest.mark.parametrize(
    "bands",
    [
        [Band(6, 6, "a"), Band(8, 24, "gap")],
        [Band(6, 12, "a"), Band(12, 24, "overlap")],
        [Band(6, 12, "a"), Band(13, 23, "short")],
        [Band(7, 24, "starts late")],
        [],
    ],
)
def test_validate_bands_rejects_gaps_overlaps_and_short_cover(bands: list[Band]) -> None:
    with pytest.raises(ValueError):
        validate_bands(bands, 6, 24)


# --- Rounding ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (12.5, 13),
        (18.5, 19),
        (12.4, 12),
        (12.49, 12),
        (0.5, 1),
        (1.5, 2),
        (2.5, 3),
        (Decimal("6.5"), 7),
        (7, 7),
    ],
)
def test_round_half_up_is_not_bankers_rounding(x: float, expected: int) -> None:
    assert round_half_up(x) == expected


def test_one_decimal_rounds_ties_up_where_binary_float_would_not() -> None:
    # round(12.45, 1) gives 12.4 because 12.45 is stored as 12.4499...; the screen must show 12.5.
    assert one_decimal(12.45) == 12.5
    assert one_decimal(0.05) == 0.1
    assert one_decimal(12.44) == 12.4


def test_mean_of_exact_tie_rounds_up_and_its_band_follows_the_shown_mean() -> None:
    scores = [12] * 11 + [13] * 9  # 249 / 20 = 12.45 exactly
    assert mean_one_decimal(scores) == 12.5
    # The band follows the shown 12.5, which rounds to 13, not the exact 12.45 (which would round to 12).
    assert whole_mean(Decimal(249) / Decimal(20)) == 13
    aggregate = aggregate_principle(1, scores, PRINCIPLE_1_BANDS)
    assert aggregate.mean == 12.5
    assert (aggregate.band.min, aggregate.band.max) == (13, 18)


@pytest.mark.parametrize(
    ("mean", "band_min"), [(12.4, 7), (12.5, 13), (12.45, 13), (18.4, 13), (18.5, 19), (6.4, 6), (6.5, 7)]
)
def test_band_for_mean_rounds_half_up(mean: float, band_min: int) -> None:
    assert band_for_mean(mean, PRINCIPLE_1_BANDS).min == band_min


def test_total_band_for_mean_uses_half_up() -> None:
    assert band_for_mean(72.4, TOTAL_BANDS).min == 37
    assert band_for_mean(72.5, TOTAL_BANDS).min == 73
    assert band_for_mean(108.5, TOTAL_BANDS).min == 109


def test_mean_one_decimal_of_nothing_raises() -> None:
    with pytest.raises(ValueError):
        mean_one_decimal([])


def test_mean_significance() -> None:
    assert mean_significance([4, 5, 4]) == 4.3
    with pytest.raises(ValueError):
        mean_significance([6])
    with pytest.raises(ValueError):
        mean_significance([0, 3])


# --- Aggregation and agreement --------------------------------------------------------------------------


def test_aggregate_principle_summarises_scores() -> None:
    aggregate = aggregate_principle(3, [16, 13, 18, 14], PRINCIPLE_1_BANDS)
    assert aggregate.number == 3
    assert aggregate.n == 4
    assert aggregate.mean == 15.3  # 61 / 4 = 15.25 rounds up
    assert aggregate.median == 15.0
    assert (aggregate.min, aggregate.max) == (13, 18)
    assert aggregate.agreement == CONSENSUS
    assert aggregate.band_index_span == 1
    assert aggregate.band.min == 13


def test_aggregate_principle_median_of_odd_count_is_float() -> None:
    aggregate = aggregate_principle(1, [6, 24, 12], PRINCIPLE_1_BANDS)
    assert aggregate.median == 12.0 and isinstance(aggregate.median, float)


def test_aggregate_principle_needs_scores() -> None:
    with pytest.raises(ValueError):
        aggregate_principle(1, [], PRINCIPLE_1_BANDS)


def test_aggregate_total() -> None:
    aggregate = aggregate_total([100, 110, 120], TOTAL_BANDS)
    assert (aggregate.n, aggregate.mean, aggregate.median, aggregate.min, aggregate.max) == (
        3,
        110.0,
        110.0,
        100,
        120,
    )
    assert aggregate.band.min == 109
    with pytest.raises(ValueError):
        aggregate_total([], TOTAL_BANDS)


@pytest.mark.parametrize(
    ("scores", "expected", "span"),
    [
        ([13, 18, 15], CONSENSUS, 1),
        ([6, 6], CONSENSUS, 1),
        ([12, 13], MIXED, 2),
        ([18, 19, 24], MIXED, 2),
        ([6, 7], MIXED, 2),
        ([12, 13, 19], CONFLICT, 3),
        ([6, 12, 18], CONFLICT, 3),
        ([6, 19], CONFLICT, 4),  # two bands, but not adjacent: the whole range apart
        ([7, 19], CONFLICT, 3),  # two non-adjacent bands with one between
        ([6, 13], CONFLICT, 3),
        ([6, 24, 6, 24], CONFLICT, 4),
    ],
)
def test_agreement(scores: list[int], expected: str, span: int) -> None:
    assert agreement(scores, PRINCIPLE_1_BANDS) == expected
    assert agreement_span(scores, PRINCIPLE_1_BANDS) == span


def test_agreement_needs_scores() -> None:
    with pytest.raises(ValueError):
        agreement([], PRINCIPLE_1_BANDS)


def test_answer_distribution_counts_every_value_in_order() -> None:
    distribution = answer_distribution([4, 4, 1, 3])
    assert distribution == {4: 2, 3: 1, 2: 0, 1: 1}
    assert list(distribution) == [4, 3, 2, 1]
    assert answer_distribution([]) == {4: 0, 3: 0, 2: 0, 1: 0}
    with pytest.raises(ValueError):
        answer_distribution([5])


@pytest.mark.parametrize(
    ("answers", "divided"),
    [
        ([], False),
        ([4, 1, 1, 1], False),  # a quarter agree, but only one person: not divided
        ([1, 4, 4, 4], False),  # a quarter disagree, but only one person
        ([4, 4, 1, 1, 1, 1, 1, 1], True),  # exactly a quarter agree, and two people
        ([1, 1, 4, 4, 4, 4, 4, 4], True),  # exactly a quarter disagree, and two people
        ([3, 3, 2, 2], True),
        ([3, 2], False),  # half each side, but one person each
        ([3, 3, 3, 2], False),
        ([3, 2, 2, 2, 2, 2, 2, 2], False),  # one in eight agree: below a quarter
        ([3, 3, 2, 2, 2, 2, 2, 2], True),  # two in eight: exactly a quarter
        ([4, 4, 1, 1, 1, 1, 1, 1, 1], False),  # two in nine: just below a quarter
        ([4, 4, 4, 3], False),
        ([1, 1, 2, 2], False),
        ([4], False),
    ],
)
def test_is_divided_at_a_quarter(answers: list[int], divided: bool) -> None:
    assert is_divided(answers) is divided


# --- Scenario ---------------------------------------------------------------------------------------------


def _means(default: float = 15.0, **overrides: float) -> dict[int, float]:
    means = {number: default for number in range(1, 7)}
    means.update({int(key[1:]): value for key, value in overrides.items()})
    return means


NO_CONFLICT = {number: CONSENSUS for number in range(1, 7)}
LOW_SIGNIFICANCE = {number: 3.0 for number in range(1, 7)}


def test_scenario_c_total_alone() -> None:
    result = scenario(72.0, _means(), LOW_SIGNIFICANCE, NO_CONFLICT)
    assert result.code == "C"
    assert result.rules == (RULE_C_TOTAL,)
    assert result.reasons == ["The mean total 72.0 is 72 or below when rounded to a whole number."]


@pytest.mark.parametrize(
    ("total", "band_min", "code"),
    [
        (72.49, 73, "B"),  # shown as 72.5, rounds to 73: band 73-108, so not C by its total
        (72.5, 73, "B"),
        (72.44, 37, "C"),  # shown as 72.4, rounds to 72: band 37-72, and C
        (72.1, 37, "C"),
        (108.44, 73, "B"),  # shown as 108.4, rounds to 108: band 73-108, not A
        (108.49, 109, "A"),  # shown as 108.5, rounds to 109: band 109-144, so A may apply
        (108.5, 109, "A"),
        (108.7, 109, "A"),
    ],
)
def test_scenario_total_threshold_rounds_like_the_band(total: float, band_min: int, code: str) -> None:
    # The same screen shows the band and the scenario: they must never contradict each other.
    assert band_for_mean(total, TOTAL_BANDS).min == band_min
    result = scenario(total, _means(default=18.0), LOW_SIGNIFICANCE, NO_CONFLICT)
    assert result.code == code
    if code == "C":
        assert result.rules == (RULE_C_TOTAL,)


@pytest.mark.parametrize(("mean", "band_min", "weak"), [(12.5, 13, False), (12.49, 13, False), (12.44, 7, True)])
def test_scenario_principle_threshold_rounds_like_the_band(mean: float, band_min: int, weak: bool) -> None:
    assert band_for_mean(mean, PRINCIPLE_1_BANDS).min == band_min
    result = scenario(90.0, _means(p2=11.0, p5=mean), LOW_SIGNIFICANCE, NO_CONFLICT)
    assert (result.code == "C") is weak
    a_result = scenario(120.0, _means(default=20.0, p4=mean), LOW_SIGNIFICANCE, NO_CONFLICT)
    assert (a_result.code == "A") is not weak


def test_scenario_total_72_04_shows_as_72_0_and_is_c() -> None:
    assert scenario(72.04, _means(), LOW_SIGNIFICANCE, NO_CONFLICT).code == "C"


def test_scenario_c_two_weak_principles_alone() -> None:
    result = scenario(90.0, _means(p2=11.0, p5=12.4), LOW_SIGNIFICANCE, NO_CONFLICT)
    assert result.code == "C"
    assert result.rules == (RULE_C_WEAK_PRINCIPLES,)
    assert result.reasons == [
        "Principles 2 and 5 have means of 12 or below when rounded to whole numbers (11.0 and 12.4)."
    ]


def test_scenario_one_weak_principle_alone_is_b() -> None:
    result = scenario(90.0, _means(p2=11.0), LOW_SIGNIFICANCE, NO_CONFLICT)
    assert result.code == "B"


def test_scenario_mean_12_5_is_not_weak() -> None:
    # 12.5 rounds half up to 13, the 13-18 band, so only one principle is weak.
    assert scenario(90.0, _means(p2=11.0, p5=12.5), LOW_SIGNIFICANCE, NO_CONFLICT).code == "B"
    assert scenario(90.0, _means(p2=11.0, p5=12.45), LOW_SIGNIFICANCE, NO_CONFLICT).code == "B"
    assert scenario(90.0, _means(p2=11.0, p5=12.44), LOW_SIGNIFICANCE, NO_CONFLICT).code == "C"


def test_scenario_three_weak_principles_named_in_one_sentence() -> None:
    result = scenario(90.0, _means(p1=6.0, p2=11.0, p5=12.0), LOW_SIGNIFICANCE, NO_CONFLICT)
    assert result.reasons == [
        "Principles 1, 2 and 5 have means of 12 or below when rounded to whole numbers (6.0, 11.0 and 12.0)."
    ]


def test_scenario_c_significant_weak_principle_alone() -> None:
    significance = {**LOW_SIGNIFICANCE, 3: 4.2}
    result = scenario(90.0, _means(p3=11.0), significance, NO_CONFLICT)
    assert result.code == "C"
    assert result.rules == (RULE_C_SIGNIFICANT_WEAK,)
    assert result.reasons == [
        "Principle 3 is rated significant (mean significance 4.2, 4 or more) and has a mean of 11.0 (12 or below)."
    ]


@pytest.mark.parametrize(
    ("significance", "code"), [(4.0, "C"), (3.95, "C"), (3.5, "C"), (3.45, "C"), (3.44, "B"), (5.0, "C")]
)
def test_scenario_significance_boundary(significance: float, code: str) -> None:
    result = scenario(90.0, _means(p3=11.0), {**LOW_SIGNIFICANCE, 3: significance}, NO_CONFLICT)
    assert result.code == code


def test_scenario_significant_principle_with_mean_12_5_is_not_c() -> None:
    result = scenario(90.0, _means(p3=12.5), {**LOW_SIGNIFICANCE, 3: 5.0}, NO_CONFLICT)
    assert result.code == "B"


def test_scenario_missing_significance_counts_as_not_significant() -> None:
    assert scenario(90.0, _means(p3=11.0), {}, NO_CONFLICT).code == "B"


def test_scenario_all_c_rules_fire_together_and_each_is_explained() -> None:
    significance = {**LOW_SIGNIFICANCE, 1: 4.0, 2: 5.0}
    result = scenario(60.0, _means(default=10.0), significance, NO_CONFLICT)
    assert result.code == "C"
    assert result.rules == (RULE_C_TOTAL, RULE_C_WEAK_PRINCIPLES, RULE_C_SIGNIFICANT_WEAK)
    assert result.reasons[0] == "The mean total 60.0 is 72 or below when rounded to a whole number."
    assert result.reasons[1].startswith("Principles 1, 2, 3, 4, 5 and 6 have means of 12 or below")
    assert result.reasons[2].startswith("Principle 1 is rated significant (mean significance 4.0")
    assert result.reasons[3].startswith("Principle 2 is rated significant (mean significance 5.0")
    assert len(result.reasons) == 4


def test_scenario_total_and_weak_without_significance() -> None:
    result = scenario(70.0, _means(p1=8.0, p2=9.0), LOW_SIGNIFICANCE, NO_CONFLICT)
    assert result.rules == (RULE_C_TOTAL, RULE_C_WEAK_PRINCIPLES)


def test_scenario_c_wins_over_a_conditions() -> None:
    # A total of 109 cannot save a partnership with two weak principles.
    result = scenario(109.0, _means(default=20.0, p1=12.0, p2=12.0), LOW_SIGNIFICANCE, NO_CONFLICT)
    assert result.code == "C"


def test_scenario_a_when_all_conditions_hold() -> None:
    result = scenario(109.0, _means(default=13.0), LOW_SIGNIFICANCE, NO_CONFLICT)
    assert result.code == "A"
    assert result.rules == (RULE_A,)
    assert result.reasons == [
        "The mean total 109.0 is 109 or above when rounded to a whole number.",
        "Every principle mean is 13 or above when rounded to a whole number.",
        "No principle is in conflict.",
        "No scenario C rule applies.",
    ]


def test_scenario_a_accepts_principle_mean_12_5_and_mixed_agreement() -> None:
    agreements = {**NO_CONFLICT, 4: MIXED}
    assert scenario(120.0, _means(default=20.0, p4=12.5), LOW_SIGNIFICANCE, agreements).code == "A"


def test_scenario_total_108_4_is_b() -> None:
    result = scenario(108.4, _means(default=18.0), LOW_SIGNIFICANCE, NO_CONFLICT)
    assert result.code == "B"
    assert result.rules == (RULE_A_TOTAL_NOT_MET,)
    assert result.reasons == [
        "The mean total 108.4 is below 109 when rounded to a whole number, so scenario A does not apply.",
        "No scenario C rule applies.",
    ]


def test_scenario_b_when_one_principle_below_13() -> None:
    result = scenario(120.0, _means(default=20.0, p4=12.4), LOW_SIGNIFICANCE, NO_CONFLICT)
    assert result.code == "B"
    assert result.rules == (RULE_A_PRINCIPLE_NOT_MET,)
    assert result.reasons[0] == (
        "Principle 4 has a mean below 13 when rounded to a whole number (12.4), so scenario A does not apply."
    )


def test_scenario_b_when_a_principle_is_in_conflict() -> None:
    result = scenario(120.0, _means(default=20.0), LOW_SIGNIFICANCE, {**NO_CONFLICT, 2: CONFLICT, 6: CONFLICT})
    assert result.code == "B"
    assert result.rules == (RULE_A_CONFLICT,)
    assert result.reasons[0] == "Principles 2 and 6 are in conflict, so scenario A does not apply."


def test_scenario_b_lists_every_failed_a_condition() -> None:
    result = scenario(100.0, _means(p3=11.0), LOW_SIGNIFICANCE, {**NO_CONFLICT, 1: CONFLICT})
    assert result.code == "B"
    assert result.rules == (RULE_A_TOTAL_NOT_MET, RULE_A_PRINCIPLE_NOT_MET, RULE_A_CONFLICT)
    assert result.reasons[-1] == "No scenario C rule applies."


def test_scenario_thresholds_come_from_rules() -> None:
    strict = dataclasses.replace(PAT_RULES, total_c_max=80, total_a_min=130)
    assert scenario(78.0, _means(), LOW_SIGNIFICANCE, NO_CONFLICT, strict).code == "C"
    assert scenario(120.0, _means(default=20.0), LOW_SIGNIFICANCE, NO_CONFLICT, strict).code == "B"
    assert PAT_RULES == ScenarioRules(72, 12, 2, 4, 109, 13)


def test_scenario_rejects_unknown_agreement_and_empty_means() -> None:
    with pytest.raises(ValueError):
        scenario(100.0, _means(), LOW_SIGNIFICANCE, {1: "agreed"})
    with pytest.raises(ValueError):
        scenario(100.0, {}, LOW_SIGNIFICANCE, NO_CONFLICT)


# --- Priorities -----------------------------------------------------------------------------------------


def test_priority_ranking_highest_weight_first() -> None:
    means = {1: 14.0, 2: 20.0, 3: 10.0}
    significance = {1: 2.0, 2: 5.0, 3: 4.5}
    ranking = priority_ranking(means, significance)
    assert [p.number for p in ranking] == [3, 1, 2]  # 1 and 2 tie at 20: lower number first
    assert ranking[0] == Priority(number=3, weight=63.0, significance=4.5, mean=10.0)
    assert [p.weight for p in ranking] == [63.0, 20.0, 20.0]


def test_priority_ranking_ties_broken_by_principle_number() -> None:
    means = {5: 19.0, 2: 14.0}
    significance = {5: 4.0, 2: 2.0}
    assert [p.number for p in priority_ranking(means, significance)] == [2, 5]


def test_priority_ranking_ties_are_exact_not_float() -> None:
    # In floats 1.1 * 3.0 is 3.3000000000000003 and would outrank 3.3 * 1.0; both weigh exactly 3.3.
    means = {1: 23.0, 2: 21.0}
    significance = {1: 3.3, 2: 1.1}
    ranking = priority_ranking(means, significance)
    assert [p.number for p in ranking] == [1, 2]
    assert ranking[0].weight == ranking[1].weight == 3.3


def test_priority_ranking_leaves_out_principles_without_significance() -> None:
    assert [p.number for p in priority_ranking({1: 10.0, 2: 10.0}, {2: 3.0})] == [2]


# --- Breakdowns and small groups -------------------------------------------------------------------------


def _respondent(label: str, organisation: str | None, level: str | None = None, score: int = 15) -> RespondentScores:
    return RespondentScores(label, organisation, level, (score,) * 6)


def test_suppress_small_groups_merges_groups_below_threshold_into_other() -> None:
    labels = ["Council", "Council", "Council", "Police", "Police", "NHS", None]
    assert suppress_small_groups(labels, 3) == ["Council"] * 3 + [OTHER_GROUP] * 4


def test_suppress_small_groups_withholds_other_when_it_is_still_small() -> None:
    labels = ["Council", "Council", "Council", "Police"]
    assert suppress_small_groups(labels, 3) == ["Council"] * 3 + [None]


def test_suppress_small_groups_threshold_is_a_parameter() -> None:
    labels = ["A", "A", "B", "B", "B", "B"]
    assert suppress_small_groups(labels, 2) == labels
    assert suppress_small_groups(labels, 4) == [None, None, "B", "B", "B", "B"]
    assert suppress_small_groups(labels, 7) == [None] * 6
    with pytest.raises(ValueError):
        suppress_small_groups(labels, 0)


def test_suppress_small_groups_pools_a_real_group_called_other() -> None:
    assert suppress_small_groups(["Other", "Other", "X"], 3) == ["Other", "Other", "Other"]


def test_group_breakdown_merges_groups_of_two_into_other() -> None:
    respondents = [
        _respondent("r1", "Council", score=20),
        _respondent("r2", "Council", score=18),
        _respondent("r3", "Council", score=16),
        _respondent("r4", "Police", score=10),
        _respondent("r5", "Police", score=12),
        _respondent("r6", "NHS", score=8),
    ]
    groups = group_breakdown(respondents, "organisation")
    assert [(g.name, g.n, g.withheld) for g in groups] == [("Council", 3, False), (OTHER_GROUP, 3, False)]
    council, other = groups
    assert council.principle_means == {number: 18.0 for number in range(1, 7)}
    assert council.total_mean == 108.0
    assert other.principle_means == {number: 10.0 for number in range(1, 7)}
    assert other.total_mean == 60.0


def test_group_breakdown_withholds_small_other_and_its_complement() -> None:
    respondents = [
        *(_respondent(f"c{i}", "Council") for i in range(4)),
        *(_respondent(f"v{i}", "Voluntary sector") for i in range(3)),
        _respondent("p1", "Police"),
        _respondent("p2", "Police"),
    ]
    groups = group_breakdown(respondents, "organisation")
    by_name = {g.name: g for g in groups}
    assert [g.name for g in groups] == ["Council", "Voluntary sector", OTHER_GROUP]
    other = by_name[OTHER_GROUP]
    assert (other.n, other.principle_means, other.total_mean, other.withheld) == (2, None, None, True)
    # Without this, the partnership mean minus the shown groups would reveal the two Police answers.
    assert by_name["Voluntary sector"].withheld and by_name["Voluntary sector"].principle_means is None
    assert by_name["Voluntary sector"].n == 3
    assert not by_name["Council"].withheld and by_name["Council"].total_mean == 90.0


def test_group_breakdown_by_level_with_threshold_parameter() -> None:
    respondents = [
        _respondent("a", "X", "Board"),
        _respondent("b", "X", "Board"),
        _respondent("c", "X", "Front line"),
        _respondent("d", "X", "Front line"),
    ]
    groups = group_breakdown(respondents, "level", min_group_size=2)
    assert [(g.name, g.n, g.withheld) for g in groups] == [("Board", 2, False), ("Front line", 2, False)]
    groups = group_breakdown(respondents, "level")
    assert [(g.name, g.n, g.withheld) for g in groups] == [(OTHER_GROUP, 4, False)]


def test_group_breakdown_adds_bands_when_given() -> None:
    respondents = [_respondent(f"r{i}", "Council", score=s) for i, s in enumerate([12, 13, 13])]
    (group,) = group_breakdown(respondents, "organisation", bands=BANDS_BY_PRINCIPLE, total_bands=TOTAL_BANDS)
    assert group.principle_means == {number: 12.7 for number in range(1, 7)}
    assert group.principle_bands is not None and group.principle_bands[1].min == 13
    assert group.total_band is not None and group.total_band.min == 73


def test_group_breakdown_rejects_unknown_key() -> None:
    with pytest.raises(ValueError):
        group_breakdown([], "name")  # type: ignore[arg-type]


def test_group_breakdown_of_nobody_is_empty() -> None:
    assert group_breakdown([], "organisation") == []


def test_respondent_scores_needs_a_whole_number_score_per_principle() -> None:
    # How many principles there are is the instrument's (the services check it); the core needs scores.
    with pytest.raises(ValueError):
        RespondentScores("r", None, None, ())
    with pytest.raises(ValueError):
        RespondentScores("r", None, None, (15, 15, None))  # type: ignore[arg-type]
    assert RespondentScores("r", None, None, (6, 7, 8, 9, 10, 11)).total == 51
    assert RespondentScores("r", None, None, (0, 3, 15, 9)).total == 27


def test_group_aggregate_is_a_plain_value() -> None:
    assert GroupAggregate("X", 3, None, None, withheld=True).principle_bands is None


# --- Over time --------------------------------------------------------------------------------------------


def test_compare_rounds_principle_by_principle() -> None:
    changes = compare_rounds({1: 12.1, 2: 15.0, 3: 9.0}, {1: 13.3, 2: 14.5, 4: 20.0})
    assert changes == [
        PrincipleChange(1, 12.1, 13.3, 1.2),
        PrincipleChange(2, 15.0, 14.5, -0.5),
        PrincipleChange(3, 9.0, None, None),
        PrincipleChange(4, None, 20.0, None),
    ]


def test_total_change() -> None:
    assert total_change(80.2, 91.5) == 11.3
    assert total_change(None, 91.5) is None
    assert total_change(91.5, 80.2) == -11.3


# --- Properties -------------------------------------------------------------------------------------------

answers_strategy = st.lists(st.sampled_from(ANSWER_VALUES), min_size=6, max_size=6)
principle_scores_strategy = st.integers(min_value=6, max_value=24)


@given(answers_strategy)
def test_property_principle_score_between_6_and_24(answers: list[int]) -> None:
    score = principle_score(answers)
    assert score is not None and 6 <= score <= 24


@given(st.lists(answers_strategy, min_size=6, max_size=6))
def test_property_total_between_36_and_144(sheets: list[list[int]]) -> None:
    total = total_score([principle_score(sheet) for sheet in sheets])
    assert total is not None and 36 <= total <= 144
    assert band_for(total, TOTAL_BANDS).contains(total)


@given(principle_scores_strategy)
def test_property_exactly_one_band_for_every_principle_score(score: int) -> None:
    assert sum(band.contains(score) for band in PRINCIPLE_1_BANDS) == 1
    assert band_for(score, PRINCIPLE_1_BANDS).contains(score)


@given(st.lists(principle_scores_strategy, min_size=1, max_size=60))
def test_property_mean_and_median_lie_between_min_and_max(scores: list[int]) -> None:
    aggregate = aggregate_principle(1, scores, PRINCIPLE_1_BANDS)
    assert aggregate.min <= aggregate.mean <= aggregate.max
    assert aggregate.min <= aggregate.median <= aggregate.max
    assert aggregate.median == statistics.median(scores)
    assert abs(aggregate.mean - sum(scores) / len(scores)) <= 0.05 + 1e-9


@given(principle_scores_strategy, st.integers(min_value=1, max_value=30))
def test_property_equal_scores_are_consensus(score: int, n: int) -> None:
    assert agreement([score] * n, PRINCIPLE_1_BANDS) == CONSENSUS


@given(st.lists(principle_scores_strategy, min_size=1, max_size=30))
def test_property_agreement_matches_band_span(scores: list[int]) -> None:
    bands = {band_for(s, PRINCIPLE_1_BANDS) for s in scores}
    result = agreement(scores, PRINCIPLE_1_BANDS)
    if len(bands) == 1:
        assert result == CONSENSUS
    elif result == MIXED:
        assert len(bands) == 2
    else:
        assert result == CONFLICT


@given(st.lists(st.sampled_from(ANSWER_VALUES), max_size=40))
def test_property_distribution_counts_every_answer(answers: list[int]) -> None:
    assert sum(answer_distribution(answers).values()) == len(answers)


@given(st.lists(st.sampled_from(SIGNIFICANCE_VALUES), min_size=1, max_size=20))
def test_property_mean_significance_on_the_scale(values: list[int]) -> None:
    assert 1 <= mean_significance(values) <= 5


@given(st.lists(st.sampled_from(["A", "B", "C", "D", None]), max_size=20), st.integers(min_value=1, max_value=5))
def test_property_no_shown_group_is_below_threshold(labels: list[str | None], threshold: int) -> None:
    shown = suppress_small_groups(labels, threshold)
    for name in set(shown) - {None}:
        assert shown.count(name) >= threshold


@given(st.lists(st.sampled_from([1, 2, 3, 4]), max_size=60))
def test_divided_from_counts_agrees_with_divided_from_answers(answers):
    counts = answer_distribution(answers)
    assert core.is_divided_distribution(counts, PAT_SCALE) == is_divided(answers)
