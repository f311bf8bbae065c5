"""Database constraints of the register: what must always hold, whatever writes the row."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from partnerships.models import ExitRecord, GatewayReview, Membership, Partnership
from partnerships.tests.factories import (
    ExitRecordFactory,
    GatewayReviewFactory,
    MembershipFactory,
    OrganisationFactory,
    OutsideBodyCheckFactory,
    PartnershipFactory,
)

pytestmark = pytest.mark.django_db


def check_deferred_constraints_now() -> None:
    """Run the deferred constraint triggers now instead of at COMMIT (each test is one transaction). A refused
    change is made inside ``transaction.atomic()`` so its pending check is discarded with the savepoint."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def close(partnership) -> None:
    Partnership.objects.filter(pk=partnership.pk).update(status="closed")


def test_reference_is_unique():
    PartnershipFactory(reference="P-2026-001")
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnershipFactory(reference="P-2026-001")


def test_review_cannot_be_before_start():
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnershipFactory(start_date=date(2026, 5, 1), review_due_date=date(2026, 4, 30))
    PartnershipFactory(start_date=date(2026, 5, 1), review_due_date=date(2026, 5, 1))


def test_active_partnership_needs_review_date():
    partnership = PartnershipFactory(status="active", review_due_date=None)
    assert partnership.review_due_date is not None  # activation sets the first review a year ahead
    with pytest.raises(IntegrityError), transaction.atomic():
        type(partnership).objects.filter(pk=partnership.pk).update(review_due_date=None)


def test_closed_partnership_without_exit_record_is_refused_by_the_database():
    partnership = PartnershipFactory(active=True)
    with pytest.raises(IntegrityError, match="closed without a completed exit record"), transaction.atomic():
        close(partnership)
        check_deferred_constraints_now()


def test_closed_partnership_with_draft_exit_record_is_refused():
    partnership = PartnershipFactory(active=True)
    ExitRecordFactory(partnership=partnership)
    with pytest.raises(IntegrityError), transaction.atomic():
        close(partnership)
        check_deferred_constraints_now()


def completed_exit(partnership, **overrides) -> ExitRecord:
    values = dict(
        partnership=partnership,
        exit_date=timezone.localdate(),
        reason="R",
        achievements="A",
        lessons_learned="L",
        withdrawal_risks="W",
        handover_and_continuity="H",
        completed_at=timezone.now(),
    )
    values.update(overrides)
    return ExitRecordFactory.create(**values)


def test_closed_partnership_with_completed_exit_record_is_accepted():
    partnership = PartnershipFactory(active=True)
    completed_exit(partnership)
    close(partnership)
    check_deferred_constraints_now()
    assert Partnership.objects.get(pk=partnership.pk).is_closed


def test_closed_statutory_partnership_needs_advice_in_its_exit_record():
    partnership = PartnershipFactory(active=True, statutory_status="statutory")
    completed_exit(partnership)
    with pytest.raises(IntegrityError), transaction.atomic():
        close(partnership)
        check_deferred_constraints_now()


def test_exit_record_of_closed_partnership_cannot_be_deleted():
    partnership = PartnershipFactory(active=True, statutory_status="contractual")
    record = completed_exit(partnership, legal_advice_taken=True, financial_advice_taken=True)
    close(partnership)
    check_deferred_constraints_now()
    with pytest.raises(IntegrityError), transaction.atomic():
        ExitRecord.objects.filter(pk=record.pk).delete()
        check_deferred_constraints_now()


def test_completed_exit_record_must_be_filled_in():
    with pytest.raises(IntegrityError), transaction.atomic():
        completed_exit(PartnershipFactory(), lessons_learned="")


def test_membership_is_unique_per_organisation_and_contribution_not_negative():
    membership = MembershipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(partnership=membership.partnership, organisation=membership.organisation)
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(financial_contribution=-1)


def test_gateway_constraints():
    with pytest.raises(IntegrityError), transaction.atomic():
        GatewayReviewFactory(status="submitted", submitted_at=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        GatewayReviewFactory(status="approved", submitted_at=timezone.now(), decided_at=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        GatewayReviewFactory(status="returned", submitted_at=timezone.now(), decided_at=timezone.now())
    review = GatewayReviewFactory()
    assert review.is_editable and str(review).startswith("Gateway for")


def test_one_gateway_per_partnership():
    review = GatewayReviewFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        GatewayReview.objects.create(partnership=review.partnership)


def test_strings_urls_and_properties():
    partnership = PartnershipFactory(name="Safer Demo", reference="P-1", statutory_status="contractual")
    assert str(partnership) == "Safer Demo (P-1)"
    assert partnership.get_absolute_url() == f"/partnerships/{partnership.pk}/"
    assert partnership.needs_legal_and_financial_advice_to_exit
    assert not PartnershipFactory(statutory_status="non_statutory").needs_legal_and_financial_advice_to_exit
    check = OutsideBodyCheckFactory(insurance_in_place="yes", advice_taken="no")
    assert check.open_checks == 7  # one answered Yes; the rest unanswered or No
    assert check.get_absolute_url().endswith("/outside-body/")
    organisation = OrganisationFactory(name="Demo Police")
    assert str(organisation) == "Demo Police"
    assert str(MembershipFactory(organisation=organisation, partnership=partnership)) == "Demo Police in Safer Demo"


def test_history_is_kept_for_every_register_model():
    partnership = PartnershipFactory()
    partnership.name = "Renamed"
    partnership.save()
    assert partnership.history.count() == 2
    for factory in (MembershipFactory, GatewayReviewFactory, ExitRecordFactory, OutsideBodyCheckFactory):
        instance = factory()
        assert instance.history.count() == 1
    assert timezone.localdate() - timedelta(days=1) < partnership.history.first().history_date.date() + timedelta(
        days=1
    )


def test_review_state_is_worked_out_as_of_today(settings):
    settings.PHC_REVIEW_DUE_SOON_DAYS = 30
    today = timezone.localdate()
    start = today - timedelta(days=400)
    overdue = PartnershipFactory(status="active", start_date=start, review_due_date=today - timedelta(days=1))
    soon = PartnershipFactory(status="exiting", start_date=start, review_due_date=today + timedelta(days=30))
    later = PartnershipFactory(status="active", start_date=start, review_due_date=today + timedelta(days=31))
    proposed = PartnershipFactory(status="proposed", start_date=start, review_due_date=today - timedelta(days=1))
    assert [p.review_state for p in (overdue, soon, later, proposed)] == ["overdue", "due_soon", "scheduled", ""]
