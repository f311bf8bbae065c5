"""The register's writes and the rules they enforce whatever form, admin or app calls them."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from partnerships import gateway as rules
from partnerships import services
from partnerships.models import ExitRecord, GatewayReview, GatewayStatus, Organisation, Partnership, Status
from partnerships.tests.factories import MembershipFactory, OrganisationFactory, PartnershipFactory, RiskFactory

pytestmark = pytest.mark.django_db

DETAILS = {
    "name": "Demo Safer Streets",
    "reference": "p-2026-001",
    "purpose": "Safer streets.",
    "lead_officer": "Sam Lead",
    "service_area": "Community safety",
    "continuum": "joint_delivery",
    "structure_model": "public_consortium",
    "statutory_status": "statutory",
    "lifecycle_stage": "forming",
    "risk": "medium",
}


def complete_answers() -> dict[str, rules.AnswerInput]:
    return {q.code: rules.AnswerInput("yes", "Cabinet report 12 March") for q in rules.QUESTIONS}


def submitted_gateway(partnership, officer):
    if not partnership.risks.exists():
        RiskFactory(partnership=partnership)  # the initial risk assessment
    return services.gateway_save(partnership, answers=complete_answers(), by=officer, submit=True)


def test_a_gateway_cannot_be_submitted_without_an_initial_risk_assessment(officer):
    partnership = PartnershipFactory()
    with pytest.raises(ValidationError) as caught:
        services.gateway_save(partnership, answers=complete_answers(), by=officer, submit=True)
    assert caught.value.message_dict == {"initial_risk-evidence": [services.INITIAL_RISK_MISSING]}
    assert not GatewayReview.objects.filter(partnership=partnership, status=GatewayStatus.SUBMITTED).exists()


def test_create_records_a_proposed_partnership_with_existing_and_new_partners(officer):
    police = OrganisationFactory(name="Demo Police")
    partnership = services.partnership_create(
        details={**DETAILS, "status": "active"},  # a status in the details is ignored
        partners=[
            services.PartnerInput(organisation=police, role="Lead", financial_contribution=Decimal("1000")),
            services.PartnerInput(
                new_organisation_name="  Demo   Food Bank ",
                new_organisation_sector="voluntary",
                role="Member",
            ),
        ],
        by=officer,
    )
    assert partnership.status == Status.PROPOSED
    assert partnership.reference == "P-2026-001"
    assert partnership.created_by == officer
    food_bank = Organisation.objects.get(name="Demo Food Bank")
    assert food_bank.sector == "voluntary"
    assert set(partnership.organisations.all()) == {police, food_bank}
    assert partnership.history.first().history_user == officer


def test_update_changes_partners_in_one_go(officer):
    partnership = PartnershipFactory()
    keep, drop = MembershipFactory(partnership=partnership), MembershipFactory(partnership=partnership)
    services.partnership_update(
        partnership,
        details={"name": "Renamed"},
        by=officer,
        partners=[
            services.PartnerInput(membership_id=keep.pk, organisation=keep.organisation, role="Chair"),
            services.PartnerInput(membership_id=drop.pk, organisation=drop.organisation, remove=True),
            services.PartnerInput(new_organisation_name="Demo Youth Trust", new_organisation_sector="voluntary"),
        ],
    )
    partnership.refresh_from_db()
    assert partnership.name == "Renamed"
    assert sorted(m.organisation.name for m in partnership.memberships.all()) == sorted(
        [keep.organisation.name, "Demo Youth Trust"]
    )
    keep.refresh_from_db()
    assert keep.role == "Chair"


def test_new_organisation_with_an_existing_name_reuses_it():
    existing = OrganisationFactory(name="Demo Police")
    assert services.organisation_get_or_create(name="demo police", sector="private") == existing


def test_update_cannot_make_a_proposed_partnership_active(officer):
    partnership = PartnershipFactory(review_due_date=timezone.localdate() + timedelta(days=300))
    with pytest.raises(ValidationError) as caught:
        services.partnership_update(partnership, details={}, partners=[], by=officer, status="active")
    assert "status" in caught.value.message_dict
    partnership.refresh_from_db()
    assert partnership.status == Status.PROPOSED


@pytest.mark.parametrize("status", ["closed"])
def test_update_cannot_close(officer, status):
    partnership = PartnershipFactory(active=True)
    with pytest.raises(ValidationError):
        services.partnership_update(partnership, details={}, partners=[], by=officer, status=status)


def test_update_can_mark_an_active_partnership_exiting(officer):
    partnership = PartnershipFactory(active=True)
    services.partnership_update(partnership, details={}, partners=[], by=officer, status="exiting")
    partnership.refresh_from_db()
    assert partnership.status == Status.EXITING


def test_gateway_draft_then_submit(officer):
    partnership = PartnershipFactory()
    partial = {"rationale": rules.AnswerInput("yes", "Business plan")}
    review = services.gateway_save(partnership, answers=partial, by=officer)
    assert review.status == GatewayStatus.DRAFT
    assert review.answers.count() == len(rules.QUESTIONS)
    with pytest.raises(ValidationError) as caught:
        services.gateway_save(partnership, answers=partial, by=officer, submit=True)
    assert "governance-answer" in caught.value.message_dict
    review = submitted_gateway(partnership, officer)
    assert review.status == GatewayStatus.SUBMITTED and review.submitted_by == officer
    with pytest.raises(ValidationError):
        services.gateway_save(partnership, answers=complete_answers(), by=officer)


def test_approval_makes_the_partnership_active_with_a_review_a_year_ahead(officer, manager):
    partnership = PartnershipFactory()
    review = submitted_gateway(partnership, officer)
    today = date(2026, 4, 1)
    services.gateway_approve(review, by=manager, today=today)
    partnership.refresh_from_db()
    review.refresh_from_db()
    assert partnership.status == Status.ACTIVE
    assert partnership.start_date == today
    assert partnership.review_due_date == today + timedelta(days=365)
    assert review.status == GatewayStatus.APPROVED and review.decided_by == manager


def test_approval_keeps_an_existing_review_date(officer, manager):
    partnership = PartnershipFactory(start_date=date(2026, 1, 1), review_due_date=date(2026, 9, 1))
    services.gateway_approve(submitted_gateway(partnership, officer), by=manager, today=date(2026, 4, 1))
    partnership.refresh_from_db()
    assert partnership.review_due_date == date(2026, 9, 1)
    assert partnership.start_date == date(2026, 1, 1)


def test_only_a_submitted_gateway_is_approved(officer, manager):
    partnership = PartnershipFactory()
    review = services.gateway_save(partnership, answers=complete_answers(), by=officer)
    with pytest.raises(ValidationError):
        services.gateway_approve(review, by=manager)
    partnership.refresh_from_db()
    assert partnership.status == Status.PROPOSED


def test_the_submitter_cannot_approve_their_own_gateway(manager):
    partnership = PartnershipFactory()
    review = submitted_gateway(partnership, manager)
    with pytest.raises(ValidationError, match="cannot also decide"):
        services.gateway_approve(review, by=manager)


def test_return_needs_a_reason_and_keeps_the_partnership_proposed(officer, manager):
    partnership = PartnershipFactory()
    review = submitted_gateway(partnership, officer)
    with pytest.raises(ValidationError):
        services.gateway_return(review, by=manager, reason="  ")
    services.gateway_return(review, by=manager, reason="Agree the exit clause first.")
    review.refresh_from_db()
    partnership.refresh_from_db()
    assert review.status == GatewayStatus.RETURNED and review.return_reason == "Agree the exit clause first."
    assert partnership.status == Status.PROPOSED
    # The officer improves the answers and submits again; the earlier decision is cleared.
    review = submitted_gateway(partnership, officer)
    assert review.status == GatewayStatus.SUBMITTED and review.return_reason == "" and review.decided_by is None


EXIT = {
    "exit_date": timezone.localdate(),
    "reason": "Objectives met",
    "objectives_met": "yes",
    "achievements": "Much",
    "lessons_learned": "Plan the exit early",
    "withdrawal_risks": "Low",
    "handover_and_continuity": "To the CVS",
}


def test_exit_draft_marks_an_active_partnership_exiting(officer):
    partnership = PartnershipFactory(active=True)
    record = services.exit_save(partnership, values={"reason": "Funding ends"}, by=officer)
    partnership.refresh_from_db()
    assert partnership.status == Status.EXITING and not record.is_complete


def test_completing_the_exit_closes_the_partnership(officer):
    partnership = PartnershipFactory(active=True)
    with pytest.raises(ValidationError) as caught:
        services.exit_save(partnership, values=EXIT, by=officer, complete=True)
    assert caught.value.message_dict == {"withdrawal_risks": [rules.WITHDRAWAL_RISKS_MISSING]}
    RiskFactory(partnership=partnership, category="exit", title="Residents lose the service")
    record = services.exit_save(partnership, values=EXIT, by=officer, complete=True)
    partnership.refresh_from_db()
    assert partnership.status == Status.CLOSED
    assert record.is_complete and record.completed_by == officer
    with pytest.raises(ValidationError, match="closed already"):
        services.exit_save(partnership, values=EXIT, by=officer)


@pytest.mark.parametrize("statutory_status", ["statutory", "contractual"])
def test_statutory_or_contractual_exit_needs_legal_and_financial_advice(officer, statutory_status):
    partnership = PartnershipFactory(active=True, statutory_status=statutory_status)
    RiskFactory(partnership=partnership, category="exit")
    with pytest.raises(ValidationError) as caught:
        services.exit_save(partnership, values=EXIT, by=officer, complete=True)
    assert {"legal_advice_taken", "financial_advice_taken"} <= set(caught.value.message_dict)
    partnership.refresh_from_db()
    assert partnership.status == Status.ACTIVE
    assert not ExitRecord.objects.filter(partnership=partnership).exists()
    advised = {
        **EXIT,
        "legal_advice_taken": True,
        "financial_advice_taken": True,
        "advice_notes": "Legal team",
    }
    services.exit_save(partnership, values=advised, by=officer, complete=True)
    partnership.refresh_from_db()
    assert partnership.status == Status.CLOSED


def test_outside_body_checks_only_for_outside_bodies(officer):
    with pytest.raises(ValidationError):
        services.outside_body_check_save(PartnershipFactory(), values={}, by=officer)
    partnership = PartnershipFactory(is_outside_body=True)
    check = services.outside_body_check_save(partnership, values={"insurance_in_place": "yes"}, by=officer)
    assert check.insurance_in_place == "yes" and check.checked_by == officer


def test_review_recorded_moves_the_next_review_a_year_on():
    partnership = PartnershipFactory(active=True)
    services.partnership_review_recorded(partnership, completed_on=date(2026, 5, 1))
    assert Partnership.objects.get(pk=partnership.pk).review_due_date == date(2027, 5, 1)
