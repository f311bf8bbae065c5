"""The results page, individual profiles, workshop screens, exports and action plan (issue 6)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.models import ActionItem, Principle
from assessments.tests.factories import UserFactory, add_responses, make_round, uniform
from results import selectors
from results.selectors import latest_totals, partnership_rounds

pytestmark = pytest.mark.django_db

WORKED_EXAMPLE = [4, 2, 3, 3, 3, 1]


def test_results_need_facilitator_or_manager(client):
    round_ = make_round()
    add_responses(round_, [uniform(3)] * 3)
    url = f"/rounds/{round_.pk}/results/"
    assert client.get(url).status_code == 302  # signed out: to sign-in
    client.force_login(UserFactory(roles=["Facilitator"]))  # not this round's facilitator
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(roles=["Respondent"]))
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(roles=["Manager"]))
    assert client.get(url).status_code == 200
    client.force_login(round_.facilitator)
    assert client.get(url).status_code == 200


def test_nothing_but_the_count_until_minimum_responses(client):
    round_ = make_round()
    add_responses(round_, [uniform(4)] * 2)
    client.force_login(round_.facilitator)
    page = client.get(f"/rounds/{round_.pk}/results/").content.decode()
    assert "2 of 2 invited respondents have submitted" in page
    assert "Scenario" not in page
    data = client.get(f"/rounds/{round_.pk}/results.json").json()
    assert data["principles"] == [] and data["total"] is None and data["respondents"] == []
    rows = list(csv.reader(io.StringIO(client.get(f"/rounds/{round_.pk}/responses.csv").content.decode("utf-8-sig"))))
    assert len(rows) == 1  # the header only


def test_results_figures_and_band_wording(client):
    round_ = make_round()
    add_responses(round_, [WORKED_EXAMPLE + [4] * 30, WORKED_EXAMPLE + [4] * 30, [1] * 6 + [4] * 30])
    client.force_login(round_.facilitator)
    data = client.get(f"/rounds/{round_.pk}/results.json").json()
    p1 = data["principles"][0]
    assert (p1["n"], p1["min"], p1["max"], p1["median"]) == (3, 6, 16, 16)
    assert p1["mean"] == 12.7  # (16 + 16 + 6) / 3 = 12.67
    assert p1["band"] == {"min": 13, "max": 18, "text": "The need for partnership is recognised and accepted"}
    assert p1["agreement"] == "conflict"  # bands 6 and 13-18 are three bands apart
    assert data["total"]["mean"] == round((136 * 2 + 126) / 3, 1)
    assert data["scenario"]["code"] == "B"
    page = client.get(f"/rounds/{round_.pk}/results/").content.decode()
    assert "The need for partnership is recognised and accepted" in page
    assert "Conflict" in page
    assert "Scenario B" in page


def test_anonymous_round_never_names_anyone(client):
    round_ = make_round(anonymous=True)
    add_responses(round_, [uniform(3)] * 4, comment="Budgets are not shared")
    client.force_login(round_.facilitator)
    for path in ("results/", "results.json", "responses.csv", "workshop/?screen=1", "results/respondents/1/"):
        body = client.get(f"/rounds/{round_.pk}/{path}").content.decode()
        assert "Person " not in body and "@example.org" not in body, path
    data = client.get(f"/rounds/{round_.pk}/results.json").json()
    assert [r["label"] for r in data["respondents"]] == [f"Respondent {i}" for i in range(1, 5)]
    assert "Budgets are not shared" in client.get(f"/rounds/{round_.pk}/results/").content.decode()


def test_named_round_attributes_comments(client):
    round_ = make_round(anonymous=False)
    add_responses(round_, [uniform(3)] * 3, comment="We need a shared budget")
    client.force_login(round_.facilitator)
    page = client.get(f"/rounds/{round_.pk}/results/").content.decode()
    assert 'We need a shared budget <span class="phc-secondary">(Person 0)</span>' in page


def test_small_groups_are_merged_or_withheld(client):
    round_ = make_round(anonymous=False)
    orgs = ["Council"] * 3 + ["NHS trust"] * 3 + ["Police"] * 1 + ["Charity"] * 1
    add_responses(round_, [uniform(3)] * 8, organisations=orgs)
    client.force_login(round_.facilitator)
    data = client.get(f"/rounds/{round_.pk}/results.json").json()
    assert sorted({r["organisation"] for r in data["respondents"]}, key=str) == ["Council", "NHS trust", None]
    page = client.get(f"/rounds/{round_.pk}/results/").content.decode()
    assert "Police" not in page and "Charity" not in page
    assert "Withheld" in page


def test_anonymous_small_groups_are_merged_or_withheld_and_respondents_carry_no_group(client):
    round_ = make_round(anonymous=True)
    orgs = ["Council"] * 3 + ["NHS trust"] * 3 + ["Police"] * 1 + ["Charity"] * 1
    add_responses(round_, [uniform(3)] * 8, organisations=orgs)
    client.force_login(round_.facilitator)
    data = client.get(f"/rounds/{round_.pk}/results.json").json()
    assert {(r["organisation"], r["level"]) for r in data["respondents"]} == {(None, None)}
    page = client.get(f"/rounds/{round_.pk}/results/").content.decode()
    assert "Police" not in page and "Charity" not in page
    assert "Withheld" in page and "NHS trust" in page


def test_csv_columns_and_formula_injection(client):
    round_ = make_round(anonymous=False)
    add_responses(round_, [uniform(2)] * 3, comment='=HYPERLINK("http://evil")')
    client.force_login(round_.facilitator)
    response = client.get(f"/rounds/{round_.pk}/responses.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0])[:5] == ["label", "organisation", "level", "P1A", "P1B"]
    assert {"P6F", "S1", "S6", "success", "P1A_comment", "success_comment"} <= set(rows[0])
    assert rows[0]["P1A_comment"].startswith("'=")


def test_change_since_previous_round(client):
    facilitator = UserFactory(roles=["Facilitator"])
    earlier = make_round(facilitator, closes_on=date(2024, 3, 31), title="Health check 2024")
    add_responses(earlier, [uniform(2)] * 3)
    later = make_round(facilitator, partnership=earlier.partnership, closes_on=date(2025, 3, 31))
    add_responses(later, [uniform(3)] * 3)
    client.force_login(facilitator)
    page = client.get(f"/rounds/{later.pk}/results/").content.decode()
    assert "Since the previous round" in page
    assert "+36.0" in page  # total 72 -> 108
    assert "+6.0" in page  # each principle 12 -> 18


TOTAL = 'Total</th><td class="govuk-table__cell govuk-table__cell--numeric" data-label="Score">'


def test_profiles_are_numbered_and_bounded(client):
    round_ = make_round(anonymous=True)
    add_responses(round_, [uniform(1), uniform(4), uniform(3)])
    client.force_login(round_.facilitator)
    pages = [client.get(f"/rounds/{round_.pk}/results/respondents/{n}/") for n in (1, 2, 3)]
    assert all(p.status_code == 200 for p in pages)
    assert sorted(
        next(t for t in (TOTAL + "36", TOTAL + "144", TOTAL + "108") if t in p.content.decode()) for p in pages
    ) == sorted([TOTAL + "36", TOTAL + "144", TOTAL + "108"])
    assert client.get(f"/rounds/{round_.pk}/results/respondents/4/").status_code == 404


def test_workshop_screens(client):
    round_ = make_round()
    add_responses(round_, [uniform(3)] * 3)
    client.force_login(round_.facilitator)
    for screen, text in [(0, "how healthy is our partnership"), (3, "Principle 3"), (7, "Priorities and scenario")]:
        page = client.get(f"/rounds/{round_.pk}/workshop/?screen={screen}").content.decode()
        assert text in page
    assert client.get(f"/rounds/{round_.pk}/workshop/?screen=abc").status_code == 200


def test_action_plan(client):
    round_ = make_round()
    principle = Principle.objects.get(instrument=round_.instrument, number=4)
    client.force_login(round_.facilitator)
    url = f"/rounds/{round_.pk}/actions/"
    response = client.post(
        url,
        {
            "action-principle": principle.pk,
            "action-description": "Agree a data-sharing protocol",
            "action-owner": "Chief Inspector",
            "action-due_date": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "action-status": "in_progress",
            "save_action": "1",
        },
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Agree a data-sharing protocol" in page and "Overdue" in page
    # An element of another principle is refused, and what was typed is kept.
    other_element = Principle.objects.get(instrument=round_.instrument, number=1).elements.first()
    response = client.post(
        url,
        {
            "action-principle": principle.pk,
            "action-element": other_element.pk,
            "action-description": "Kept text",
            "action-owner": "X",
            "action-due_date": "2030-01-01",
            "action-status": "not_started",
            "save_action": "1",
        },
    )
    assert response.status_code == 200 and "Kept text" in response.content.decode()
    assert ActionItem.objects.count() == 1
    when = timezone.localdate() + timedelta(days=365)
    client.post(url, {"next-next_health_check": when.isoformat(), "save_date": "1"})
    round_.partnership.refresh_from_db()
    assert round_.partnership.review_due_date == when
    manager = UserFactory(roles=["Manager"])
    client.force_login(manager)
    assert client.get(url).status_code == 200
    assert client.post(url, {"save_date": "1"}).status_code == 403


@pytest.mark.parametrize("path", ["results/", "results.json", "responses.csv"])
def test_query_count_does_not_grow_with_responses(client, path):
    counts = []
    for n in (5, 200):
        round_ = make_round()
        add_responses(round_, [[(i + j) % 4 + 1 for j in range(36)] for i in range(n)])
        client.force_login(round_.facilitator)
        client.get(f"/rounds/{round_.pk}/{path}")  # warm the instrument and chart caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/rounds/{round_.pk}/{path}").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.integers(1, 4), min_size=36, max_size=36), min_size=3, max_size=8))
def test_json_totals_equal_the_sums_of_csv_answers(client, answer_sets):
    round_ = make_round()
    add_responses(round_, answer_sets)
    client.force_login(round_.facilitator)
    data = client.get(f"/rounds/{round_.pk}/results.json").json()
    rows = list(
        csv.DictReader(io.StringIO(client.get(f"/rounds/{round_.pk}/responses.csv").content.decode("utf-8-sig")))
    )
    csv_totals = {row["label"]: sum(int(v) for k, v in row.items() if len(k) == 3 and k[0] == "P") for row in rows}
    assert {r["label"]: r["total"] for r in data["respondents"]} == csv_totals
    for r in data["respondents"]:
        assert all(6 <= s <= 24 for s in r["principles"]) and r["total"] == sum(r["principles"])
    assert json.loads(json.dumps(data)) == data


def test_partnership_page_shows_rounds_over_time_with_trend(client):
    facilitator = UserFactory(roles=["Facilitator"])
    earlier = make_round(facilitator, closes_on=date(2024, 3, 31), title="Health check 2024")
    add_responses(earlier, [uniform(2)] * 3)
    later = make_round(
        facilitator, partnership=earlier.partnership, closes_on=date(2025, 3, 31), title="Health check 2025"
    )
    add_responses(later, [uniform(4)] * 3)
    client.force_login(UserFactory(roles=["Manager"]))
    page = client.get(f"/partnerships/{earlier.partnership.pk}/").content.decode()
    assert "Health check 2024" in page and "Health check 2025" in page
    assert "144.0" in page and "72.0" in page
    assert "Principle means over 2 rounds" in page  # the trend chart's text alternative
    assert "The latest round&#x27;s dartboard (Health check 2025), mean scores" in page
    assert "Dartboard of six principles, each scored 6 to 24" in page
    assert f"/rounds/{later.pk}/results/" in page


def test_anonymous_round_shows_results_only_once_closed(client):
    round_ = make_round(anonymous=True, state="open")
    add_responses(round_, [uniform(3)] * 4)
    client.force_login(round_.facilitator)
    page = client.get(f"/rounds/{round_.pk}/results/").content.decode()
    assert "shown once the round is closed" in page and "Scenario" not in page
    assert client.get(f"/rounds/{round_.pk}/results.json").json()["respondents"] == []
    assert client.get(f"/rounds/{round_.pk}/dartboard.svg").status_code == 404
    named = make_round(anonymous=False, state="open")
    add_responses(named, [uniform(3)] * 3)
    client.force_login(named.facilitator)
    assert "Scenario" in client.get(f"/rounds/{named.pk}/results/").content.decode()


def test_open_rounds_are_not_summarised_outside_the_results_page(client):
    round_ = make_round(anonymous=False, state="open")
    add_responses(round_, [uniform(3)] * 3)
    assert latest_totals([round_.partnership_id]) == {}
    assert partnership_rounds(round_.partnership) == [(round_, None)]


def test_the_registers_totals_are_those_of_the_summaries():
    """The register reads only the totals (issue 15 point 8): the same means and bands as the whole summaries,
    for every viewer, and nothing for rounds whose results are not shown."""
    facilitator = UserFactory(roles=["Facilitator"])
    mine, theirs, still_open, too_few = make_round(facilitator), make_round(), make_round(state="open"), make_round()
    add_responses(mine, [uniform(1), uniform(2), uniform(4)])
    add_responses(theirs, [uniform(3), uniform(4), uniform(4), uniform(2), uniform(1), uniform(1), uniform(4)])
    add_responses(still_open, [uniform(3)] * 3)
    add_responses(too_few, [uniform(3)] * 2)
    ids = [r.partnership_id for r in (mine, theirs, still_open, too_few)]
    for viewer in (None, facilitator, UserFactory(roles=["Manager"])):
        summaries = selectors.latest_summaries(ids, viewer)
        assert latest_totals(ids, viewer) == {pid: (s.total.mean, s.total.band.label) for pid, s in summaries.items()}
    assert set(latest_totals(ids)) == {mine.partnership_id, theirs.partnership_id}
    assert set(latest_totals(ids, facilitator)) == {mine.partnership_id}


def test_organisation_and_level_pairs_of_one_person_are_not_shown_together(client):
    round_ = make_round(anonymous=True)
    orgs = ["Council"] * 3 + ["NHS trust"] * 3
    levels = ["board", "management", "management", "management", "management", "management"]
    add_responses(round_, [uniform(3)] * 6, organisations=orgs, levels=levels)
    client.force_login(round_.facilitator)
    data = client.get(f"/rounds/{round_.pk}/results.json").json()
    # In an anonymous round no respondent row carries a group at all, so no pair can single anyone out.
    assert [(r["organisation"], r["level"]) for r in data["respondents"]] == [(None, None)] * 6


def test_admin_cannot_join_people_to_their_answers(client):
    from django.contrib.auth import get_user_model

    round_ = make_round(anonymous=True)
    responses = add_responses(round_, [uniform(3)] * 3)
    assert {r.invitation_id for r in responses} == {None}  # nothing to join on at all
    round_ = make_round(anonymous=False)
    responses = add_responses(round_, [uniform(3)] * 3)
    admin_user = get_user_model().objects.create_superuser("root", "root@example.org", "a-long-password-1")
    client.force_login(admin_user)
    invitation_id = responses[0].invitation_id
    assert client.get(f"/admin/assessments/response/?invitation={invitation_id}").status_code in (302, 400)
    assert client.get(f"/admin/assessments/invitation/?response={responses[0].pk}").status_code in (302, 400)
    assert client.get("/admin/assessments/response/").status_code == 200


def test_double_submitted_action_is_added_once(client):
    round_ = make_round()
    principle = Principle.objects.get(instrument=round_.instrument, number=2)
    client.force_login(round_.facilitator)
    data = {
        "action-principle": principle.pk,
        "action-description": "Write a shared vision",
        "action-owner": "Board chair",
        "action-due_date": "2030-06-30",
        "action-status": "not_started",
        "save_action": "1",
    }
    client.post(f"/rounds/{round_.pk}/actions/", data)
    response = client.post(f"/rounds/{round_.pk}/actions/", data, follow=True)
    assert ActionItem.objects.filter(round=round_).count() == 1
    assert "has not been added twice" in response.content.decode()


def test_closed_round_results_are_computed_once_and_refreshed_by_a_change(client, monkeypatch):
    round_ = make_round(state="closed")
    add_responses(round_, [uniform(3)] * 3)
    client.force_login(round_.facilitator)
    calls = []
    real = selectors.compute_round_results
    monkeypatch.setattr(selectors, "compute_round_results", lambda *a, **k: calls.append(1) or real(*a, **k))
    first = client.get(f"/rounds/{round_.pk}/results/").content.decode()
    second = client.get(f"/rounds/{round_.pk}/results/").content.decode()
    assert len(calls) == 1 and "108.0" in first and "108.0" in second
    add_responses(round_, [uniform(1)])  # a late change to the round's responses
    third = client.get(f"/rounds/{round_.pk}/results/").content.decode()
    assert len(calls) == 2 and "90.0" in third  # (108 * 3 + 36) / 4


def test_closed_round_csv_is_cached_until_its_responses_change(client):
    round_ = make_round(state="closed")
    add_responses(round_, [uniform(3)] * 3)
    client.force_login(round_.facilitator)
    first = client.get(f"/rounds/{round_.pk}/responses.csv").content.decode("utf-8-sig")
    assert first == client.get(f"/rounds/{round_.pk}/responses.csv").content.decode("utf-8-sig")
    add_responses(round_, [uniform(2)])
    rows = client.get(f"/rounds/{round_.pk}/responses.csv").content.decode("utf-8-sig").strip().splitlines()
    assert len(rows) == 5  # the header and four responses
