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


# --- The register at a region's scale (issue 15 point 8) -------------------------------------------------------


def grouped_join_register(user):
    """The register's rows as they were read before issue 15 point 8: the partners by a join grouped by
    partnership. Kept here as the reference the subqueries must match."""
    from django.contrib.postgres.aggregates import ArrayAgg
    from django.db.models import Case, Count, F, Q, Value, When

    from partnerships.models import Sector

    return selectors.partnerships_visible_to(user).annotate(
        partner_sectors=ArrayAgg(
            "memberships__organisation__sector",
            distinct=True,
            filter=Q(memberships__isnull=False),
            default=Value([]),
        ),
        partner_names=ArrayAgg(
            "memberships__organisation__name",
            distinct=True,
            order_by="memberships__organisation__name",
            filter=Q(memberships__isnull=False),
            default=Value([]),
        ),
        sector_labels=ArrayAgg(
            Case(
                *[
                    When(memberships__organisation__sector=code, then=Value(str(label)))
                    for code, label in Sector.choices
                ],
                default=F("memberships__organisation__sector"),
            ),
            distinct=True,
            filter=Q(memberships__isnull=False),
            default=Value([]),
        ),
        partner_count=Count("memberships", distinct=True),
    )


def register_in_every_state() -> None:
    """Partnerships in every status, risk and review state, with none, one or several partners of one or several
    sectors, a partner shared by several partnerships, and more rows than a page."""
    from partnerships.models import RiskRating, Sector, Status

    organisations = [
        OrganisationFactory(name=f"{sector.label} partner {n}", sector=sector.value)
        for sector in Sector
        for n in range(2)
    ]
    today = date(2026, 6, 1)
    statuses = list(Status)
    for n in range(34):
        partnership = PartnershipFactory(
            name=f"Partnership {n % 9} {n:02d}",  # names repeat in their first words: ties broken by the id
            status=statuses[n % len(statuses)],
            risk=list(RiskRating)[(n // len(statuses)) % len(RiskRating)],
            start_date=today - timedelta(days=400),
            review_due_date=None if n % 5 == 0 else today + timedelta(days=(n * 37) % 300 - 150),
        )
        for organisation in organisations[n % 3 : n % 3 + n % 4]:
            MembershipFactory(partnership=partnership, organisation=organisation)


SORT_KEYS = ["name", "reference", "status", "stage", "lead", "review", "risk"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        *[f"sort={key}" for key in SORT_KEYS],
        *[f"sort=-{key}" for key in SORT_KEYS],
        "status=active&risk=high&sort=-review",
        "sector=voluntary&sort=-name",
        "q=partner",
        "overdue=on&page=2",
    ],
)
def test_register_rows_and_order_are_those_of_the_grouped_join(query, officer):
    from django.core.paginator import Paginator
    from django.http import QueryDict

    from partnerships.filters import PartnershipFilter, register_filter

    register_in_every_state()
    data = QueryDict(query)
    now = register_filter(data, officer)
    before = PartnershipFilter(
        data,
        queryset=grouped_join_register(officer),
        service_areas=selectors.service_areas(officer),
        today=now.today,
        council_view=True,
    )
    columns = ("pk", "partner_sectors", "partner_names", "sector_labels", "partner_count")

    def page(register):
        paginator = Paginator(register.qs, 25)
        rows = paginator.get_page(data.get("page")).object_list
        return paginator.count, [tuple(getattr(p, c) for c in columns) for p in rows]

    count, rows = page(now)
    assert (count, rows) == page(before)
    assert rows, "the query chooses some partnerships"


def test_the_register_page_reads_the_partners_of_its_own_rows_only(officer):
    """At 5,000 partnerships the grouped join aggregated every partnership's partners before the LIMIT (55 ms of
    a page of 25 rows): the plan must read no more partners than the page's rows have."""
    import json

    from django.db import connection
    from django.http import QueryDict

    from partnerships.filters import register_filter

    organisations = [OrganisationFactory(name=f"Partner {n}") for n in range(2)]
    for _ in range(40):
        partnership = PartnershipFactory()
        for organisation in organisations:
            MembershipFactory(partnership=partnership, organisation=organisation)
    page = register_filter(QueryDict(""), officer).qs[:25]
    sql, params = page.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan

    def partner_reads(node: dict) -> list[tuple[int, int]]:
        """(loops, rows a loop) of each node of the plan that reads the partnerships' partners."""
        own = (
            [(node["Actual Loops"], node["Actual Rows"])]
            if node.get("Relation Name") == "partnerships_membership"
            else []
        )
        return own + [read for child in node.get("Plans", []) for read in partner_reads(child)]

    reads = partner_reads(plan[0]["Plan"])
    assert len(list(page)) == 25 and reads
    # Once per row of the page, each time that row's partners: neither all 40 partnerships (a loop each) nor all
    # their 80 partners at once (a scan, then grouped).
    assert all(loops <= 25 and rows <= len(organisations) for loops, rows in reads), reads
