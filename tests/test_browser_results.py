"""Browser test: a facilitator walks the results page and the workshop screens (by keyboard), then the plan."""

from __future__ import annotations

import pytest

from assessments.tests.factories import UserFactory, add_responses, make_round
from conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_results_and_workshop(page, live_server):
    facilitator = UserFactory(roles=["Facilitator"], username="fac")
    earlier = make_round(facilitator, title="Health check 2025", anonymous=True)
    earlier.closes_on = earlier.closes_on.replace(year=earlier.closes_on.year - 1)
    earlier.opens_on = earlier.opens_on.replace(year=earlier.opens_on.year - 1)
    earlier.save()
    add_responses(earlier, [[2] * 36, [3] * 36, [2, 3] * 18, [3, 2] * 18])
    round_ = make_round(facilitator, partnership=earlier.partnership, title="Health check 2026", anonymous=True)
    orgs = ["Council"] * 4 + ["NHS trust"] * 4 + ["Police"] * 2
    answer_sets = [[4, 3, 3, 4, 3, 4] * 6] * 4 + [[3, 2, 3, 3, 2, 3] * 6] * 4 + [[1, 2, 1, 2, 1, 1] * 6] * 2
    add_responses(round_, answer_sets, organisations=orgs, comment="Roles need to be clearer")

    sign_in(page, live_server, "fac", "a-long-password-1", next_path=f"/rounds/{round_.pk}/results/")
    assert_accessible(page, screenshot="01-results")
    assert page.get_by_role("heading", name="Results: Health check 2026").is_visible()
    assert page.get_by_text("Scenario ").first.is_visible()
    assert page.get_by_role("heading", name="Since the previous round").is_visible()

    page.goto(f"{live_server.url}/rounds/{round_.pk}/workshop/")
    assert_accessible(page, screenshot="02-workshop-overview")
    for screen in range(1, 8):
        page.keyboard.press("ArrowRight")
        page.wait_for_url(f"**/workshop/?screen={screen}")
        assert_accessible(page, screenshot=f"03-workshop-{screen}")
    assert page.get_by_role("heading", name="Priorities and scenario").is_visible()
    page.keyboard.press("ArrowLeft")
    page.wait_for_url("**/workshop/?screen=6")
    assert_accessible(page)
    assert page.get_by_role("heading", name="Principle 6: Monitor, measure and learn").is_visible()

    page.goto(f"{live_server.url}/rounds/{round_.pk}/actions/")
    assert_accessible(page, screenshot="04-actions")
    page.get_by_label("Principle").select_option(label="4. Develop and maintain trust")
    page.get_by_label("Description").fill("Agree a data-sharing protocol")
    page.get_by_label("Owner").fill("Chief Inspector")
    due = page.get_by_role("group", name="Due date")
    due.get_by_label("Day").fill("31")
    due.get_by_label("Month").fill("3")
    due.get_by_label("Year").fill("2027")
    page.get_by_role("button", name="Add the action").click()
    page.wait_for_load_state("load")
    assert_accessible(page, screenshot="05-action-added")
    assert page.get_by_role("cell", name="Agree a data-sharing protocol").is_visible()
