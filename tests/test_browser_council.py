"""Browser test of the council's view (issue 19): a manager filters the register by significance and compliance,
reads a partnership's governance checks, overrides its significance with a reason, and reads the priority map
on /reports/, each page checked with axe-core and at 320 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from conftest import assert_accessible, sign_in
from partnerships.models import Partnership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits_320(page) -> None:
    page.set_viewport_size({"width": 320, "height": 720})
    wide = page.evaluate("() => document.documentElement.scrollWidth > document.documentElement.clientWidth")
    assert not wide, f"{page.url} scrolls sideways at 320 px"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_manager_reads_significance_compliance_and_the_priority_map(demo_council, page, live_server):
    sign_in(page, live_server, "manager", "manage-demo-2026", next_path="/partnerships/")
    assert_accessible(page, screenshot="00-register")

    page.get_by_label("Significance").select_option(label="Not significant")
    page.get_by_label("Governance compliance").select_option(label="Compliant")
    page.get_by_role("button", name="Show matching partnerships").click()
    page.wait_for_load_state("load")
    assert_accessible(page, screenshot="01-register-not-significant-compliant")
    rows = page.locator("tbody tr")
    assert rows.count() >= 1
    expect(rows.first).to_contain_text("Not significant")
    expect(rows.first).to_contain_text("Compliant")
    _fits_320(page)

    p = Partnership.objects.get(reference="DDC-P-003")
    page.goto(f"{live_server.url}/partnerships/{p.pk}/")
    section = page.get_by_role("region", name="Significance and governance")
    expect(section).to_contain_text("Minor gaps")
    expect(section).to_contain_text("Who should act:")
    assert_accessible(page, screenshot="02-partnership-governance")
    _fits_320(page)

    section.get_by_role("link", name=re.compile("^Why, or override")).click()
    page.wait_for_url(re.compile(r"/significance/$"))
    assert_accessible(page, screenshot="03-significance")
    page.get_by_label("Not significant, whatever the rules say").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Give the reason for overriding the rules.")
    assert_accessible(page, screenshot="04-significance-error")
    page.get_by_label("Reason for the override").fill("Leadership Team agreed to step back to observer status.")
    page.get_by_role("button", name="Save the decision").click()
    page.wait_for_url(re.compile(rf"/partnerships/{p.pk}/$"))
    expect(page.get_by_role("region", name="Significance and governance")).to_contain_text(
        "Leadership Team agreed to step back"
    )
    page.goto(f"{live_server.url}/partnerships/{p.pk}/significance/")
    expect(page.get_by_role("table")).to_contain_text("Helen Marsh")
    _fits_320(page)

    page.goto(f"{live_server.url}/reports/")
    priorities = page.get_by_role("region", name=re.compile("^Priorities"))
    expect(priorities).to_contain_text("Candidates for review or withdrawal")
    expect(priorities.locator("figure svg")).to_have_count(1)
    expect(priorities.locator("figure .govuk-visually-hidden")).to_contain_text("Priority map of")
    assert_accessible(page, screenshot="05-reports-priority-map")
    _fits_320(page)

    page.goto(f"{live_server.url}/help/")
    expect(page.locator("#significance")).to_be_visible()
    assert_accessible(page, screenshot="06-help")
