"""The pure core of the Partnership Health Check: scoring, banding, aggregation and scenario rules.

Everything here works on plain values and frozen dataclasses; nothing imports Django, so every rule the
facilitator has to explain is tested without a database. Nothing of the instrument's shape is written here: the
answer scale (``AnswerScale``), the number of statements, the band thresholds and wording (``Band``) and the
scenario thresholds (``ScenarioRules``, derived from the bands) all come from the instrument's read model
(``assessments.readmodel``), so an instrument of another shape is scored by the same code.

Rounding decisions (the help page states them):
- Means are shown to one decimal, rounded half up (12.45 -> 12.5), computed exactly with ``Decimal`` from the
  integer scores, never through binary floats.
- The band of a mean is the band of the *shown* one-decimal mean rounded half up to a whole number, so the
  band always agrees with the number on screen (an exact mean of 12.45 is shown as 12.5 and falls in 13-18).
- Every threshold of the scenario rules (the mean total's "72 or below" and "109 or above", the principles'
  "12 or below" and "13 or above", the significance "4 or more") is compared after that same whole-number
  rounding, so a scenario never contradicts the band shown beside it: a mean total of 108.5 is in the band
  109-144 and may be scenario A; 72.5 is in 73-108 and is not scenario C by its total.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

# A divided statement needs at least this many answers agreeing and this many disagreeing (a rule, not shape).
MIN_DIVIDED_SIDE: int = 2

CONSENSUS = "consensus"
MIXED = "mixed"
CONFLICT = "conflict"
AGREEMENT_VALUES: tuple[str, ...] = (CONSENSUS, MIXED, CONFLICT)

OTHER_GROUP = "Other"
DEFAULT_MIN_GROUP_SIZE = 3

# Identifiers of the scenario rules, so a screen can highlight the rule without parsing sentences.
RULE_C_TOTAL = "c_total"
RULE_C_WEAK_PRINCIPLES = "c_weak_principles"
RULE_C_SIGNIFICANT_WEAK = "c_significant_weak"
RULE_A = "a_all_conditions"
RULE_A_TOTAL_NOT_MET = "a_total_not_met"
RULE_A_PRINCIPLE_NOT_MET = "a_principle_not_met"
RULE_A_CONFLICT = "a_conflict"

_ONE_DECIMAL = Decimal("0.1")
_WHOLE = Decimal("1")

Number = int | float | Decimal


# --- Bands -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    """A score range with the instrument's wording for it, e.g. 13-18 "The need for partnership is ..."."""

    min: int
    max: int
    text: str

    def __post_init__(self) -> None:
        if self.min > self.max:
            raise ValueError(f"Band minimum {self.min} is above its maximum {self.max}.")

    def contains(self, score: int) -> bool:
        """Return True when ``score`` lies within this band, both ends included."""
        return self.min <= score <= self.max

    @property
    def label(self) -> str:
        """Return the range as the seed writes it: "13-18", or "6" for a one-score band."""
        return str(self.min) if self.min == self.max else f"{self.min}-{self.max}"


def ordered_bands(bands: Sequence[Band]) -> list[Band]:
    """Return the bands from lowest to highest, whatever order the instrument lists them in."""
    # The seed lists bands highest first; agreement needs a fixed low-to-high order to measure a span.
    return sorted(bands, key=lambda band: band.min)


def validate_bands(bands: Sequence[Band], lowest: int, highest: int) -> None:
    """Return None when the bands cover lowest..highest once, with no gap or overlap; else ValueError."""
    if not bands:
        raise ValueError("An instrument needs at least one band.")
    expected = lowest
    for band in ordered_bands(bands):
        if band.min != expected:
            raise ValueError(f"Bands must be contiguous: expected a band starting at {expected}, got {band.label}.")
        expected = band.max + 1
    if expected - 1 != highest:
        raise ValueError(f"Bands end at {expected - 1}, not at {highest}.")


def band_index(score: int, bands: Sequence[Band]) -> int:
    """Return the position (0 = lowest) of the one band containing ``score``; ValueError unless one."""
    return _index_in_ordered(score, ordered_bands(bands))


