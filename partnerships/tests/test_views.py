"""Every page of the register for every role (allowed and refused), its forms, and its query counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partnerships import gateway as rules
from partnerships.models import ExitRecord, GatewayStatus, Membership, Organisation, Partnership, Status
from partnerships.search import trigram_installed
from partnerships.tests.factories import (
    GatewayReviewFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    RiskFactory,
    make_round,
    round_models,
)

pytestmark = pytest.mark.django_db

ROLES = ("officer", "manager", "facilitator", "respondent", "nobody")


@pytest.fixture
def users(officer, manager, facilitator, respondent, nobody):
    return {
        "officer": officer,
        "manager": manager,
        "facilitator": facilitator,
        "respondent": respondent,
        "nobody": nobody,
    }


def submitted(partnership, by):
    from partnerships import services

    answers = {q.code: rules.AnswerInput("yes", "Cabinet report") for q in rules.QUESTIONS}
    RiskFactory(partnership=partnership)  # the initial risk assessment
    return services.gateway_save(partnership, answers=answers, by=by, submit=True)


# --- Who may open which page ------------------------------------------------------------------------------

PAGES = {
    # page: expected status for officer, manager, facilitator, respondent, nobody
    # Respondents see nothing of the register (issue 13).
    "/partnerships/": (200, 200, 200, 403, 403),
    "/partnerships/export.csv": (200, 200, 200, 403, 403),
    "/partnerships/new/": (200, 403, 403, 403, 403),
    "/partnerships/reviews/": (200, 200, 403, 403, 403),
    "/partnerships/{pk}/": (200, 200, 403, 403, 403),
    "/partnerships/{pk}/edit/": (200, 403, 403, 403, 403),
    "/partnerships/{pk}/gateway/": (200, 200, 403, 403, 403),
    "/partnerships/{pk}/outside-body/": (200, 200, 403, 403, 403),
    "/partnerships/{pk}/exit/": (200, 200, 403, 403, 403),
}


@pytest.mark.parametrize("page", PAGES)
def test_each_page_for_each_role(page, users, as_user, client):
    partnership = PartnershipFactory(is_outside_body=True)
    url = page.format(pk=partnership.pk)
    for role, expected in zip(ROLES, PAGES[page], strict=True):
        response = as_user(users[role]).get(url)
        assert response.status_code == expected, (role, url)
        if expected == 403:
            assert b"You do not have access to this page" in response.content
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize(
    "page",
    [
        "/partnerships/{pk}/edit/",
        "/partnerships/{pk}/gateway/",
        "/partnerships/{pk}/outside-body/",
        "/partnerships/{pk}/exit/",
        "/partnerships/{pk}/gateway/decision/",
    ],
)
def test_managers_cannot_change_the_register(page, manager, as_user):
    partnership = PartnershipFactory(is_outside_body=True)
    response = as_user(manager).post(page.format(pk=partnership.pk), {"name": "Changed", "action": "submit"})
    assert response.status_code == 403 or (page.endswith("decision/") and response.status_code == 302)
    partnership.refresh_from_db()
    assert partnership.name != "Changed"
    assert not ExitRecord.objects.exists()


def test_register_administrator_cannot_decide_a_gateway(officer, second_manager, as_user):
    partnership = PartnershipFactory()
    submitted(partnership, second_manager)
    response = as_user(officer).post(f"/partnerships/{partnership.pk}/gateway/decision/", {"decision": "approve"})
    assert response.status_code == 403
    partnership.refresh_from_db()
    assert partnership.status == Status.PROPOSED


def test_involved_facilitator_reads_the_partnership_but_not_its_gateway_and_respondent_nothing(
    facilitator, respondent, as_user
):
    partnership = PartnershipFactory(name="Safer Demo")
    other = PartnershipFactory(name="Other Demo")
    make_round(partnership, facilitator, respondent)
    # Issue 13: a respondent once invited reads nothing of the register (risk rating, contributions).
    for url in ("/partnerships/", f"/partnerships/{partnership.pk}/", "/partnerships/export.csv"):
        assert as_user(respondent).get(url).status_code == 403
    for user in (facilitator,):
        client = as_user(user)
        register = client.get("/partnerships/").content.decode()
        assert "Other Demo" not in register
        assert client.get(f"/partnerships/{other.pk}/").status_code == 403
        assert client.get(f"/partnerships/{partnership.pk}/gateway/").status_code == 403
        if round_models() is not None:
            assert "Safer Demo" in register
            detail = client.get(f"/partnerships/{partnership.pk}/")
            assert detail.status_code == 200
            assert b"History" not in detail.content  # the register's internal history is for staff


def test_the_partner_filter_names_only_partners_of_partnerships_the_viewer_may_read(
    facilitator, respondent, manager, as_user
):
    """A facilitator's register lists their partnerships only; its partner filter no longer names the partners of
    the others (which told them whom else the council works with), nor accepts one of them."""
    mine = PartnershipFactory(name="Safer Demo")
    make_round(mine, facilitator, respondent)
    hidden = PartnershipFactory(name="Other Demo")
    MembershipFactory(partnership=mine, organisation=OrganisationFactory(name="Thames Valley Police"))
    secret = OrganisationFactory(name="Confidential Developer Ltd")
    MembershipFactory(partnership=hidden, organisation=secret)
    if round_models() is None:
        pytest.skip("the facilitator's partnerships come from their rounds")
    page = register(as_user(facilitator))
    assert "Thames Valley Police" in page and "Confidential Developer Ltd" not in page
    refused = register(as_user(facilitator), partner=secret.pk)
    assert "Select a valid choice" in refused and "Other Demo" not in refused  # an unknown choice, explained
    assert "Confidential Developer Ltd" in register(as_user(manager))


# --- The register table -------------------------------------------------------------------------------------


def register(client, **params) -> str:
    response = client.get("/partnerships/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_search_by_name_and_reference(officer, as_user):
    PartnershipFactory(name="Community Safety Partnership", reference="CSP-01")
    PartnershipFactory(name="Health Board", reference="HWB-02", service_area="Public health")
    client = as_user(officer)
    page = register(client, q="safety")
    assert "Community Safety Partnership" in page and "Health Board" not in page
    assert "1 partnership matches your search" in page
    page = register(client, q="hwb-02")
    assert "Health Board" in page and "Community Safety Partnership" not in page


def test_search_finds_partners_people_service_area_and_purpose(officer, as_user):
    police = OrganisationFactory(name="Thames Valley Police")
    safety = PartnershipFactory(
        name="Community Safety Partnership",
        lead_officer="Morgan Blake",
        senior_sponsor="Dana Whitfield",
        service_area="Neighbourhoods",
        purpose="Reduce reoffending among young people.",
    )
    MembershipFactory(partnership=safety, organisation=police)
    other = PartnershipFactory(name="Health and Wellbeing Board", lead_officer="Sam Reed", service_area="Public health")
    client = as_user(officer)
    queries = ["Police", "police", "Valley Pol", "Morgan Blake", "blake", "Whitfield", "Neighbourhoods", "reoffend"]
    if trigram_installed():
        queries += ["Polce", "Morgn"]  # mistyped names, found by trigram similarity
    for query in queries:
        page = register(client, q=query)
        assert safety.name in page and other.name not in page, query
    page = register(client, q="wellbeing")
    assert other.name in page and safety.name not in page
    page = register(client, partner=police.pk)
    assert safety.name in page and other.name not in page
    assert f'<option value="{police.pk}" selected>Thames Valley Police</option>' in page  # the choice is kept
    assert "Thames Valley Police" in register(client)  # offered in the partner filter


def test_the_partner_filter_reads_and_writes_its_options_as_django_did(officer, manager, as_user, monkeypatch):
    """The partner organisation filter reads (id, name) pairs and writes them by one join (issue 15 point 8): the
    page is the same as with Django's model choices and select template, with and without a partner chosen."""
    import re

    import django_filters
    from django import forms

    from partnerships.filters import OrganisationFilter, PartnershipFilter

    police = OrganisationFactory(name="Thames Valley Police")
    MembershipFactory(partnership=PartnershipFactory(name="Safer Streets"), organisation=police)
    OrganisationFactory(name='Ash & Elm "Community" Trust')
    client = as_user(manager)

    def pages() -> list[str]:
        return [
            re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", register(client, **params))
            for params in ({}, {"partner": police.pk}, {"partner": "not a number"})
        ]

    fast = pages()
    monkeypatch.setattr(OrganisationFilter, "field_class", django_filters.fields.ModelChoiceField)
    monkeypatch.setitem(PartnershipFilter.base_filters["partner"].extra, "widget", forms.Select)
    assert pages() == fast
    assert '<select name="partner" class="govuk-select phc-full-width" id="id_partner">' in fast[0]
    assert f'<option value="{police.pk}" selected>Thames Valley Police</option>' in fast[1]


