"""The council's view (issue 19, points 1, 2 and 4) through the database and the pages: significance from the
register, compliance from the register and the health checks, the priority map, the override, and flat query
counts."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import ActionItem, ActionStatus, Principle
from assessments.tests.factories import add_responses, make_round, partnership, uniform
from partnerships import selectors as register_selectors
from partnerships.models import CouncilPriority, GatewayStatus, Membership, Partnership, SignificanceOverride
from partnerships.tests.factories import OrganisationFactory, OutsideBodyCheckFactory, RiskFactory
from reports import selectors
from reports.compliance import COMPLIANT, MINOR_GAPS, SIGNIFICANT_GAPS

pytestmark = pytest.mark.django_db


def council_member(p: Partnership, amount: int | None, other: str = "") -> Membership:
    council = OrganisationFactory.create(name="Test District Council", is_the_council=True)
    return Membership.objects.create(
        partnership=p,
        organisation=council,
        financial_contribution=None if amount is None else Decimal(amount),
        other_resources=other,
    )


def complete(p: Partnership, **changes) -> Partnership:
    """Fill in what the register records for compliance, so only the health checks and actions decide."""
    values = {
        "aims_and_objectives": "Reduce crime",
        "council_role": "Lead partner",
        "benefit_to_residents": "Less crime",
        "exit_strategy": "Six months' notice",
        **changes,
    }
    Partnership.objects.filter(pk=p.pk).update(**values)
    p.priorities.add(CouncilPriority.objects.get_or_create(name="Safer", defaults={"is_strategic": False})[0])
    RiskFactory(partnership=p)
    p.refresh_from_db()
    return p


# --- Significance from the register -------------------------------------------------------------------------


def test_significance_reads_the_councils_own_contribution_and_open_risks(settings):
    settings.PHC_SIGNIFICANT_CONTRIBUTION = 100_000
    settings.PHC_SIGNIFICANT_RISK_SCORE = 15
    p = partnership()
    other = OrganisationFactory.create(name="Big Funder")
    Membership.objects.create(partnership=p, organisation=other, financial_contribution=Decimal(500_000))
    council_member(p, 99_999)
    closed = RiskFactory(partnership=p, likelihood=5, impact=5)
    closed.closed_on = timezone.localdate()
    closed.save()
    assert not register_selectors.partnership_significance(p).is_significant
    Membership.objects.filter(organisation__is_the_council=True).update(financial_contribution=Decimal(100_000))
    assert register_selectors.partnership_significance(p).reasons[0].startswith("The council contributes £100,000")
    Membership.objects.filter(organisation__is_the_council=True).update(financial_contribution=None)
    RiskFactory(partnership=p, likelihood=5, impact=3)
    assert register_selectors.partnership_significance(p).is_significant


def test_a_strategic_priority_makes_it_significant_and_the_register_filters_by_it(officer, as_user):
    served = partnership(name="Serves health")
    served.priorities.add(CouncilPriority.objects.create(name="Healthier lives", is_strategic=True))
    plain = partnership(name="Serves nothing strategic")
    plain.priorities.add(CouncilPriority.objects.create(name="Tidy parks", is_strategic=False))
    statutory = partnership(name="Statutory one", statutory_status="statutory")
    client = as_user(officer)
    page = client.get("/partnerships/?significance=significant").content.decode()
    assert "Serves health" in page and "Statutory one" in page and "Serves nothing strategic" not in page
    page = client.get("/partnerships/?significance=not_significant").content.decode()
    assert "Serves nothing strategic" in page and "Serves health" not in page
    assert register_selectors.significant_ids(Partnership.objects.all()) == sorted([served.pk, statutory.pk])


def test_a_manager_overrides_with_a_reason_and_the_history_keeps_it(manager, officer, as_user):
    p = partnership(name="Shared services")
    client = as_user(manager)
    url = f"/partnerships/{p.pk}/significance/"
    refused = client.post(url, {"significance_override": "significant", "significance_reason": " "})
    assert refused.status_code == 200 and "Give the reason for overriding the rules." in refused.content.decode()
    p.refresh_from_db()
    assert p.significance_override == ""
    client.post(url, {"significance_override": "significant", "significance_reason": "Cabinet decided so."})
    assert register_selectors.partnership_significance(p).is_significant
    client.post(url, {"significance_override": "", "significance_reason": ""})
    p.refresh_from_db()
    assert (p.significance_override, p.significance_reason) == ("", "")
    changes = register_selectors.significance_overrides(p)
    assert [c.reason for c in changes] == ["", "Cabinet decided so."]
    assert changes[1].override == SignificanceOverride.SIGNIFICANT.label
    page = client.get(url).content.decode()
    assert "Cabinet decided so." in page
    # A register administrator reads why, but cannot override.
    assert (
        as_user(officer).post(url, {"significance_override": "not_significant", "significance_reason": "x"}).status_code
        == 403
    )


# --- Compliance from the register and the health checks -----------------------------------------------------


def test_compliance_reads_health_checks_actions_and_outside_body_checks():
    p = complete(partnership(name="Well kept"))
    assert selectors.compliance_of([p.pk])[p.pk].status == SIGNIFICANT_GAPS  # no health check yet
    round_ = make_round(partnership=p)
    add_responses(round_, [uniform(3)] * 3)
    assert selectors.compliance_of([p.pk])[p.pk].status == COMPLIANT
    ActionItem.objects.create(
        round=round_,
        principle=Principle.objects.filter(instrument=round_.instrument).first(),
        description="Agree the data sharing protocol",
        owner="Priya Shah",
        due_date=timezone.localdate() - timedelta(days=1),
        status=ActionStatus.NOT_STARTED,
    )
    result = selectors.compliance_of([p.pk])[p.pk]
    assert (result.status, result.gaps[0].who_acts) == (MINOR_GAPS, "Priya Shah")
    Partnership.objects.filter(pk=p.pk).update(is_outside_body=True)
    OutsideBodyCheckFactory(partnership=p, representatives="Cllr Ray (director)")
    result = selectors.compliance_of([p.pk])[p.pk]
    assert result.status == SIGNIFICANT_GAPS
    assert result.gaps[0].missing == "8 outside-body checks not yet met."


def test_compliance_applies_to_active_and_exiting_only():
    proposed = partnership(status="proposed", review_due_date=None)
    active = partnership()
    assert set(selectors.compliance_of(None)) == {active.pk}
    assert selectors.partnership_compliance(proposed) is None


def test_partnership_page_shows_compliance_with_evidence_and_who_acts(manager, facilitator, as_user):
    p = complete(partnership(name="Page one"), council_role="")
    page = as_user(manager).get(f"/partnerships/{p.pk}/").content.decode()
    assert "Significance and governance" in page and "Significant gaps" in page
    assert "Not recorded: the council&#x27;s role." in page and "Who should act:" in page
    assert f'href="/partnerships/{p.pk}/gateway/"' in page and "Seed 003, 3.1.1" in page
    assert f'href="/partnerships/{p.pk}/significance/"' in page


def test_register_filters_by_compliance(officer, as_user):
    kept = complete(partnership(name="Kept"))
    add_responses(make_round(partnership=kept), [uniform(3)] * 3)
    partnership(name="Neglected")
    client = as_user(officer)
    page = client.get("/partnerships/?compliance=compliant").content.decode()
    assert "Kept" in page and "Neglected" not in page
    page = client.get("/partnerships/?compliance=significant_gaps").content.decode()
    assert "Neglected" in page and ">Kept<" not in page


def _detail_queries(client, pk: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/partnerships/{pk}/").status_code == 200
    return len(queries)


def test_partnership_page_queries_do_not_grow_with_risks_actions_rounds_and_priorities(manager, as_user):
    p = complete(partnership())
    council_member(p, 1000)
    round_ = make_round(partnership=p, closes_on=timezone.localdate() - timedelta(days=400))
    add_responses(round_, [uniform(3)] * 3)
    # Two rounds from the start, so both measurements draw a trend chart.
    add_responses(make_round(partnership=p, closes_on=timezone.localdate() - timedelta(days=500)), [uniform(3)] * 3)
    client = as_user(manager)
    client.get(f"/partnerships/{p.pk}/")
    small = _detail_queries(client, p.pk)
    principle = Principle.objects.filter(instrument=round_.instrument).first()
    for n in range(10):
        RiskFactory(partnership=p, owner=f"Owner {n}")
        p.priorities.add(CouncilPriority.objects.create(name=f"Priority {n}", is_strategic=n % 2 == 0))
        ActionItem.objects.create(
            round=round_,
            principle=principle,
            description=f"Action {n}",
            owner=f"Owner {n}",
            due_date=timezone.localdate() - timedelta(days=n + 1),
            status=ActionStatus.NOT_STARTED,
        )
    for n in range(3):
        add_responses(
            make_round(partnership=p, closes_on=timezone.localdate() - timedelta(days=100 * n)), [uniform(2)] * 3
        )
    client.get(f"/partnerships/{p.pk}/")  # the new trend chart is drawn and cached once
    assert _detail_queries(client, p.pk) == small


# --- The priority map -----------------------------------------------------------------------------------------


def test_priority_map_places_significant_partnerships_and_lists_the_review_candidates(manager, facilitator, as_user):
    strategic = CouncilPriority.objects.create(name="Healthier lives", is_strategic=True)
    weak = partnership(name="Weak and peripheral", statutory_status="statutory")
    add_responses(make_round(partnership=weak), [uniform(2)] * 3)  # total 72: poor health
    strong = partnership(name="Strong and central")
    strong.priorities.add(strategic, CouncilPriority.objects.create(name="Economy", is_strategic=False))
    council_member(strong, 250_000, "Officer time")
    add_responses(make_round(partnership=strong), [uniform(4)] * 3)
    unscored = partnership(name="Contractual, no check yet", statutory_status="contractual")
    partnership(name="Not significant at all")
    data = selectors.priority_map()
    assert [p.name for p in data.points] == ["Contractual, no check yet", "Strong and central", "Weak and peripheral"]
    assert [p.name for p in data.review_candidates] == ["Weak and peripheral"]
    assert [p.partnership_id for p in data.not_placed] == [unscored.pk]
    by_name = {p.name: p for p in data.points}
    assert (by_name["Strong and central"].value.score, by_name["Strong and central"].total) == (7, 144.0)
    assert (data.lowest_total, data.highest_total, data.poor_health_up_to) == (36, 144, 72)
    page = as_user(manager).get("/reports/").content.decode()
    assert "Candidates for review or withdrawal" in page and "Weak and peripheral" in page
    assert "Priority map of 2 significant partnerships" in page and "<svg" in page
    assert "Priorities: significant partnerships" not in as_user(facilitator).get("/reports/").content.decode()


def test_priority_map_queries_do_not_grow_with_the_portfolio():
    def make(count: int) -> None:
        for _ in range(count):
            p = partnership(statutory_status="statutory")
            add_responses(make_round(partnership=p), [uniform(3)] * 3)

    make(3)
    selectors.priority_map()

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            data = selectors.priority_map()
        assert data.placed
        return len(queries)

    small = count()
    make(12)
    assert count() == small


def test_help_page_states_the_thresholds_to_managers(manager, respondent, as_user, settings):
    settings.PHC_SIGNIFICANT_CONTRIBUTION = 75_000
    settings.PHC_SIGNIFICANT_RISK_SCORE = 16
    page = as_user(manager).get("/help/").content.decode()
    assert "£75,000 a year or more" in page and "scores 16 or more" in page
    assert "Seed 003, section 5" in page and 'id="priority-map"' in page
    assert 'id="significance"' not in as_user(respondent).get("/help/").content.decode()


def test_gateway_status_is_what_compliance_reads():
    p = complete(partnership())
    assert p.gateway.status == GatewayStatus.APPROVED
    assert selectors.compliance_of([p.pk])[p.pk].checks[0].met


# --- The demo council ---------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_demo_council_has_significant_and_other_partnerships_and_every_compliance_state(demo_council):
    # The roles come back after a flush by conftest's restorer of the migrations' reference data; the demo is
    # seeded by the demo_council fixture (for real, or copied back from the worker's snapshot of seed_demo).
    current = Partnership.objects.filter(status__in=["active", "exiting"])
    decisions = register_selectors.significance_of(current)
    assert 5 <= sum(d.is_significant for d in decisions.values()) < len(decisions)
    assert any(d.overridden and d.is_significant and not d.by_rules for d in decisions.values())
    statuses = selectors.compliance_statuses(None)
    assert set(statuses.values()) == {COMPLIANT, MINOR_GAPS, SIGNIFICANT_GAPS}
    data = selectors.priority_map()
    assert data.placed and data.not_placed and data.review_candidates