def _index_in_ordered(score: int, ordered: Sequence[Band]) -> int:
    """``band_index`` over bands already ordered lowest first (sorted once for a whole column of scores)."""
    matches = [index for index, band in enumerate(ordered) if band.contains(score)]
    if len(matches) != 1:
        found = "no band" if not matches else "more than one band"
        raise ValueError(f"Score {score} falls in {found}.")
    return matches[0]


def band_for(score: int, bands: Sequence[Band]) -> Band:
    """Return the one band containing ``score``; ValueError if none (or, for faulty bands, several) do."""
    return ordered_bands(bands)[band_index(score, bands)]


# --- Answer scale ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerScale:
    """The values of an agreement scale, lowest first (the PAT's is 1, 2, 3, 4; another may run 0 to 3)."""

    values: tuple[int, ...]

    def __post_init__(self) -> None:
        if len(self.values) < 2 or list(self.values) != sorted(set(self.values)):
            raise ValueError(f"A scale needs at least two distinct values, lowest first; got {self.values}.")

    @property
    def min(self) -> int:
        """Return the lowest value (the strongest disagreement)."""
        return self.values[0]

    @property
    def max(self) -> int:
        """Return the highest value (the strongest agreement)."""
        return self.values[-1]

    @property
    def agree(self) -> frozenset[int]:
        """Return the values above the middle of the scale (Agree and Strongly agree on the PAT's)."""
        return frozenset(v for v in self.values if 2 * v > self.min + self.max)

    @property
    def disagree(self) -> frozenset[int]:
        """Return the values below the middle of the scale (Disagree and Strongly disagree on the PAT's)."""
        return frozenset(v for v in self.values if 2 * v < self.min + self.max)

    def descending(self) -> tuple[int, ...]:
        """Return the values highest first, the order in which sheets and charts list them."""
        return tuple(reversed(self.values))


# --- Rounding and means --------------------------------------------------------------------------------


def _decimal(x: Number) -> Decimal:
    # str() first: Decimal(12.45) is 12.4499..., but the number the user sees and means is 12.45.
    if isinstance(x, Decimal):
        return x
    if isinstance(x, bool):
        raise ValueError("A boolean is not a score.")
    return Decimal(str(x))


def round_half_up(x: Number) -> int:
    """Return ``x`` rounded to a whole number, halves away from zero (12.5 -> 13), not banker's rounding."""
    return int(_decimal(x).quantize(_WHOLE, rounding=ROUND_HALF_UP))


def one_decimal(x: Number) -> float:
    """Return ``x`` rounded half up to one decimal place (12.45 -> 12.5), as shown on every screen."""
    return float(_decimal(x).quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP))


def mean_one_decimal(values: Sequence[int]) -> float:
    """Return the mean of integer ``values`` rounded half up to one decimal; ValueError when empty."""
    if not values:
        raise ValueError("The mean of no values is undefined.")
    # Exact decimal division of integers: a tie such as 249/20 = 12.45 stays a tie and rounds up.
    exact = Decimal(sum(values)) / Decimal(len(values))
    return one_decimal(exact)


def whole_mean(mean: Number) -> int:
    """Return the whole number a mean is banded by: the shown one-decimal mean rounded half up."""
    # Rounding to one decimal first keeps the band in step with the number on screen (12.45 shows 12.5 -> 13).
    return round_half_up(_decimal(one_decimal(mean)))


def band_for_mean(mean: Number, bands: Sequence[Band]) -> Band:
    """Return the band of a mean: the band containing ``whole_mean(mean)``."""
    return band_for(whole_mean(mean), bands)


# --- Individual scores --------------------------------------------------------------------------------