@pytest.mark.parametrize(
    ("param", "value", "field"),
    [
        ("status", "active", "status"),
        ("lifecycle_stage", "flying", "lifecycle_stage"),
        ("continuum", "pooled_resources", "continuum"),
        ("structure_model", "jv_private", "structure_model"),
        ("statutory_status", "contractual", "statutory_status"),
        ("risk", "high", "risk"),
        ("service_area", "Housing", "service_area"),
    ],
)
def test_each_filter(param, value, field, officer, as_user):
    match = PartnershipFactory(name="Matching Partnership", active=True, **{field: value})
    PartnershipFactory(name="Other Partnership")
    page = register(as_user(officer), **{param: value})
    assert match.name in page and "Other Partnership" not in page
    assert "1 partnership matches your search" in page


def test_filter_by_partner_sector_lists_each_partnership_once(officer, as_user):
    voluntary = PartnershipFactory(name="With Charities")
    for n in range(2):
        MembershipFactory(partnership=voluntary, organisation=OrganisationFactory(sector="voluntary", name=f"C{n}"))
    MembershipFactory(partnership=PartnershipFactory(name="Public Only"), organisation=OrganisationFactory())
    page = register(as_user(officer), sector="voluntary")
    assert page.count("With Charities") == 1 and "Public Only" not in page


