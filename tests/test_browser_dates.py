"""Browser test of the GOV.UK date input (issue 17): a mistyped date on a staff form is reported by the focused
error summary, whose link lands on the box that is wrong, and the form with its errors fits a 320 px screen."""

from __future__ import annotations

import pytest

from assessments.tests.factories import UserFactory
from conftest import assert_accessible, sign_in
from partnerships.tests.factories import PartnershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")


def test_a_wrong_date_is_linked_from_the_focused_summary_to_its_box_at_320_px(page, live_server):
    UserFactory(roles=["Facilitator"], username="fac")
    PartnershipFactory(active=True, name="Safer Streets")
    page.set_viewport_size({"width": 320, "height": 720})
    sign_in(page, live_server, "fac", "a-long-password-1", next_path="/rounds/new/")
    opens = page.get_by_role("group", name="Opens on")
    assert opens.get_by_label("Day").is_visible() and opens.get_by_label("Year").is_visible()
    assert not _scrolls_sideways(page)
    opens.get_by_label("Month").fill("13")
    closes = page.get_by_role("group", name="Closes on")
    closes.get_by_label("Year").fill("20277")
    page.get_by_role("button", name="Create the round").click()
    page.wait_for_load_state("load")

    assert page.title().startswith("Error: ")
    page.wait_for_function("document.activeElement && document.activeElement.closest('.govuk-error-summary')")
    links = page.locator(".govuk-error-summary__list a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert "#id_opens_on_month" in hrefs and "#id_closes_on_year" in hrefs
    assert page.get_by_text("Opens on must be a real date").first.is_visible()
    assert page.get_by_text("Closes on: the year must include 4 numbers").first.is_visible()
    # Only the wrong box is marked, and what was typed is still there.
    assert "govuk-input--error" in (opens.get_by_label("Month").get_attribute("class") or "")
    assert "govuk-input--error" not in (opens.get_by_label("Day").get_attribute("class") or "")
    assert opens.get_by_label("Month").input_value() == "13"
    assert closes.get_by_label("Year").input_value() == "20277"
    assert not _scrolls_sideways(page)
    assert_accessible(page, screenshot="dates-error-320")

    page.locator('.govuk-error-summary__list a[href="#id_opens_on_month"]').click()
    assert page.evaluate("document.activeElement.id") == "id_opens_on_month"
