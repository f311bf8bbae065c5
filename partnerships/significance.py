"""Which partnerships are significant to the council (issue 19, point 1; SPEC section 6).

Pure rules over plain values, no database: ``partnerships.selectors.significance_facts`` gathers the register's
facts for many partnerships at once and calls :func:`significance`.

A partnership is significant when any of these holds (the help page says the same, with the thresholds):

1. it is statutory or contractual (seed 003, 3.1.2: leaving one needs legal and financial advice);
2. the council's own financial contribution is at or above ``PHC_SIGNIFICANT_CONTRIBUTION`` (£ a year);
3. its highest open residual risk score (likelihood x impact, 1 to 25) is at or above
   ``PHC_SIGNIFICANT_RISK_SCORE``;
4. it serves a council priority marked strategic.

A manager may override the rules either way with a recorded reason; the partnership's history keeps every
override and its reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from partnerships.money import pounds

# The values of ``Partnership.significance_override``: empty means "as the rules say".
AS_THE_RULES_SAY, SIGNIFICANT, NOT_SIGNIFICANT = "", "significant", "not_significant"
STATUTORY_OR_CONTRACTUAL = ("statutory", "contractual")


@dataclass(frozen=True)
class SignificanceThresholds:
    """The council's thresholds (settings ``PHC_SIGNIFICANT_CONTRIBUTION`` and ``PHC_SIGNIFICANT_RISK_SCORE``)."""

    contribution: Decimal
    risk_score: int


@dataclass(frozen=True)
class SignificanceFacts:
    """What the register records about one partnership that the rules read."""

    statutory_status: str
    council_contribution: Decimal | None = None  # the council's own £ a year; None when not recorded
    highest_risk_score: int | None = None  # of its open risks; None when none is recorded
    strategic_priorities: Sequence[str] = field(default_factory=tuple)  # names of the strategic ones it serves
    override: str = AS_THE_RULES_SAY
    override_reason: str = ""


@dataclass(frozen=True)
class Significance:
    """The decision: ``is_significant``, what the rules alone say, their reasons, and any override."""

    is_significant: bool
    by_rules: bool
    reasons: tuple[str, ...]
    overridden: bool = False
    override_reason: str = ""

    @property
    def label(self) -> str:
        """Return "Significant" or "Not significant"."""
        return "Significant" if self.is_significant else "Not significant"


def significance_reasons(facts: SignificanceFacts, thresholds: SignificanceThresholds) -> tuple[str, ...]:
    """Return, in the users' words, each rule that makes the partnership significant (empty: none does)."""
    reasons = []
    if facts.statutory_status in STATUTORY_OR_CONTRACTUAL:
        reasons.append(f"It is {facts.statutory_status.replace('_', '-')}.")
    if facts.council_contribution is not None and facts.council_contribution >= thresholds.contribution:
        reasons.append(
            f"The council contributes {pounds(facts.council_contribution)} a year "
            f"({pounds(thresholds.contribution)} or more is significant)."
        )
    if facts.highest_risk_score is not None and facts.highest_risk_score >= thresholds.risk_score:
        reasons.append(
            f"Its highest residual risk scores {facts.highest_risk_score} "
            f"({thresholds.risk_score} or more is significant)."
        )
    if facts.strategic_priorities:
        names = ", ".join(facts.strategic_priorities)
        reasons.append(f"It serves a strategic council priority: {names}.")
    return tuple(reasons)


def significance(facts: SignificanceFacts, thresholds: SignificanceThresholds) -> Significance:
    """Return whether the partnership is significant: the override when a manager recorded one, otherwise the
    rules (any one of them is enough)."""
    reasons = significance_reasons(facts, thresholds)
    by_rules = bool(reasons)
    if facts.override == SIGNIFICANT:
        return Significance(True, by_rules, reasons, overridden=True, override_reason=facts.override_reason)
    if facts.override == NOT_SIGNIFICANT:
        return Significance(False, by_rules, reasons, overridden=True, override_reason=facts.override_reason)
    if facts.override != AS_THE_RULES_SAY:
        raise ValueError(f"Unknown significance override {facts.override!r}.")
    return Significance(by_rules, by_rules, reasons)