def test_filter_review_overdue(officer, as_user):
    start = timezone.localdate() - timedelta(days=800)
    PartnershipFactory(
        name="Late Review",
        status="active",
        start_date=start,
        review_due_date=timezone.localdate() - timedelta(days=1),
    )
    PartnershipFactory(name="Timely Review", active=True)
    PartnershipFactory(
        name="Closed Late",
        status="exiting",
        start_date=start,
        review_due_date=timezone.localdate() + timedelta(days=3),
    )
    page = register(as_user(officer), overdue="on")
    assert "Late Review" in page and "Timely Review" not in page and "Closed Late" not in page
    assert "Overdue" in page


def test_an_invalid_filter_value_is_explained_not_a_crash(officer, as_user):
    PartnershipFactory(name="Still Listed")
    page = register(as_user(officer), status="bogus")
    assert "Select a valid choice" in page and "Still Listed" in page


def test_a_later_page_reads_the_partners_of_its_own_rows_only(officer, as_user):
    """Issue 15 point 8: the page is chosen by id, then its rows are read with their partners; with an OFFSET in
    the partners' query, PostgreSQL worked out the partners of every row it skipped (the last of 200 pages of a
    region's register took three times the first)."""
    for n in range(30):
        MembershipFactory(
            partnership=PartnershipFactory(name=f"Partnership {n:02d}"), organisation=OrganisationFactory()
        )
    with CaptureQueriesContext(connection) as queries:
        page = register(as_user(officer), page=2)
    assert "Partnership 29" in page and "Partnership 00" not in page  # page 2 of 25 by name
    with_partners = [q["sql"] for q in queries.captured_queries if "ARRAY(" in q["sql"]]
    assert with_partners and all("OFFSET" not in sql for sql in with_partners), with_partners


def test_sorting_and_aria_sort(officer, as_user):
    PartnershipFactory(name="Alpha", reference="Z-1")
    PartnershipFactory(name="Beta", reference="A-1")
    client = as_user(officer)
    page = register(client)
    assert page.index("Alpha") < page.index("Beta")
    assert 'aria-sort="ascending"><a href="?sort=-name"' in page
    page = register(client, sort="reference")
    assert page.index("Beta") < page.index("Alpha")
    page = register(client, sort="-name")
    assert page.index("Beta") < page.index("Alpha")
    assert 'aria-sort="descending"' in page


def test_pages_of_25_with_count(officer, as_user):
    PartnershipFactory.create_batch(30)
    client = as_user(officer)
    page = register(client)
    assert "30 partnerships in the register" in page and "Showing 1 to 25" in page
    assert page.count('data-label="Reference">P-TEST-') == 25
    assert 'aria-label="Pages of the register"' in page
    second = register(client, page=2)
    assert second.count('data-label="Reference">P-TEST-') == 5


# --- Query counts -------------------------------------------------------------------------------------------


