"""The risk register: its services (the derived rating, history), its pages for each role, the heat maps and
their query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partnerships import selectors, services
from partnerships.models import Risk, RiskAction
from partnerships.tests.factories import (
    PartnershipFactory,
    RiskActionFactory,
    RiskFactory,
    make_round,
    round_models,
)

pytestmark = pytest.mark.django_db


def risk_values(**overrides) -> dict:
    values = {
        "title": "Funding ends",
        "description": "",
        "category": "financial",
        "likelihood": 3,
        "impact": 4,
        "owner": "Alex Lead",
        "existing_controls": "",
        "review_date": timezone.localdate() + timedelta(days=90),
        "closed_on": None,
    }
    return values | overrides


def post_data(**overrides) -> dict:
    values = risk_values(**overrides)
    data = {k: ("" if v is None else str(v)) for k, v in values.items()}
    data |= {"actions-TOTAL_FORMS": "2", "actions-INITIAL_FORMS": "0", "actions-MIN_NUM_FORMS": "0"}
    data |= {"actions-MAX_NUM_FORMS": "1000"}
    return data


# --- Services ---------------------------------------------------------------------------------------------


def test_the_rating_follows_the_highest_open_risk(officer):
    partnership = PartnershipFactory(risk="not_assessed")
    low = services.risk_save(partnership, values=risk_values(likelihood=2, impact=2), by=officer)
    partnership.refresh_from_db()
    assert (low.score, partnership.risk) == (4, "low")
    high = services.risk_save(partnership, values=risk_values(likelihood=5, impact=4), by=officer)
    partnership.refresh_from_db()
    assert (high.score, partnership.risk) == (20, "high")
    services.risk_save(partnership, values=risk_values(closed_on=timezone.localdate()), risk=high, by=officer)
    partnership.refresh_from_db()
    assert partnership.risk == "low"
    rating_changes = [r.risk for r in partnership.history.order_by("history_date")]
    assert rating_changes[-3:] == ["low", "high", "low"]


def test_risk_changes_are_kept_in_the_history(officer):
    partnership = PartnershipFactory()
    risk = services.risk_save(partnership, values=risk_values(), by=officer)
    services.risk_save(partnership, values=risk_values(likelihood=5), risk=risk, by=officer)
    entries = selectors.risk_history(risk.history.all())
    assert [e.what for e in entries] == ["Risk added: Funding ends", "Risk changed: Funding ends"]
    assert [(c.field, c.old, c.new) for c in entries[1].changes] == [("Likelihood", "3", "5")]
    assert entries[1].who == "Priya Shah"
    assert "Risk changed: Funding ends" in [e.what for e in selectors.partnership_history(partnership)]


def test_further_actions_are_added_changed_and_removed(officer):
    partnership = PartnershipFactory()
    due = timezone.localdate() + timedelta(days=10)
    risk = services.risk_save(
        partnership,
        values=risk_values(),
        actions=[services.RiskActionInput(None, "Find new funding", due), services.RiskActionInput(None, "Tell", due)],
        by=officer,
    )
    first, second = risk.actions.order_by("pk")
    services.risk_save(
        partnership,
        values=risk_values(),
        risk=risk,
        actions=[
            services.RiskActionInput(first.pk, "Find new funding", due, done_on=timezone.localdate()),
            services.RiskActionInput(second.pk, "Tell", due, remove=True),
        ],
        by=officer,
    )
    assert list(risk.actions.values_list("description", "done_on")) == [("Find new funding", timezone.localdate())]


def test_a_closed_partnership_refuses_risk_changes(officer):
    partnership = PartnershipFactory(active=True)
    RiskFactory(partnership=partnership, category="exit")
    exit_values = {
        "exit_date": timezone.localdate(),
        "reason": "Objectives met",
        "objectives_met": "yes",
        "achievements": "Much",
        "lessons_learned": "Plan early",
        "handover_and_continuity": "To the CVS",
    }
    services.exit_save(partnership, values=exit_values, by=officer, complete=True)
    with pytest.raises(ValidationError, match="closed"):
        services.risk_save(partnership, values=risk_values(), by=officer)
    assert list(Risk.objects.values_list("category", flat=True)) == ["exit"]


def test_a_risk_of_another_partnership_is_refused(officer):
    risk = RiskFactory()
    with pytest.raises(ValidationError, match="another partnership"):
        services.risk_save(PartnershipFactory(), values=risk_values(), risk=risk, by=officer)


@pytest.mark.parametrize("field", ["likelihood", "impact"])
def test_the_database_refuses_a_scale_value_off_1_to_5(field):
    partnership = PartnershipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Risk.objects.create(partnership=partnership, **(risk_values() | {field: 6}))


def test_the_score_is_computed_by_the_database():
    risk = RiskFactory(likelihood=4, impact=5)
    assert Risk.objects.get(pk=risk.pk).score == 20


# --- Pages ------------------------------------------------------------------------------------------------


def test_who_may_read_and_change_the_register(officer, manager, facilitator, respondent, as_user):
    partnership = PartnershipFactory()
    risk = RiskFactory(partnership=partnership, title="Data breach")
    if round_models() is not None:
        make_round(partnership, facilitator, respondent)
    register = f"/partnerships/{partnership.pk}/risks/"
    edit = f"/partnerships/{partnership.pk}/risks/{risk.pk}/"
    assert as_user(officer).get(register).status_code == 200
    assert as_user(manager).get(register).status_code == 200
    assert as_user(facilitator).get(register).status_code == 200
    assert as_user(respondent).get(register).status_code == 403
    assert as_user(officer).get(edit).status_code == 200
    for user in (manager, facilitator):
        assert as_user(user).post(edit, post_data(title="Changed")).status_code == 403
    risk.refresh_from_db()
    assert risk.title == "Data breach"


def test_a_risk_of_another_partnership_is_not_found(officer, as_user):
    risk = RiskFactory()
    other = PartnershipFactory()
    assert as_user(officer).get(f"/partnerships/{other.pk}/risks/{risk.pk}/").status_code == 404


def test_recording_a_risk_sets_the_rating_and_shows_on_the_pages(officer, as_user):
    partnership = PartnershipFactory(risk="not_assessed")
    client = as_user(officer)
    data = post_data(likelihood="5", impact="4")
    data |= {"actions-0-description": "Second supplier", "actions-0-due_date": str(timezone.localdate())}
    response = client.post(f"/partnerships/{partnership.pk}/risks/new/", data)
    assert response.status_code == 302
    partnership.refresh_from_db()
    assert partnership.risk == "high"
    assert RiskAction.objects.get().description == "Second supplier"
    page = client.get(f"/partnerships/{partnership.pk}/").content.decode()
    assert "1 open risk: 1 high" in page and "?likelihood=5&amp;impact=4" in page
    register = client.get(f"/partnerships/{partnership.pk}/risks/?likelihood=5&impact=4").content.decode()
    assert "Funding ends" in register and "20 high" in register


def test_a_bad_risk_form_says_what_is_wrong_and_saves_nothing(officer, as_user):
    partnership = PartnershipFactory()
    response = as_user(officer).post(
        f"/partnerships/{partnership.pk}/risks/new/", post_data(likelihood="9", title="", review_date="")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose a likelihood from 1 to 5." in page
    assert "Give the risk a short title." in page
    assert "Give the date the risk is next reviewed." in page
    assert not Risk.objects.exists()


def test_a_tampered_heat_map_link_shows_every_risk(officer, as_user):
    partnership = PartnershipFactory()
    RiskFactory(partnership=partnership, title="Visible risk")
    response = as_user(officer).get(f"/partnerships/{partnership.pk}/risks/?likelihood=99&impact=x")
    assert response.status_code == 200 and "Visible risk" in response.content.decode()


def test_the_exit_link_preselects_the_exit_category(officer, as_user):
    partnership = PartnershipFactory(status="active", review_due_date=timezone.localdate())
    page = as_user(officer).get(f"/partnerships/{partnership.pk}/risks/new/?category=exit&return=exit")
    assert '<option value="exit" selected>' in page.content.decode()


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_register_pages_take_the_same_number_of_queries_for_more_risks(manager, as_user):
    partnership = PartnershipFactory()
    RiskActionFactory(risk=RiskFactory(partnership=partnership))
    client = as_user(manager)
    urls = (f"/partnerships/{partnership.pk}/risks/", "/partnerships/risks/", f"/partnerships/{partnership.pk}/")
    before = [_queries(client, url) for url in urls]
    for n in range(8):
        risk = RiskFactory(partnership=partnership if n % 2 else PartnershipFactory(), likelihood=1 + n % 5)
        RiskActionFactory(risk=risk)
    assert [_queries(client, url) for url in urls] == before


def test_portfolio_risks_lists_open_risks_of_visible_partnerships(manager, as_user):
    RiskFactory(title="Open one", likelihood=4, impact=4)
    RiskFactory(title="Closed one", closed_on=timezone.localdate())
    page = as_user(manager).get("/partnerships/risks/?likelihood=4&impact=4").content.decode()
    assert "Open one" in page and "Closed one" not in page
    assert "1 risk." in page


def test_the_register_filters_and_sorts_by_the_derived_rating(officer, as_user):
    high = PartnershipFactory(name="High one")
    low = PartnershipFactory(name="Low one")
    services.risk_save(high, values=risk_values(likelihood=5, impact=5), by=officer)
    services.risk_save(low, values=risk_values(likelihood=1, impact=2), by=officer)
    page = as_user(officer).get("/partnerships/?risk=high").content.decode()
    assert "High one" in page and "Low one" not in page
    page = as_user(officer).get("/partnerships/?sort=-risk").content.decode()
    assert page.index("High one") < page.index("Low one")
