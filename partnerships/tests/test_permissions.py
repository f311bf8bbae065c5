"""The data migration gives each role its permissions on the register."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

pytestmark = pytest.mark.django_db

MODELS = (
    "organisation",
    "partnership",
    "membership",
    "gatewayreview",
    "gatewayanswer",
    "outsidebodycheck",
    "exitrecord",
)


def perms(group: str) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=group).permissions.values_list(
            "content_type__app_label", "codename"
        )
        if app == "partnerships"
    }


def test_register_administrators_view_add_and_change_but_do_not_approve():
    granted = perms("Register administrator")
    assert {f"partnerships.{a}_{m}" for m in MODELS for a in ("view", "add", "change")} <= granted
    assert "partnerships.approve_gatewayreview" not in granted
    assert not any(p.split(".")[1].startswith("delete_") for p in granted)


RISK_VIEWS = {"partnerships.view_risk", "partnerships.view_riskaction"}


def test_managers_view_everything_and_approve_gateways():
    assert (
        perms("Manager")
        == {f"partnerships.view_{m}" for m in MODELS} | {"partnerships.approve_gatewayreview"} | RISK_VIEWS
    )


def test_register_administrators_keep_the_risk_register():
    granted = perms("Register administrator")
    assert {f"partnerships.{a}_{m}" for m in ("risk", "riskaction") for a in ("view", "add", "change")} <= granted


@pytest.mark.parametrize(
    ("group", "risks"),
    [("Facilitator", RISK_VIEWS), ("Respondent", set())],
)
def test_facilitators_and_respondents_view_partnerships_and_organisations_only(group, risks):
    # Facilitators also read the risks: a round's close asks them to confirm the risks were reviewed.
    assert perms(group) == {"partnerships.view_partnership", "partnerships.view_organisation"} | risks