def make_partnerships(count: int, start: int) -> None:
    organisations = [
        OrganisationFactory.create(name=f"Org {start}-{n}", sector=s)
        for n, s in enumerate(("public", "private", "voluntary"))
    ]
    partnerships = Partnership.objects.bulk_create(
        [
            Partnership(
                name=f"Bulk {start + n:04d}",
                reference=f"B-{start + n:04d}",
                purpose="p",
                lead_officer="L",
                service_area=f"Area {n % 7}",
                continuum="info_sharing",
                structure_model="informal",
                statutory_status="non_statutory",
                lifecycle_stage="forming",
                status="active",
                risk="low",
                start_date=date(2025, 1, 1),
                review_due_date=date(2026, 1, 1) + timedelta(days=n),
            )
            for n in range(count)
        ]
    )
    Membership.objects.bulk_create(
        [Membership(partnership=p, organisation=o) for p in partnerships for o in organisations]
    )


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        "/partnerships/",
        "/partnerships/?sector=public&sort=-review",
        "/partnerships/?q=police+safety",
        "/partnerships/?q=Lee&sort=-review",
        # The CSV is streamed in batches of 100 partnerships, a fixed number of queries each:
        # reports/tests/test_register_export.py::test_csv_export_queries_grow_by_batch_not_by_partnership.
        "/partnerships/?significance=significant",
        "/partnerships/?significance=not_significant&compliance=significant_gaps",
        "/partnerships/?compliance=compliant",
    ],
)
def test_query_count_does_not_grow_with_the_register(url, officer, as_user):
    client = as_user(officer)
    make_partnerships(10, 0)
    client.get(url)  # the session, user and per-process facts are cached alike for both measurements
    small = count_queries(client, url)
    make_partnerships(490, 10)
    assert Partnership.objects.count() == 500
    large = count_queries(client, url)
    print(f"{url}: {small} queries for 10 partnerships, {large} for 500")
    assert small == large, f"{url}: {small} queries for 10 partnerships, {large} for 500"


# --- Create and edit ----------------------------------------------------------------------------------------


