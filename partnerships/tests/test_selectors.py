"""Who reads which partnerships, the register's rows, reviews due, latest health checks and history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from partnerships import gateway as rules
from partnerships import selectors, services
from partnerships.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    UserFactory,
    make_round,
)

pytestmark = pytest.mark.django_db


def test_managers_and_register_administrators_read_everything(officer, manager):
    partnerships = PartnershipFactory.create_batch(3)
    for user in (officer, manager):
        assert set(selectors.partnerships_visible_to(user)) == set(partnerships)
        assert selectors.sees_whole_register(user)


def test_users_without_a_role_and_signed_out_visitors_read_nothing(nobody):
    from django.contrib.auth.models import AnonymousUser

    PartnershipFactory()
    assert not selectors.partnerships_visible_to(nobody).exists()
    assert not selectors.partnerships_visible_to(AnonymousUser()).exists()


def test_facilitators_read_only_partnerships_they_facilitate_and_respondents_none(facilitator, respondent):
    mine, theirs = PartnershipFactory(), PartnershipFactory()
    assert not selectors.partnerships_visible_to(facilitator).exists()
    assert not selectors.partnerships_visible_to(respondent).exists()
    make_round(mine, facilitator, respondent)
    make_round(mine, facilitator)  # a second round must not duplicate the row
    other_facilitator = UserFactory(roles=["Facilitator"])
    make_round(theirs, other_facilitator)
    assert list(selectors.partnerships_visible_to(facilitator)) == [mine]
    # Issue 13: being invited to a round shows a respondent nothing of the register.
    assert list(selectors.partnerships_visible_to(respondent)) == []


def test_register_rows_carry_partner_sectors_names_and_counts(officer):
    partnership = PartnershipFactory()
    MembershipFactory(partnership=partnership, organisation=OrganisationFactory(name="B Police", sector="public"))
    MembershipFactory(partnership=partnership, organisation=OrganisationFactory(name="A Trust", sector="voluntary"))
    lonely = PartnershipFactory()
    rows = {p.pk: p for p in selectors.register_queryset(officer)}
    assert sorted(rows[partnership.pk].partner_sectors) == ["public", "voluntary"]
    assert sorted(rows[partnership.pk].sector_labels) == ["Public", "Voluntary and community"]
    assert rows[lonely.pk].sector_labels == []
    assert rows[partnership.pk].partner_names == ["A Trust", "B Police"]
    assert rows[partnership.pk].partner_count == 2
    assert rows[lonely.pk].partner_sectors == [] and rows[lonely.pk].partner_count == 0


def test_reviews_due_lists_overdue_and_soon_active_partnerships(manager):
    today = date(2026, 6, 1)
    start = today - timedelta(days=500)
    overdue = PartnershipFactory(status="active", start_date=start, review_due_date=today - timedelta(days=3))
    soon = PartnershipFactory(status="exiting", start_date=start, review_due_date=today + timedelta(days=60))
    PartnershipFactory(status="active", start_date=start, review_due_date=today + timedelta(days=61))
    PartnershipFactory(status="proposed", review_due_date=today - timedelta(days=3))
    assert list(selectors.reviews_due(manager, today)) == [overdue, soon]


def test_service_areas_are_distinct_and_sorted():
    for area in ("Housing", "Community safety", "Housing"):
        PartnershipFactory(service_area=area)
    assert selectors.service_areas() == ["Community safety", "Housing"]


def test_history_shows_who_changed_what_across_the_record(officer, manager):
    police = OrganisationFactory(name="Demo Police")
    partnership = services.partnership_create(
        details={
            "name": "Safer Demo",
            "reference": "P-1",
            "purpose": "Safer streets",
            "lead_officer": "Sam",
            "service_area": "Community safety",
            "continuum": "info_sharing",
            "structure_model": "informal",
            "statutory_status": "non_statutory",
            "lifecycle_stage": "forming",
        },
        partners=[services.PartnerInput(organisation=police, role="Member")],
        by=officer,
    )
    risk_values = {"title": "Funding", "category": "financial", "owner": "Sam", "review_date": date(2030, 1, 1)}
    risk = services.risk_save(partnership, values=risk_values | {"likelihood": 3, "impact": 3}, by=officer)
    services.risk_save(partnership, values=risk_values | {"likelihood": 4, "impact": 4}, risk=risk, by=officer)
    answers = {q.code: rules.AnswerInput("yes", "Cabinet report") for q in rules.QUESTIONS}
    review = services.gateway_save(partnership, answers=answers, by=officer, submit=True)
    services.gateway_approve(review, by=manager)

    history = selectors.partnership_history(partnership)
    described = [(e.who, e.what) for e in history]
    assert ("Priya Shah", "Partnership recorded") in described
    assert ("Priya Shah", "Partner added: Demo Police") in described
    assert ("Priya Shah", "Gateway submitted for approval") in described
    assert ("Helen Marsh", "Gateway approved") in described
    rating_changes = [(c.old, c.new) for e in history if not e.created for c in e.changes if c.field == "Risk rating"]
    assert rating_changes == [("Medium", "High"), ("Not assessed", "Medium")]  # newest first
    assert ("Priya Shah", "Risk changed: Funding") in described
    activation = next(e for e in history if e.who == "Helen Marsh" and e.what == "Partnership details changed")
    assert ("Status", "Proposed", "Active") in [(c.field, c.old, c.new) for c in activation.changes]
    answers_entry = next(e for e in history if e.what == "Gateway answers saved")
    assert len(answers_entry.changes) == 2 * len(rules.QUESTIONS)  # an answer and its evidence each
    assert history == sorted(history, key=lambda e: e.when, reverse=True)


def test_organisation_choices_label_the_sector():
    organisation = OrganisationFactory(name="Demo Food Bank", sector="voluntary")
    choices = selectors.organisation_choices()
    assert choices[0][0] == ""
    assert (organisation.pk, "Demo Food Bank (Voluntary and community)") in choices
