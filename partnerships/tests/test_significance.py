"""Significant partnerships: each rule at its boundary, and the override either way."""

from __future__ import annotations

from decimal import Decimal

import pytest

from partnerships.significance import (
    NOT_SIGNIFICANT,
    SIGNIFICANT,
    SignificanceFacts,
    SignificanceThresholds,
    significance,
)

THRESHOLDS = SignificanceThresholds(contribution=Decimal(100000), risk_score=15)


def facts(**values) -> SignificanceFacts:
    return SignificanceFacts(**{"statutory_status": "non_statutory", **values})


def test_nothing_on_the_register_makes_a_partnership_significant():
    decision = significance(facts(), THRESHOLDS)
    assert (decision.is_significant, decision.reasons, decision.label) == (False, (), "Not significant")


@pytest.mark.parametrize(("status", "expected"), [("statutory", True), ("contractual", True), ("non_statutory", False)])
def test_statutory_or_contractual_is_significant(status, expected):
    assert significance(facts(statutory_status=status), THRESHOLDS).is_significant is expected


@pytest.mark.parametrize(("contribution", "expected"), [(99999, False), (100000, True), (100001, True), (None, False)])
def test_contribution_at_or_above_the_threshold(contribution, expected):
    amount = None if contribution is None else Decimal(contribution)
    decision = significance(facts(council_contribution=amount), THRESHOLDS)
    assert decision.is_significant is expected
    if expected:
        assert "£100,000 or more" in decision.reasons[0]


@pytest.mark.parametrize(("score", "expected"), [(14, False), (15, True), (16, True), (None, False)])
def test_residual_risk_at_or_above_the_threshold(score, expected):
    assert significance(facts(highest_risk_score=score), THRESHOLDS).is_significant is expected


def test_a_strategic_priority_is_significant_and_named():
    decision = significance(facts(strategic_priorities=("Healthier, longer lives",)), THRESHOLDS)
    assert decision.is_significant
    assert decision.reasons == ("It serves a strategic council priority: Healthier, longer lives.",)


def test_every_rule_that_holds_is_a_reason():
    decision = significance(
        facts(
            statutory_status="statutory",
            council_contribution=Decimal(200000),
            highest_risk_score=20,
            strategic_priorities=("A",),
        ),
        THRESHOLDS,
    )
    assert len(decision.reasons) == 4


def test_an_override_decides_either_way_and_keeps_what_the_rules_say():
    made = significance(facts(override=SIGNIFICANT, override_reason="Cabinet asked for it"), THRESHOLDS)
    assert (made.is_significant, made.by_rules, made.overridden, made.override_reason) == (
        True,
        False,
        True,
        "Cabinet asked for it",
    )
    unmade = significance(facts(statutory_status="statutory", override=NOT_SIGNIFICANT), THRESHOLDS)
    assert (unmade.is_significant, unmade.by_rules) == (False, True)


def test_an_unknown_override_is_refused():
    with pytest.raises(ValueError, match="override"):
        significance(facts(override="maybe"), THRESHOLDS)