def form_data(**overrides) -> dict:
    data = {
        "name": "Demo Safer Streets",
        "reference": "p-2026-100",
        "purpose": "Safer streets at night.",
        "aims_and_objectives": "",
        "council_priorities": "",
        "lead_officer": "Sam Lead",
        "senior_sponsor": "",
        "service_area": "Community safety",
        "continuum": "joint_delivery",
        "structure_model": "public_consortium",
        "statutory_status": "non_statutory",
        "lifecycle_stage": "forming",
        "risk": "medium",
        "start_date": "",
        "review_due_date": "",
        "partners-TOTAL_FORMS": "3",
        "partners-INITIAL_FORMS": "0",
        "partners-MIN_NUM_FORMS": "1",
        "partners-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_create_with_an_existing_and_a_new_organisation(officer, as_user):
    police = OrganisationFactory(name="Demo Police")
    response = as_user(officer).post(
        "/partnerships/new/",
        form_data(
            **{
                "partners-0-organisation": str(police.pk),
                "partners-0-role": "Lead",
                "partners-0-financial_contribution": "1500.50",
                "partners-1-new_organisation_name": "Demo Night Pastors",
                "partners-1-new_organisation_sector": "voluntary",
                "partners-1-role": "Volunteers",
            }
        ),
    )
    partnership = Partnership.objects.get(reference="P-2026-100")
    assert response.status_code == 302 and response["Location"] == partnership.get_absolute_url()
    assert partnership.status == Status.PROPOSED and partnership.created_by == officer
    assert Organisation.objects.get(name="Demo Night Pastors").sector == "voluntary"
    assert sorted(partnership.organisations.values_list("name", flat=True)) == [
        "Demo Night Pastors",
        "Demo Police",
    ]


def test_create_form_offers_no_status(officer, as_user):
    page = as_user(officer).get("/partnerships/new/").content.decode()
    assert 'name="status"' not in page
    assert 'role="search"' not in page and "<legend" in page
    assert 'name="partners-2-new_organisation_name"' in page


def test_bad_input_is_explained_next_to_the_field_and_kept(officer, as_user):
    police = OrganisationFactory(name="Demo Police")
    PartnershipFactory(reference="TAKEN-1")
    response = as_user(officer).post(
        "/partnerships/new/",
        form_data(
            **{
                "name": "",
                "reference": "taken-1",
                "purpose": "Kept purpose text",
                "start_date": "2026-05-01",
                "review_due_date": "2026-04-01",
                "partners-0-organisation": str(police.pk),
                "partners-0-financial_contribution": "-5",
                "partners-1-new_organisation_name": "Brand New Trust",
            }
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()
    # The message sits under the field and the field points to it, so a screen reader reads both.
    assert 'id="id_name_1_error"' in page and 'aria-describedby="id_name_1_error"' in page
    assert "The review due date cannot be before the start date." in page
    assert "A partnership with this reference is already in the register." in page
    assert "A contribution cannot be negative." in page
    assert "Choose the new organisation&#x27;s sector." in page
    assert "Kept purpose text" in page and 'value="Brand New Trust"' in page
    assert 'id="error-summary"' in page and 'href="#id_name"' in page
    assert not Partnership.objects.filter(purpose="Kept purpose text").exists()
    assert not Organisation.objects.filter(name="Brand New Trust").exists()


def test_a_partner_is_needed_and_not_twice(officer, as_user):
    police = OrganisationFactory(name="Demo Police")
    client = as_user(officer)
    page = client.post("/partnerships/new/", form_data()).content.decode()
    assert "Add at least one partner organisation." in page
    page = client.post(
        "/partnerships/new/",
        form_data(
            **{
                "partners-0-organisation": str(police.pk),
                "partners-1-organisation": str(police.pk),
            }
        ),
    ).content.decode()
    assert "This organisation is already partner 1." in page
    page = client.post(
        "/partnerships/new/",
        form_data(
            **{
                "partners-0-new_organisation_name": "demo police",
                "partners-0-new_organisation_sector": "public",
            }
        ),
    ).content.decode()
    assert "Demo Police is already in the list: choose it there." in page
    assert not Partnership.objects.exists()


def edit_data(partnership, memberships, **overrides) -> dict:
    data = form_data(
        name=partnership.name,
        reference=partnership.reference,
        purpose=partnership.purpose,
        **{
            "partners-TOTAL_FORMS": str(len(memberships) + 2),
            "partners-INITIAL_FORMS": str(len(memberships)),
        },
    )
    for n, membership in enumerate(memberships):
        data[f"partners-{n}-id"] = str(membership.pk)
        data[f"partners-{n}-partnership"] = str(partnership.pk)
        data[f"partners-{n}-organisation"] = str(membership.organisation_id)
        data[f"partners-{n}-role"] = membership.role
    if partnership.start_date:
        data["start_date"] = partnership.start_date.isoformat()
    if partnership.review_due_date:
        data["review_due_date"] = partnership.review_due_date.isoformat()
    data.update(overrides)
    return data


def test_edit_adds_and_removes_partners_on_one_form(officer, as_user):
    partnership = PartnershipFactory()
    stay, leave = MembershipFactory(partnership=partnership), MembershipFactory(partnership=partnership)
    response = as_user(officer).post(
        f"/partnerships/{partnership.pk}/edit/",
        edit_data(
            partnership,
            [stay, leave],
            **{
                "partners-1-DELETE": "on",
                "partners-2-new_organisation_name": "Demo CVS",
                "partners-2-new_organisation_sector": "voluntary",
                "name": "New name",
            },
        ),
    )
    assert response.status_code == 302
    partnership.refresh_from_db()
    assert partnership.name == "New name"
    assert sorted(partnership.organisations.values_list("name", flat=True)) == sorted(
        [stay.organisation.name, "Demo CVS"]
    )


def test_edit_cannot_make_a_proposed_partnership_active(officer, as_user):
    partnership = PartnershipFactory()
    member = MembershipFactory(partnership=partnership)
    client = as_user(officer)
    page = client.get(f"/partnerships/{partnership.pk}/edit/").content.decode()
    assert 'name="status"' not in page and "approves its" in page
    client.post(
        f"/partnerships/{partnership.pk}/edit/",
        edit_data(partnership, [member], status="active", review_due_date="2027-01-01"),
    )
    partnership.refresh_from_db()
    assert partnership.status == Status.PROPOSED


def test_edit_offers_exiting_but_not_closed_for_an_active_partnership(officer, as_user):
    partnership = PartnershipFactory(active=True)
    member = MembershipFactory(partnership=partnership)
    client = as_user(officer)
    page = client.get(f"/partnerships/{partnership.pk}/edit/").content.decode()
    assert 'value="exiting"' in page and 'value="closed"' not in page and 'value="proposed"' not in page
    response = client.post(f"/partnerships/{partnership.pk}/edit/", edit_data(partnership, [member], status="closed"))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    client.post(f"/partnerships/{partnership.pk}/edit/", edit_data(partnership, [member], status="exiting"))
    partnership.refresh_from_db()
    assert partnership.status == Status.EXITING


def test_closed_partnership_is_readable_but_not_editable(officer, as_user):
    from partnerships import services

    partnership = PartnershipFactory(active=True, name="Finished Partnership")
    RiskFactory(partnership=partnership, category="exit", title="Nobody runs the helpline")
    services.exit_save(
        partnership,
        by=officer,
        complete=True,
        values={
            "exit_date": timezone.localdate(),
            "reason": "Done",
            "objectives_met": "yes",
            "achievements": "Much",
            "lessons_learned": "Plan early",
            "withdrawal_risks": "Low",
            "handover_and_continuity": "None needed",
        },
    )
    client = as_user(officer)
    detail = client.get(f"/partnerships/{partnership.pk}/")
    assert detail.status_code == 200 and b"This partnership is closed" in detail.content
    assert b"/edit/" not in detail.content
    response = client.get(f"/partnerships/{partnership.pk}/edit/")
    assert response.status_code == 302 and response["Location"] == partnership.get_absolute_url()
    exit_page = client.get(f"/partnerships/{partnership.pk}/exit/").content.decode()
    assert "Plan early" in exit_page and "<form" not in exit_page.split("<main")[1].split("Sign out")[0]


# --- Gateway ------------------------------------------------------------------------------------------------


def gateway_post(answer: str = "yes", evidence: str = "Cabinet report", action: str = "submit", **overrides):
    data = {"action": action}
    for q in rules.QUESTIONS:
        data[f"{q.code}-answer"] = answer
        data[f"{q.code}-evidence"] = evidence
    data.update(overrides)
    return data


def test_gateway_draft_submit_and_approval(officer, manager, as_user):
    partnership = PartnershipFactory()
    office, manage = as_user(officer), as_user(manager)
    url = f"/partnerships/{partnership.pk}/gateway/"
    page = office.get(url).content.decode()
    assert "Is there a clear rationale for the partnership" in page and "rules of engagement" in page
    assert page.count('type="radio"') == 3 * len(rules.QUESTIONS)

    response = office.post(url, gateway_post(action="save", **{"rationale-answer": "", "governance-evidence": ""}))
    assert response.status_code == 302
    response = office.post(
        url,
        gateway_post(**{"rationale-answer": "", "governance-evidence": "", "termination-evidence": "Kept evidence"}),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Answer Yes, Partly or No." in page and "Give the evidence for this answer." in page
    assert 'id="id_rationale-answer_error"' in page and "Kept evidence" in page
    assert partnership.gateway.status == GatewayStatus.DRAFT

    response = office.post(url, gateway_post())
    assert response.status_code == 200 and "No risks are recorded yet." in response.content.decode()
    assert "Record the initial risk assessment in the partnership&#x27;s risk register" in response.content.decode()
    assert f'href="/partnerships/{partnership.pk}/risks/new/?return=gateway"' in response.content.decode()
    RiskFactory(partnership=partnership, title="Partner withdraws funding")
    assert office.post(url, gateway_post()).status_code == 302
    partnership.refresh_from_db()
    assert partnership.gateway.status == GatewayStatus.SUBMITTED and partnership.status == Status.PROPOSED
    assert "Approve or return the gateway" not in office.get(url).content.decode()

    page = manage.get(url).content.decode()
    assert "Approve or return the gateway" in page
    response = manage.post(f"{url}decision/", {"decision": "approve"})
    assert response.status_code == 302
    partnership.refresh_from_db()
    assert partnership.status == Status.ACTIVE
    assert partnership.review_due_date == timezone.localdate() + timedelta(days=365)
    assert "is now active" in manage.get(response["Location"]).content.decode()


def test_gateway_refuses_a_no_without_evidence_and_keeps_what_was_typed(officer, as_user):
    partnership = PartnershipFactory()
    url = f"/partnerships/{partnership.pk}/gateway/"
    response = as_user(officer).post(
        url, gateway_post(**{"rationale-answer": "no", "rationale-evidence": "", "governance-evidence": "Kept"})
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Give the evidence: what is missing and what will be done about it." in page and "Kept" in page
    assert not hasattr(partnership, "gateway") or partnership.gateway.status != GatewayStatus.SUBMITTED


def test_the_decision_shows_the_summary_with_partly_and_no_answers_first_and_links_evidence(officer, manager, as_user):
    partnership = PartnershipFactory()
    RiskFactory(partnership=partnership)  # the initial risk assessment
    from partnerships import services

    answers = {q.code: rules.AnswerInput("yes", "Cabinet report") for q in rules.QUESTIONS}
    last, middle = rules.QUESTIONS[-1].code, rules.QUESTIONS[3].code
    answers[last] = rules.AnswerInput("no", "No exit clause yet: see https://intranet.example/exit-draft.pdf")
    answers[middle] = rules.AnswerInput("partly", "Draft terms <script>alert(1)</script>")
    RiskFactory(partnership=partnership)  # the initial risk assessment
    services.gateway_save(partnership, answers=answers, by=officer, submit=True)
    page = as_user(manager).get(f"/partnerships/{partnership.pk}/gateway/").content.decode()
    n = len(rules.QUESTIONS)
    assert f"{n - 2} Yes, 1 Partly, 1 No" in page
    decision = page[page.index("Approve or return the gateway") : page.index("Record the decision")]
    assert decision.index(rules.QUESTIONS[-1].text) < decision.index(rules.QUESTIONS[3].text)
    assert rules.QUESTIONS[0].text not in decision  # the Yes answers are not repeated there
    assert '<a href="https://intranet.example/exit-draft.pdf" rel="nofollow">' in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_gateway_return_needs_a_reason(officer, manager, as_user):
    partnership = PartnershipFactory()
    submitted(partnership, officer)
    client = as_user(manager)
    url = f"/partnerships/{partnership.pk}/gateway/decision/"
    response = client.post(url, {"decision": "return", "reason": ""})
    assert response.status_code == 200 and "Say why you are returning the gateway." in response.content.decode()
    assert client.post(url, {"decision": "return", "reason": "Agree the exit clause."}).status_code == 302
    partnership.refresh_from_db()
    assert partnership.gateway.status == GatewayStatus.RETURNED and partnership.status == Status.PROPOSED
    page = as_user(officer).get(f"/partnerships/{partnership.pk}/gateway/").content.decode()
    assert "Agree the exit clause." in page and "Submit for approval" in page


def test_the_manager_who_submitted_cannot_approve(second_manager, officer, as_user):
    partnership = PartnershipFactory()
    review = GatewayReviewFactory(partnership=partnership)
    submitted(partnership, second_manager)
    page = as_user(second_manager).get(f"/partnerships/{partnership.pk}/gateway/").content.decode()
    assert "another manager must decide it" in page
    response = as_user(second_manager).post(
        f"/partnerships/{partnership.pk}/gateway/decision/", {"decision": "approve"}
    )
    assert response.status_code == 200 and "cannot also decide" in response.content.decode()
    review.refresh_from_db()
    assert review.status == GatewayStatus.SUBMITTED


def test_reviews_page_lists_overdue_soon_and_gateways(manager, officer, as_user):
    start = timezone.localdate() - timedelta(days=700)
    PartnershipFactory(
        name="Overdue One",
        status="active",
        start_date=start,
        review_due_date=timezone.localdate() - timedelta(days=5),
    )
    PartnershipFactory(
        name="Soon One", status="active", start_date=start, review_due_date=timezone.localdate() + timedelta(days=30)
    )
    PartnershipFactory(
        name="Far One", status="active", start_date=start, review_due_date=timezone.localdate() + timedelta(days=300)
    )
    pending = PartnershipFactory(name="Pending Gateway")
    submitted(pending, officer)
    page = as_user(manager).get("/partnerships/reviews/").content.decode()
    assert "Overdue One" in page and "Soon One" in page and "Far One" not in page
    assert "Overdue (1)" in page and "Due within 60 days (1)" in page and "Pending Gateway" in page
    officer_page = as_user(officer).get("/partnerships/reviews/").content.decode()
    assert "Overdue One" in officer_page and "Gateways waiting" not in officer_page


# --- Outside body and exit ----------------------------------------------------------------------------------


def test_outside_body_checks(officer, manager, as_user):
    partnership = PartnershipFactory(is_outside_body=True)
    client = as_user(officer)
    url = f"/partnerships/{partnership.pk}/outside-body/"
    page = client.get(url).content.decode()
    assert "insurance or indemnity is in place".capitalize() in page and "Companies House" in page
    response = client.post(url, {"insurance_in_place": "maybe", "legal_status": "Kept status"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert "Kept status" in response.content.decode()
    response = client.post(
        url, {"insurance_in_place": "yes", "advice_taken": "not_applicable", "legal_status": "Charity"}
    )
    assert response.status_code == 302
    assert partnership.outside_body_check.insurance_in_place == "yes"
    page = as_user(manager).get(url).content.decode()
    assert "Charity" in page and "<fieldset" not in page
    not_outside = PartnershipFactory()
    page = client.get(f"/partnerships/{not_outside.pk}/outside-body/").content.decode()
    assert "these checks do not apply" in page


EXIT_POST = {
    "exit_date": timezone.localdate().isoformat(),
    "reason": "Objectives met",
    "objectives_met": "yes",
    "achievements": "Much",
    "lessons_learned": "Plan early",
    "withdrawal_risks": "Low",
    "handover_and_continuity": "To the CVS",
    "decided_by": "Chief Officer",
    "advice_notes": "",
}


def test_exit_of_a_statutory_partnership_needs_advice(officer, as_user):
    partnership = PartnershipFactory(active=True, statutory_status="statutory")
    RiskFactory(partnership=partnership, category="exit")
    client = as_user(officer)
    url = f"/partnerships/{partnership.pk}/exit/"
    assert "must be taken before the decision" in client.get(url).content.decode()
    response = client.post(url, {**EXIT_POST, "action": "complete"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "cannot be left without legal advice" in page and 'id="id_legal_advice_taken_1_error"' in page
    assert "Plan early" in page
    partnership.refresh_from_db()
    assert partnership.status == Status.ACTIVE
    response = client.post(
        url,
        {
            **EXIT_POST,
            "action": "complete",
            "confirmed": "yes",
            "legal_advice_taken": "on",
            "financial_advice_taken": "on",
            "advice_notes": "Legal Services, 3 May",
        },
    )
    assert response.status_code == 302
    partnership.refresh_from_db()
    assert partnership.status == Status.CLOSED and partnership.exit_record.is_complete


def test_exit_draft_and_completion_of_a_non_statutory_partnership(officer, as_user):
    partnership = PartnershipFactory(active=True)
    client = as_user(officer)
    url = f"/partnerships/{partnership.pk}/exit/"
    assert client.post(url, {"reason": "Funding ends", "action": "draft"}).status_code == 302
    partnership.refresh_from_db()
    assert partnership.status == Status.EXITING
    response = client.post(url, {"reason": "Funding ends", "action": "complete"})
    assert response.status_code == 200 and "Record the lessons learned." in response.content.decode()
    page = client.post(url, {**EXIT_POST, "action": "complete"}).content.decode()
    assert "No risks of withdrawal are recorded yet" in page
    assert "Record the risks of withdrawal in the partnership&#x27;s risk register" in page
    assert f'href="/partnerships/{partnership.pk}/risks/new/?category=exit&amp;return=exit"' in page
    RiskFactory(partnership=partnership, category="exit", title="Residents lose the helpline")
    assert "Residents lose the helpline" in client.get(url).content.decode()
    assert client.post(url, {**EXIT_POST, "action": "complete", "confirmed": "yes"}).status_code == 302
    partnership.refresh_from_db()
    assert partnership.status == Status.CLOSED


def test_detail_shows_history_with_who_and_what(officer, manager, as_user):
    partnership = PartnershipFactory(name="Tracked")
    member = MembershipFactory(partnership=partnership)
    as_user(officer).post(
        f"/partnerships/{partnership.pk}/edit/", edit_data(partnership, [member], lead_officer="Jo New")
    )
    page = as_user(manager).get(f"/partnerships/{partnership.pk}/").content.decode()
    assert "History" in page and "Priya Shah" in page and "Partnership details changed" in page
    assert "Lead officer:" in page and "Jo New" in page


def test_register_sorts_by_review_date_with_undated_rows_last_either_way(officer, as_user):
    from partnerships.filters import register_filter

    today = timezone.localdate()
    PartnershipFactory(name="Undated", status="proposed", review_due_date=None)
    PartnershipFactory(name="Soon", status="proposed", review_due_date=today + timedelta(days=10))
    PartnershipFactory(name="Later", status="proposed", review_due_date=today + timedelta(days=90))

    def names(sort: str) -> list[str]:
        return [p.name for p in register_filter(QueryDict(f"sort={sort}"), officer).qs]

    assert names("review") == ["Soon", "Later", "Undated"]
    assert names("-review") == ["Later", "Soon", "Undated"]
    assert names("nonsense") == ["Later", "Soon", "Undated"]  # an unknown sort falls back to the name
