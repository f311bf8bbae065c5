"""One typed, frozen read model of an instrument: everything the pages, scoring, charts and exports know of it.

An instrument never changes once loaded (a new version is a new instrument), so the read model is built once
per instrument version (``assessments.selectors.instrument_structure`` keeps it in the process) and shared by
every request. Every number that depends on the instrument's shape (how many principles and statements, the
answer scale, the score ranges 6-24 and 36-144 of the PAT, the band limits, the scenario thresholds, the
significance scale) is derived here from the data, never typed again elsewhere.

Pure: no Django import, so the rules that use it are tested without a database.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from assessments.scoring import AnswerScale, Band, ScenarioRules, ordered_bands

# Any instrument's answers and significance ratings are small whole numbers from 0 to this: the file's schema
# and the database check this much; the services check each answer against its instrument's own scale.
SCALE_LIMIT = 10


@dataclass(frozen=True)
class ScaleOption:
    """One point of the answer scale, e.g. 4 "Strongly agree"."""

    value: int
    label: str


@dataclass(frozen=True)
class SignificanceScale:
    """The scale of the relative significance of each principle (1 "Less significant" to 5 on the PAT)."""

    question: str
    min: int
    max: int
    min_label: str
    max_label: str

    @property
    def values(self) -> tuple[int, ...]:
        """Return every value on the scale, lowest first."""
        return tuple(range(self.min, self.max + 1))


@dataclass(frozen=True)
class ElementInfo:
    """An element of a principle (A to F on the PAT): its title and what lies behind it."""

    id: int
    letter: str
    title: str
    explanation: str


@dataclass(frozen=True)
class StatementInfo:
    """One statement of a profile sheet (code "1A") with the number of its principle and its element."""

    id: int
    code: str
    text: str
    principle: int
    element: ElementInfo
    position: int

    @property
    def pk(self) -> int:
        """Return the statement's database id (answers refer to it), as the ORM object would."""
        return self.id

    @property
    def element_title(self) -> str:
        """Return the title of the statement's element."""
        return self.element.title


@dataclass(frozen=True)
class PrincipleInfo:
    """One principle (a section of the instrument) with its bands, lowest first, and its statements in order."""

    number: int
    title: str
    short_title: str
    bands: tuple[Band, ...]
    statements: tuple[StatementInfo, ...]
    id: int = 0
    introduction: str = ""


@dataclass(frozen=True)
class InstrumentStructure:
    """The read model of one instrument version. Principles are numbered 1, 2, 3 ... in order."""

    id: int
    title: str
    success_statement: str
    scale: dict[int, str]
    principles: tuple[PrincipleInfo, ...]
    total_bands: tuple[Band, ...]
    scenario_texts: dict[str, str]
    slug: str = ""
    version: str = ""
    subtitle: str = ""
    source_credit: str = ""
    question: str = ""
    significance: SignificanceScale | None = None
    success_comment_prompt: str = ""

    def __post_init__(self) -> None:
        numbers = [p.number for p in self.principles]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"Principles must be numbered 1, 2, 3 ... in order; got {numbers}.")
        if len({len(p.statements) for p in self.principles}) > 1:
            raise ValueError("Every principle needs the same number of statements.")

    # --- Shape ---

    @cached_property
    def statements(self) -> tuple[StatementInfo, ...]:
        """Return every statement of the instrument in order (36 on the PAT)."""
        return tuple(s for p in self.principles for s in p.statements)

    @cached_property
    def _by_number(self) -> dict[int, PrincipleInfo]:
        return {p.number: p for p in self.principles}

    def principle(self, number: int) -> PrincipleInfo:
        """Return principle ``number``; KeyError for a number the instrument does not have."""
        return self._by_number[number]

    @property
    def principle_numbers(self) -> tuple[int, ...]:
        """Return the principles' numbers, 1 to 6 on the PAT."""
        return tuple(p.number for p in self.principles)

    @property
    def principle_count(self) -> int:
        """Return how many principles (sections) the instrument has: 6 on the PAT."""
        return len(self.principles)

    @property
    def statements_per_principle(self) -> int:
        """Return how many statements each principle has: 6 on the PAT."""
        return len(self.principles[0].statements) if self.principles else 0

    @cached_property
    def answer_scale(self) -> AnswerScale:
        """Return the answer scale's values for the scoring core (1 to 4 on the PAT)."""
        return AnswerScale(tuple(sorted(self.scale)))

    @property
    def scale_options(self) -> tuple[ScaleOption, ...]:
        """Return the answer scale, highest value first (Strongly agree 4 ... Strongly disagree 1)."""
        return tuple(ScaleOption(v, self.scale[v]) for v in sorted(self.scale, reverse=True))

    @property
    def significance_values(self) -> tuple[int, ...]:
        """Return the significance scale's values, lowest first (1 to 5 on the PAT)."""
        return self.significance.values if self.significance else ()

    # --- Score ranges ---

    @property
    def principle_min(self) -> int:
        """Return the lowest score of a principle: 6 on the PAT (six answers of 1)."""
        return self.statements_per_principle * self.answer_scale.min

    @property
    def principle_max(self) -> int:
        """Return the highest score of a principle: 24 on the PAT (six answers of 4)."""
        return self.statements_per_principle * self.answer_scale.max

    @property
    def principle_range(self) -> range:
        """Return every possible principle score as a range."""
        return range(self.principle_min, self.principle_max + 1)

    @property
    def total_min(self) -> int:
        """Return the lowest total: 36 on the PAT."""
        return self.principle_count * self.principle_min

    @property
    def total_max(self) -> int:
        """Return the highest total: 144 on the PAT."""
        return self.principle_count * self.principle_max

    @property
    def principle_bands(self) -> tuple[Band, ...]:
        """Return the band limits every principle shares (the first principle's bands, lowest first)."""
        return self.principles[0].bands if self.principles else ()

    @property
    def ring_limits(self) -> tuple[int, ...]:
        """Return the dartboard's ring limits: the lowest score, then each principle band's top (6, 12, 18, 24).

        The seed's centre disc is its lowest band, a single score (6); a lowest band of several scores gets a
        ring of its own around a centre disc of the lowest score.
        """
        return _limits(self.principle_min, self.principle_bands)

    @property
    def total_limits(self) -> tuple[int, ...]:
        """Return the aggregate bands' limits the same way: 36, 72, 108, 144 on the PAT."""
        return _limits(self.total_min, self.total_bands)

    @cached_property
    def scenario_rules(self) -> ScenarioRules:
        """Return the scenario thresholds, read off this instrument's bands and significance scale."""
        return ScenarioRules.from_bands(self.principle_bands, self.total_bands, self.significance_values)

    # --- Scores by principle ---

    def scores_by_number(self, scores: tuple[int, ...] | list[int]) -> dict[int, int]:
        """Return {principle number: score} of scores stored in principle order."""
        return dict(zip(self.principle_numbers, scores, strict=True))


def _limits(lowest: int, bands: tuple[Band, ...]) -> tuple[int, ...]:
    return (lowest, *(b.max for b in bands if b.max != lowest))


def principle_info(
    *,
    number: int,
    title: str,
    short_title: str,
    bands: list[Band] | tuple[Band, ...],
    statements: tuple[StatementInfo, ...],
    id: int = 0,  # noqa: A002 (the read model's field name)
    introduction: str = "",
) -> PrincipleInfo:
    """Return a principle of the read model with its bands sorted lowest first."""
    return PrincipleInfo(number, title, short_title, tuple(ordered_bands(bands)), statements, id, introduction)