def _check_value(value: object, allowed: Sequence[int], what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
        raise ValueError(f"{what} {value!r} is not one of {tuple(allowed)}.")
    return value


def principle_score(answers: Sequence[int | None], scale: AnswerScale, statements: int) -> int | None:
    """Return the sum of a principle's answers (6 to 24 on the PAT), or None if any answer is missing.

    ``statements`` is how many the principle has: a list of another length is a bug, not an unfinished sheet.
    """
    if len(answers) != statements:
        raise ValueError(f"A principle has {statements} answers, got {len(answers)}.")
    # Validate every given answer even when one is missing: a bad value is a bug, not an unfinished sheet.
    given = [_check_value(a, scale.values, "Answer") for a in answers if a is not None]
    if len(given) != statements:
        return None
    return sum(given)


def total_score(principle_scores: Sequence[int | None], principles: int, score_range: range) -> int | None:
    """Return the sum of the principle scores (36 to 144 on the PAT), or None if any of them is None.

    ``principles`` is how many the instrument has and ``score_range`` the range of one principle's score.
    """
    if len(principle_scores) != principles:
        raise ValueError(f"A total needs {principles} principle scores, got {len(principle_scores)}.")
    given = [_check_value(s, score_range, "Principle score") for s in principle_scores if s is not None]
    if len(given) != principles:
        return None
    return sum(given)


def check_significance(value: int, scale: Sequence[int]) -> int:
    """Return ``value`` unchanged when it is on the significance scale (1 to 5 on the PAT); else ValueError."""
    return _check_value(value, scale, "Significance")


def mean_significance(values: Sequence[int], scale: Sequence[int]) -> float:
    """Return the mean significance rating (one decimal, half up); ValueError when empty or off the scale."""
    return mean_one_decimal([check_significance(v, scale) for v in values])


# --- Aggregation across respondents --------------------------------------------------------------------


def agreement_span(scores: Sequence[int], bands: Sequence[Band]) -> int:
    """Return how many bands the scores span: highest band index minus lowest band index plus one."""
    if not scores:
        raise ValueError("Agreement needs at least one score.")
    # Each distinct score once: a round of 200 respondents has at most 19 different principle scores.
    ordered = ordered_bands(bands)
    indexes = [_index_in_ordered(score, ordered) for score in set(scores)]
    return max(indexes) - min(indexes) + 1


def agreement(scores: Sequence[int], bands: Sequence[Band]) -> str:
    """Return "consensus" (all in one band), "mixed" (two adjacent bands) or "conflict" (a span of 3+)."""
    # Span, not the number of distinct bands: 6 and 19-24 are only two bands but as far apart as possible.
    return _agreement_of_span(agreement_span(scores, bands))


def _agreement_of_span(span: int) -> str:
    if span == 1:
        return CONSENSUS
    if span == 2:
        return MIXED
    return CONFLICT


@dataclass(frozen=True)
class PrincipleAggregate:
    """One principle's scores across respondents, as the results screen shows them."""

    number: int
    n: int
    mean: float
    median: float
    min: int
    max: int
    agreement: str
    band_index_span: int
    band: Band


def aggregate_principle(number: int, scores: Sequence[int], bands: Sequence[Band]) -> PrincipleAggregate:
    """Return the count, one-decimal mean, median, range, agreement and band of one principle's scores."""
    if not scores:
        raise ValueError(f"Principle {number} has no scores to aggregate.")
    mean = mean_one_decimal(scores)
    span = agreement_span(scores, bands)
    return PrincipleAggregate(
        number=number,
        n=len(scores),
        mean=mean,
        median=float(statistics.median(scores)),
        min=min(scores),
        max=max(scores),
        agreement=_agreement_of_span(span),
        band_index_span=span,
        band=band_for_mean(mean, bands),
    )


@dataclass(frozen=True)
class TotalAggregate:
    """The respondents' totals across the six principles, summarised."""

    n: int
    mean: float
    median: float
    min: int
    max: int
    band: Band


def aggregate_total(totals: Sequence[int], bands: Sequence[Band]) -> TotalAggregate:
    """Return the count, one-decimal mean, median, range and aggregate band of the respondents' totals."""
    if not totals:
        raise ValueError("There are no totals to aggregate.")
    mean = mean_one_decimal(totals)
    return TotalAggregate(
        n=len(totals),
        mean=mean,
        median=float(statistics.median(totals)),
        min=min(totals),
        max=max(totals),
        band=band_for_mean(mean, bands),
    )


def answer_distribution(answers: Sequence[int], scale: AnswerScale) -> dict[int, int]:
    """Return how many answers took each value, keyed highest value first (4, 3, 2, 1), zero counts included."""
    counts = Counter(_check_value(a, scale.values, "Answer") for a in answers)
    return {value: counts[value] for value in scale.descending()}


def is_divided(answers: Sequence[int], scale: AnswerScale) -> bool:
    """Return True when at least a quarter of the answers agree and at least a quarter disagree, with at
    least ``MIN_DIVIDED_SIDE`` answers on each side.

    No answers is not divided (False).
    """
    return is_divided_distribution(answer_distribution(answers, scale), scale)


def is_divided_distribution(counts: Mapping[int, int], scale: AnswerScale) -> bool:
    """Return ``is_divided`` for answers already counted by value ({4: n, 3: n, 2: n, 1: n}; missing = 0)."""
    counts = {value: counts.get(value, 0) for value in scale.values}
    if any(n < 0 for n in counts.values()):
        raise ValueError("Answer counts cannot be negative.")
    n = sum(counts.values())
    if n == 0:
        return False
    agree = sum(counts[v] for v in scale.agree)
    disagree = sum(counts[v] for v in scale.disagree)
    # Integer comparison so "exactly a quarter" is exact: 4 * count >= n. A single dissenter in a small
    # round is a quarter of four answers but tells the workshop nothing, hence the minimum on each side.
    return 4 * agree >= n and 4 * disagree >= n and min(agree, disagree) >= MIN_DIVIDED_SIDE


# --- Scenario --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScenarioRules:
    """The thresholds of the scenario rules (SPEC section 3), in one place so they can be shown and tested.

    They are not typed in anywhere: ``from_bands`` reads them off the instrument's bands (72, 12, 4, 109 and
    13 on the PAT), so they move with the instrument.
    """

    total_c_max: int
    weak_max: int
    weak_count_c: int
    significant_min: int
    total_a_min: int
    strong_min: int

    @classmethod
    def from_bands(
        cls, principle_bands: Sequence[Band], total_bands: Sequence[Band], significance: Sequence[int]
    ) -> ScenarioRules:
        """Return the rules of an instrument with these bands (of any principle) and significance scale.

        C: a mean total in the second-lowest aggregate band or below (37-72: "72 or below"), two or more
        principle means in the second-lowest principle band or below ("7-12 or below"), or such a principle
        rated above the middle of the significance scale (4 or 5 of 1-5). A: a mean total in the top aggregate
        band (109-144) and every principle mean in the top two principle bands (13 or above).
        """
        principle, total = ordered_bands(principle_bands), ordered_bands(total_bands)
        if len(principle) < 3 or len(total) < 2:
            raise ValueError("Scenario rules need at least three principle bands and two aggregate bands.")
        low, high = min(significance), max(significance)
        return cls(
            total_c_max=total[1].max if len(total) > 2 else total[0].max,
            weak_max=principle[1].max,
            weak_count_c=2,  # "two or more principles": the rule's own number, whatever the instrument
            significant_min=min(v for v in significance if 2 * v > low + high),
            total_a_min=total[-1].min,
            strong_min=principle[-2].min,
        )


@dataclass(frozen=True)
class ScenarioResult:
    """The scenario letter, the sentences that explain it, and identifiers of the rules behind them."""

    code: Literal["A", "B", "C"]
    reasons: list[str]
    rules: tuple[str, ...] = field(default=())


def _join_numbers(numbers: Iterable[object]) -> str:
    items = [str(n) for n in numbers]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _principles_phrase(numbers: Sequence[int]) -> str:
    noun = "Principle" if len(numbers) == 1 else "Principles"
    return f"{noun} {_join_numbers(numbers)}"


def _fmt(x: float) -> str:
    return f"{x:.1f}"


def scenario(
    total_mean: float,
    principle_means: Mapping[int, float],
    significance_means: Mapping[int, float],
    agreements: Mapping[int, str],
    rules: ScenarioRules,
) -> ScenarioResult:
    """Return scenario C, A or B (checked in that order) with one sentence per rule that decided it.

    Every mean is first rounded half up to one decimal, so the rules act on the numbers the screen shows,
    then every threshold is compared with that mean rounded half up to a whole number (``whole_mean``), the
    rounding of the bands, so the scenario never contradicts the band shown beside it.
    A principle without a significance mean counts as not significant; one without an agreement as not in
    conflict.
    """
    if not principle_means:
        raise ValueError("A scenario needs at least one principle mean.")
    for number, value in agreements.items():
        if value not in AGREEMENT_VALUES:
            raise ValueError(f"Principle {number} has unknown agreement {value!r}.")

    total = one_decimal(total_mean)
    means = {number: one_decimal(mean) for number, mean in sorted(principle_means.items())}
    significance = {number: one_decimal(value) for number, value in significance_means.items()}

    reasons: list[str] = []
    fired: list[str] = []

    whole_total = whole_mean(total)
    if whole_total <= rules.total_c_max:
        fired.append(RULE_C_TOTAL)
        reasons.append(f"The mean total {_fmt(total)} is {rules.total_c_max} or below when rounded to a whole number.")

    weak = [number for number, mean in means.items() if whole_mean(mean) <= rules.weak_max]
    if len(weak) >= rules.weak_count_c:
        fired.append(RULE_C_WEAK_PRINCIPLES)
        reasons.append(
            f"{_principles_phrase(weak)} have means of {rules.weak_max} or below "
            f"when rounded to whole numbers ({_join_numbers(_fmt(means[n]) for n in weak)})."
        )

    significant_weak = [n for n in weak if whole_mean(significance.get(n, 0)) >= rules.significant_min]
    if significant_weak:
        fired.append(RULE_C_SIGNIFICANT_WEAK)
        reasons.extend(
            f"Principle {n} is rated significant (mean significance {_fmt(significance[n])}, "
            f"{rules.significant_min} or more) and has a mean of {_fmt(means[n])} "
            f"({rules.weak_max} or below)."
            for n in significant_weak
        )

    if fired:
        return ScenarioResult(code="C", reasons=reasons, rules=tuple(fired))

    not_strong = [number for number, mean in means.items() if whole_mean(mean) < rules.strong_min]
    in_conflict = [number for number in means if agreements.get(number) == CONFLICT]

    if whole_total >= rules.total_a_min and not not_strong and not in_conflict:
        return ScenarioResult(
            code="A",
            reasons=[
                f"The mean total {_fmt(total)} is {rules.total_a_min} or above when rounded to a whole number.",
                f"Every principle mean is {rules.strong_min} or above when rounded to a whole number.",
                "No principle is in conflict.",
                "No scenario C rule applies.",
            ],
            rules=(RULE_A,),
        )

    if whole_total < rules.total_a_min:
        fired.append(RULE_A_TOTAL_NOT_MET)
        reasons.append(
            f"The mean total {_fmt(total)} is below {rules.total_a_min} when rounded to a whole number, "
            "so scenario A does not apply."
        )
    if not_strong:
        fired.append(RULE_A_PRINCIPLE_NOT_MET)
        verb = "has a mean" if len(not_strong) == 1 else "have means"
        reasons.append(
            f"{_principles_phrase(not_strong)} {verb} below {rules.strong_min} "
            f"when rounded to a whole number ({_join_numbers(_fmt(means[n]) for n in not_strong)}), "
            "so scenario A does not apply."
        )
    if in_conflict:
        fired.append(RULE_A_CONFLICT)
        verb = "is" if len(in_conflict) == 1 else "are"
        reasons.append(f"{_principles_phrase(in_conflict)} {verb} in conflict, so scenario A does not apply.")
    reasons.append("No scenario C rule applies.")
    return ScenarioResult(code="B", reasons=reasons, rules=tuple(fired))


# --- Priorities -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Priority:
    """A principle's claim on attention: weight = mean significance x (highest score - mean score)."""

    number: int
    weight: float
    significance: float
    mean: float


def priority_ranking(
    principle_means: Mapping[int, float],
    significance_means: Mapping[int, float],
    max_score: int,
) -> list[Priority]:
    """Return the principles ranked by mean significance x (max_score - mean), highest first, ties by number.

    Means are taken at one decimal, as shown; principles without a significance mean are left out.
    """
    ranked: list[tuple[Decimal, Priority]] = []
    for number, mean in principle_means.items():
        if number not in significance_means:
            continue
        sig = _decimal(one_decimal(significance_means[number]))
        shown_mean = _decimal(one_decimal(mean))
        # Decimal keeps the product of two one-decimal numbers exact, so equal weights really tie.
        weight = sig * (Decimal(max_score) - shown_mean)
        ranked.append((weight, Priority(number, float(weight), float(sig), float(shown_mean))))
    ranked.sort(key=lambda item: (-item[0], item[1].number))
    return [priority for _, priority in ranked]


# --- Breakdown by organisation or level ----------------------------------------------------------------


@dataclass(frozen=True)
class RespondentScores:
    """One respondent's principle scores (in principle order) with their groups (no name in anonymous rounds)."""

    label: str
    organisation: str | None
    level: str | None
    principle_scores: tuple[int, ...]

    def __post_init__(self) -> None:
        if not self.principle_scores or not all(isinstance(s, int) for s in self.principle_scores):
            raise ValueError(f"Respondent {self.label} needs a score for every principle.")

    @property
    def total(self) -> int:
        """Return the sum of the principle scores."""
        return sum(self.principle_scores)


@dataclass(frozen=True)
class GroupAggregate:
    """One organisation or level in a breakdown; a withheld group shows its size but no means."""

    name: str
    n: int
    principle_means: dict[int, float] | None
    total_mean: float | None
    withheld: bool = False
    principle_bands: dict[int, Band] | None = None
    total_band: Band | None = None


def suppress_small_groups(
    labels: Sequence[str | None], min_group_size: int = DEFAULT_MIN_GROUP_SIZE
) -> list[str | None]:
    """Return, per respondent, their group name, "Other" if their group was merged, or None if even the
    merged "Other" group is smaller than ``min_group_size``.

    A missing label (None) and a label already called "Other" are merged into "Other" too.
    """
    if min_group_size < 1:
        raise ValueError("The minimum group size must be at least 1.")
    sizes = Counter(labels)

    def pooled(label: str | None) -> bool:
        return label is None or label == OTHER_GROUP or sizes[label] < min_group_size

    other_size = sum(1 for label in labels if pooled(label))
    other_name = OTHER_GROUP if other_size >= min_group_size else None
    return [other_name if pooled(label) else label for label in labels]


def group_breakdown(
    respondents: Sequence[RespondentScores],
    key: Literal["organisation", "level"],
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    *,
    bands: Mapping[int, Sequence[Band]] | None = None,
    total_bands: Sequence[Band] | None = None,
) -> list[GroupAggregate]:
    """Return one aggregate per group of at least ``min_group_size``, sorted by name, then "Other" last.

    Smaller groups are merged into "Other". If "Other" is still too small it is withheld (its n, no means),
    and so is the smallest shown group, because the partnership's overall means minus the shown groups
    would otherwise give the withheld group's means away. ``bands`` (per principle number) and
    ``total_bands`` are optional and add the band of each shown mean.
    """
    if key not in ("organisation", "level"):
        raise ValueError(f"Cannot break down by {key!r}.")
    sums = group_sums([(getattr(r, key), r.principle_scores) for r in respondents])
    return [group_aggregate(group, bands, total_bands) for group in breakdown_from_sums(sums.values(), min_group_size)]


@dataclass(frozen=True)
class GroupSums:
    """A group's size and the sums of its members' principle scores and totals: all a breakdown needs.

    ``principle_sums`` and ``total_sum`` are None for a withheld group."""

    name: str | None
    n: int
    principle_sums: tuple[int, ...] | None
    total_sum: int | None
    withheld: bool = False


def group_sums(members: Iterable[tuple[str | None, Sequence[int]]]) -> dict[str | None, GroupSums]:
    """Return {group name: GroupSums} from (group name, principle scores) pairs, in first-seen order."""
    groups: dict[str | None, GroupSums] = {}
    for name, scores in members:
        groups[name] = add_to_group(groups.get(name), name, scores)
    return groups


def add_to_group(group: GroupSums | None, name: str | None, scores: Sequence[int]) -> GroupSums:
    """Return ``group`` (None: a new group called ``name``) with one more member of these principle scores."""
    if not scores or any(score is None for score in scores):
        raise ValueError("A group member needs a score for every principle.")
    if group is None:
        return GroupSums(name, 1, tuple(scores), sum(scores))
    if group.principle_sums is None or group.total_sum is None:
        raise ValueError(f"Group {name!r} is withheld: its sums are gone.")
    sums = tuple(a + b for a, b in zip(group.principle_sums, scores, strict=True))
    return GroupSums(name, group.n + 1, sums, group.total_sum + sum(scores))


def breakdown_from_sums(groups: Iterable[GroupSums], min_group_size: int = DEFAULT_MIN_GROUP_SIZE) -> list[GroupSums]:
    """Return the groups a breakdown shows: those of at least ``min_group_size`` sorted by name, then "Other".

    Smaller groups (and a group without a name) are merged into "Other"; if "Other" is still too small it is
    withheld (its n, no sums), and so is the smallest shown group (complementary suppression).
    """
    if min_group_size < 1:
        raise ValueError("The minimum group size must be at least 1.")
    members: dict[str, GroupSums] = {}
    pooled: list[GroupSums] = []
    for group in groups:
        if group.name is None or group.name == OTHER_GROUP or group.n < min_group_size:
            pooled.append(group)
        else:
            members[group.name] = group
    other: GroupSums | None = None
    for group in pooled:
        if other is None:
            other = GroupSums(OTHER_GROUP, group.n, group.principle_sums, group.total_sum)
        else:
            sums = (
                tuple(a + b for a, b in zip(other.principle_sums, group.principle_sums, strict=True))
                if other.principle_sums is not None and group.principle_sums is not None
                else None
            )
            total = (
                other.total_sum + group.total_sum
                if other.total_sum is not None and group.total_sum is not None
                else None
            )
            other = GroupSums(OTHER_GROUP, other.n + group.n, sums, total)
    other_withheld = other is not None and other.n < min_group_size
    complement: str | None = None
    if other_withheld and members:
        # Complementary suppression: withhold the smallest shown group too (ties by name).
        complement = min(members, key=lambda name: (members[name].n, name))
    shown = [_withheld(members[name]) if name == complement else members[name] for name in sorted(members)]
    if other is not None:
        shown.append(_withheld(other) if other_withheld else other)
    return shown


def _withheld(group: GroupSums) -> GroupSums:
    return GroupSums(group.name, group.n, None, None, withheld=True)


def group_aggregate(
    group: GroupSums, bands: Mapping[int, Sequence[Band]] | None = None, total_bands: Sequence[Band] | None = None
) -> GroupAggregate:
    """Return the group's means (one decimal, half up, as ``mean_one_decimal``) and bands; none if withheld.

    Principle n is the n-th sum (the read model numbers principles 1, 2, 3 ... in order).
    """
    name = group.name or OTHER_GROUP
    if group.withheld or group.principle_sums is None or group.total_sum is None:
        return GroupAggregate(name=name, n=group.n, principle_means=None, total_mean=None, withheld=True)
    means = {
        number: one_decimal(Decimal(principle_sum) / Decimal(group.n))
        for number, principle_sum in enumerate(group.principle_sums, start=1)
    }
    total_mean = one_decimal(Decimal(group.total_sum) / Decimal(group.n))
    return GroupAggregate(
        name=name,
        n=group.n,
        principle_means=means,
        total_mean=total_mean,
        principle_bands=(
            {number: band_for_mean(mean, bands[number]) for number, mean in means.items() if number in bands}
            if bands is not None
            else None
        ),
        total_band=band_for_mean(total_mean, total_bands) if total_bands is not None else None,
    )


# --- Over time ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrincipleChange:
    """A principle's mean in an earlier and a later round; change is None when either round lacks it."""

    number: int
    earlier: float | None
    later: float | None
    change: float | None


def mean_change(earlier: float | None, later: float | None) -> float | None:
    """Return later minus earlier at one decimal (exact, half up), or None when either is missing."""
    if earlier is None or later is None:
        return None
    # Decimal, so 13.3 - 12.1 is 1.2 and not 1.2000000000000028.
    return one_decimal(_decimal(one_decimal(later)) - _decimal(one_decimal(earlier)))


def compare_rounds(earlier: Mapping[int, float], later: Mapping[int, float]) -> list[PrincipleChange]:
    """Return, per principle in either round (by number), the earlier and later mean and the change."""
    return [
        PrincipleChange(
            number=number,
            earlier=one_decimal(earlier[number]) if number in earlier else None,
            later=one_decimal(later[number]) if number in later else None,
            change=mean_change(earlier.get(number), later.get(number)),
        )
        for number in sorted(set(earlier) | set(later))
    ]


def total_change(earlier_total: float | None, later_total: float | None) -> float | None:
    """Return the change in the mean total between two rounds at one decimal, or None if either is missing."""
    return mean_change(earlier_total, later_total)
