"""The Django admin lists every register model with its filters and search."""

from __future__ import annotations

import pytest
from django.contrib import admin

from partnerships.models import (
    ExitRecord,
    GatewayAnswer,
    GatewayReview,
    Membership,
    Organisation,
    OutsideBodyCheck,
    Partnership,
)
from partnerships.tests.factories import (
    ExitRecordFactory,
    GatewayAnswerFactory,
    MembershipFactory,
    OutsideBodyCheckFactory,
)

MODELS = (Organisation, Partnership, Membership, GatewayReview, GatewayAnswer, OutsideBodyCheck, ExitRecord)


@pytest.mark.parametrize("model", MODELS)
def test_every_model_is_registered_with_list_display_filters_and_search(model):
    model_admin = admin.site._registry[model]
    assert len(model_admin.list_display) > 1 and model_admin.list_filter and model_admin.search_fields


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS)
def test_changelists_history_and_change_pages_load(model, admin_client):
    MembershipFactory()
    GatewayAnswerFactory()
    OutsideBodyCheckFactory()
    ExitRecordFactory()
    base = f"/admin/partnerships/{model._meta.model_name}/"
    response = admin_client.get(base, {"q": "a"})
    assert response.status_code == 200
    instance = model.objects.first()
    assert admin_client.get(f"{base}{instance.pk}/change/").status_code == 200
    assert admin_client.get(f"{base}{instance.pk}/history/").status_code == 200


@pytest.mark.django_db
def test_a_risk_changed_or_deleted_in_the_admin_derives_the_rating_again(admin_client):
    from partnerships.models import Risk, RiskRating
    from partnerships.services import risk_save
    from partnerships.tests.factories import PartnershipFactory

    partnership = PartnershipFactory.create(active=True)
    risk = risk_save(
        partnership,
        values={
            "title": "Funding ends",
            "category": "financial",
            "likelihood": 2,
            "impact": 2,
            "owner": "Jo",
            "review_date": partnership.review_due_date,
        },
        by=None,
    )
    partnership.refresh_from_db()
    low = partnership.risk
    url = f"/admin/partnerships/risk/{risk.pk}/change/"
    form = {
        "partnership": partnership.pk,
        "title": "Funding ends",
        "description": "",
        "category": "financial",
        "likelihood": 5,
        "impact": 5,
        "owner": "Jo",
        "existing_controls": "",
        "review_date": partnership.review_due_date.isoformat(),
        "closed_on": "",
        "actions-TOTAL_FORMS": 0,
        "actions-INITIAL_FORMS": 0,
    }
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    partnership.refresh_from_db()
    assert partnership.risk == RiskRating.HIGH != low

    response = admin_client.post(f"/admin/partnerships/risk/{risk.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Risk.objects.filter(pk=risk.pk).exists()
    partnership.refresh_from_db()
    assert partnership.risk == RiskRating.NOT_ASSESSED
