"""The demo register: realistic, complete across the classifications, deterministic and idempotent."""

from __future__ import annotations

import pytest
from django.utils import timezone

from partnerships.demo import PARTNERSHIPS
from partnerships.models import (
    Continuum,
    GatewayReview,
    LifecycleStage,
    Organisation,
    Partnership,
    Risk,
    Sector,
    Status,
    StructureModel,
)

pytestmark = pytest.mark.django_db(transaction=True)  # checks run at COMMIT


def test_seed_demo_builds_a_varied_register_once(demo_council):
    # demo_council: what seed_demo made and printed (seeded once per worker); run again below.
    assert "30 demo partnerships added" in demo_council
    partnerships = Partnership.objects.all()
    assert partnerships.count() == len(PARTNERSHIPS) == 30
    assert set(partnerships.values_list("status", flat=True)) == set(Status.values)
    assert set(partnerships.values_list("lifecycle_stage", flat=True)) == set(LifecycleStage.values)
    assert set(partnerships.values_list("continuum", flat=True)) == set(Continuum.values)
    assert set(partnerships.values_list("structure_model", flat=True)) == set(StructureModel.values)
    assert set(Organisation.objects.filter(memberships__isnull=False).values_list("sector", flat=True)) == set(
        Sector.values
    )
    assert GatewayReview.objects.filter(status="submitted").count() >= 2
    assert GatewayReview.objects.filter(status="returned").exists()
    overdue = partnerships.filter(status__in=["active", "exiting"], review_due_date__lt=timezone.localdate())
    assert overdue.count() >= 3
    closed = partnerships.filter(status="closed")
    assert closed.count() == 2 and all(p.exit_record.is_complete for p in closed)
    assert partnerships.filter(is_outside_body=True, outside_body_check__isnull=False).exists()
    assert partnerships.get(reference="DDC-P-001").history.first().history_user.username == "officer"
    # Most partnerships have realistic risks, and each one's rating is the one its highest open risk gives it.
    with_risks = partnerships.filter(risks__isnull=False).distinct()
    assert with_risks.count() >= 25
    assert set(partnerships.values_list("risk", flat=True)) == {"low", "medium", "high", "not_assessed"}
    for spec in PARTNERSHIPS:
        partnership = partnerships.get(reference=spec.reference)
        assert partnership.risk == (spec.risk if partnership.risks.exists() else "not_assessed"), spec.reference
    assert Risk.objects.filter(category="exit").count() == 4  # two exiting, two closed
    assert Risk.objects.filter(closed_on__isnull=False).exists()
    # Run twice, it adds nothing the second time: tests/test_foundation.py::test_seed_demo_is_idempotent.
