"""Governance compliance: each check at its boundary, and the status the checks give."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from reports.compliance import (
    CHECKS,
    COMPLIANT,
    MINOR_GAPS,
    SIGNIFICANT_GAPS,
    ComplianceFacts,
    compliance,
    compliance_applies,
    twelve_months_before,
    within_twelve_months,
)

TODAY = date(2026, 6, 15)
A_YEAR_AGO = date(2025, 6, 15)

COMPLETE = ComplianceFacts(
    status="active",
    lead_officer="Hannah Cole",
    senior_sponsor="Director of Place",
    start_date=date(2020, 1, 1),
    gateway_approved=True,
    aims_and_objectives="Reduce crime",
    priorities=("Safer, stronger communities",),
    council_role="Lead partner",
    benefit_to_residents="Less crime",
    last_health_check_on=date(2026, 3, 1),
    risks_recorded=3,
    risks_last_reviewed_on=date(2026, 5, 1),
    exit_strategy="Six months' notice",
)


def check(facts: ComplianceFacts, code: str):
    return next(c for c in compliance(facts, TODAY).checks if c.code == code)


def test_every_check_has_a_source_in_the_seeds():
    assert all("eed 00" in c.source for c in CHECKS)
    assert {c.code for c in CHECKS if c.significant} == {"agreement", "health_check", "risks", "outside_body"}


def test_a_complete_record_is_compliant():
    result = compliance(COMPLETE, TODAY)
    assert (result.status, result.label, result.gaps) == (COMPLIANT, "Compliant", ())


def test_twelve_months_exactly_is_still_within():
    assert twelve_months_before(TODAY) == A_YEAR_AGO
    assert within_twelve_months(A_YEAR_AGO, TODAY)
    assert not within_twelve_months(A_YEAR_AGO - timedelta(days=1), TODAY)
    assert not within_twelve_months(TODAY + timedelta(days=1), TODAY)
    assert twelve_months_before(date(2028, 2, 29)) == date(2027, 2, 28)


@pytest.mark.parametrize(
    ("closed_on", "met"), [(A_YEAR_AGO - timedelta(days=1), False), (A_YEAR_AGO, True), (None, False)]
)
def test_health_check_within_twelve_months(closed_on, met):
    result = check(replace(COMPLETE, last_health_check_on=closed_on), "health_check")
    assert result.met is met
    if not met:
        assert result.who_acts == "Hannah Cole (lead officer), with a facilitator"


@pytest.mark.parametrize(("started", "met"), [(A_YEAR_AGO, False), (A_YEAR_AGO + timedelta(days=1), True)])
def test_a_partnership_younger_than_a_year_is_not_yet_due_a_health_check(started, met):
    assert check(replace(COMPLETE, start_date=started, last_health_check_on=None), "health_check").met is met


@pytest.mark.parametrize(
    ("reviewed", "met"),
    [(A_YEAR_AGO - timedelta(days=1), False), (A_YEAR_AGO, True), (A_YEAR_AGO + timedelta(days=1), True)],
)
def test_risk_register_reviewed_within_twelve_months(reviewed, met):
    assert check(replace(COMPLETE, risks_last_reviewed_on=reviewed), "risks").met is met


def test_no_risks_recorded_is_a_significant_gap_for_the_risk_owners():
    result = compliance(replace(COMPLETE, risks_recorded=0, risks_last_reviewed_on=None), TODAY)
    assert result.status == SIGNIFICANT_GAPS
    assert result.gaps[0].missing == "No risks recorded."


def test_older_partnership_with_a_recorded_agreement_meets_the_first_check():
    older = replace(COMPLETE, gateway_approved=False, governing_agreement="Terms of reference, Cabinet 2015")
    assert check(older, "agreement").met
    without = replace(older, governing_agreement="  ")
    assert not check(without, "agreement").met
    assert compliance(without, TODAY).status == SIGNIFICANT_GAPS


@pytest.mark.parametrize(("overdue", "status"), [(0, COMPLIANT), (1, MINOR_GAPS), (2, MINOR_GAPS)])
def test_overdue_actions_are_a_minor_gap_for_their_owners(overdue, status):
    facts = replace(COMPLETE, overdue_actions=overdue, overdue_action_owners=("Ann", "Ann", "Bob")[:overdue])
    result = compliance(facts, TODAY)
    assert result.status == status
    if overdue:
        assert result.gaps[0].missing == f"{overdue} action{'s' if overdue > 1 else ''} overdue."
        assert result.gaps[0].who_acts == ("Ann" if overdue == 1 else "Ann")


@pytest.mark.parametrize(
    ("changes", "missing"),
    [
        ({"priorities": ()}, "Not recorded: the council priorities it serves."),
        ({"aims_and_objectives": ""}, "Not recorded: aims and objectives."),
        ({"council_role": ""}, "Not recorded: the council's role."),
        ({"benefit_to_residents": ""}, "Not recorded: the benefit to residents."),
        ({"exit_strategy": ""}, "No exit strategy recorded."),
    ],
)
def test_record_gaps_are_minor(changes, missing):
    result = compliance(replace(COMPLETE, **changes), TODAY)
    assert result.status == MINOR_GAPS
    assert [g.missing for g in result.gaps] == [missing]


def test_exit_strategy_from_the_gateway_or_an_exit_record():
    assert check(replace(COMPLETE, exit_strategy="", gateway_exit_strategy=True), "exit_strategy").met
    assert check(replace(COMPLETE, exit_strategy="", exit_record_started=True), "exit_strategy").met


@pytest.mark.parametrize(("open_checks", "met"), [(None, False), (1, False), (0, True)])
def test_outside_body_checks_apply_only_to_outside_bodies(open_checks, met):
    assert not check(replace(COMPLETE, outside_body_open_checks=open_checks), "outside_body").applies
    body = replace(
        COMPLETE, is_outside_body=True, outside_body_open_checks=open_checks, outside_body_representatives="Cllr Ray"
    )
    result = check(body, "outside_body")
    assert result.met is met
    if not met:
        assert "Cllr Ray" in result.who_acts
        assert compliance(body, TODAY).status == SIGNIFICANT_GAPS


def test_gaps_list_the_significant_first():
    result = compliance(replace(COMPLETE, exit_strategy="", last_health_check_on=None), TODAY)
    assert [g.code for g in result.gaps] == ["health_check", "exit_strategy"]


def test_compliance_applies_to_active_and_exiting_partnerships():
    assert [compliance_applies(s) for s in ("proposed", "active", "exiting", "closed")] == [False, True, True, False]
