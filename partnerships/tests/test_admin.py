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
