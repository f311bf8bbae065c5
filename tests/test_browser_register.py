"""Browser test of the register: a register administrator records a partnership with two partners (one of them
new, created on the same form) and submits its gateway; a manager approves it by keyboard; it is active."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from conftest import assert_accessible, sign_in
from partnerships.gateway import QUESTIONS
from partnerships.models import Organisation, Partnership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "Demo Night-Time Economy Partnership"


def fill_date(page, legend: str, day: str, month: str, year: str) -> None:
    """Type a date into the GOV.UK date input whose legend is ``legend``."""
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def test_record_gateway_approve_and_see_it_active(demo_council, page, live_server):

    # The register administrator records the partnership.
    sign_in(page, live_server, "officer", "register-demo-2026", next_path="/partnerships/")
    assert_accessible(page, screenshot="01-register")
    page.get_by_role("link", name="Record a new partnership").click()
    assert_accessible(page, screenshot="02-new-partnership-empty")

    page.get_by_label("Name").first.fill(NAME)
    page.get_by_label("Reference", exact=True).fill("ddc-p-100")
    page.get_by_label("Purpose").fill("Keep the town centre safe and welcoming at night.")
    page.get_by_label("Service area").fill("Community safety")
    page.get_by_label("Lead officer").fill("Mark Ellis")
    page.get_by_label("Type of working").select_option(label="Joint project planning")
    page.get_by_label("Structure model").select_option(label="Public sector consortium")
    page.get_by_label("Statutory status").select_option(label="Non-statutory")
    page.get_by_label("Life-cycle stage").select_option(label="Forming")
    page.locator("#id_partners-0-organisation").select_option(label="Demoshire Police (Public)")
    page.locator("#id_partners-0-role").fill("Licensing and patrols")

    # The second partner is new: typed and chosen with the keyboard only, then the form is sent with Enter.
    page.locator("#id_partners-1-new_organisation_name").focus()
    page.keyboard.type("Demo Street Pastors")
    page.keyboard.press("Tab")
    expect(page.locator("#id_partners-1-new_organisation_sector")).to_be_focused()
    page.keyboard.type("Voluntary")
    expect(page.locator("#id_partners-1-new_organisation_sector")).to_have_value("voluntary")
    page.keyboard.press("Tab")
    expect(page.locator("#id_partners-1-role")).to_be_focused()
    page.keyboard.type("Volunteers on the street")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/partnerships/\d+/$"))
    assert_accessible(page, screenshot="03-partnership-recorded")
    expect(page.get_by_role("heading", name=NAME)).to_be_visible()
    partners = page.get_by_role("table", name=re.compile("partner organisations"))
    expect(partners).to_contain_text("Demoshire Police")
    expect(partners).to_contain_text("Demo Street Pastors")
    assert Organisation.objects.get(name="Demo Street Pastors").sector == "voluntary"
    partnership = Partnership.objects.get(reference="DDC-P-100")
    assert partnership.status == "proposed"

    # The initial risk assessment goes in its risk register: the gateway cannot be submitted without it.
    page.get_by_role("link", name="Record a risk").click()
    page.wait_for_load_state("load")
    assert_accessible(page, screenshot="03-risk-form")
    page.get_by_label("Title").fill("Night-time economy partners drop out")
    page.get_by_label("Category").select_option(label="Partner relationship")
    page.get_by_label("4 likely").check()
    page.get_by_label("4 major").check()
    fill_date(page, "Next review", "30", "6", "2027")
    page.get_by_role("button", name="Record the risk").click()
    page.wait_for_url(re.compile(r"/partnerships/\d+/risks/$"))
    assert_accessible(page, screenshot="03-risk-register")
    expect(page.get_by_role("table", name=re.compile("Open risks by likelihood"))).to_contain_text("1")
    expect(page.get_by_role("link", name="Night-time economy partners drop out")).to_be_visible()
    partnership.refresh_from_db()
    assert partnership.risk == "high"
    page.get_by_role("link", name=f"Back to {NAME}").click()
    page.wait_for_load_state("load")

    # Its gateway: every question answered with evidence, then submitted.
    page.get_by_role("link", name="Gateway", exact=True).click()
    assert_accessible(page, screenshot="04-gateway-empty")
    page.get_by_role("button", name="Submit for approval").click()
    page.wait_for_load_state("load")
    assert_accessible(page, screenshot="05-gateway-errors")
    expect(page.locator("#error-summary")).to_contain_text("Answer Yes, Partly or No.")
    for question in QUESTIONS:
        answer = "partly" if question.code == "negotiables" else "yes"
        page.locator(f"#id_{question.code}-answer_{['yes', 'partly', 'no'].index(answer)}").check()
        page.locator(f"#id_{question.code}-evidence").fill(f"Evidence for {question.code}: partnership file")
    page.get_by_role("button", name="Submit for approval").click()
    page.wait_for_load_state("load")
    assert_accessible(page, screenshot="06-gateway-submitted")
    expect(page.get_by_text("Submitted for approval").first).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("load")
    assert_accessible(page)

    # The manager finds it among the gateways waiting and approves it with the keyboard.
    sign_in(page, live_server, "manager", "manage-demo-2026", next_path="/partnerships/reviews/")
    assert_accessible(page, screenshot="07-reviews-due")
    page.get_by_role("link", name=NAME).click()
    assert_accessible(page, screenshot="08-gateway-for-decision")
    page.get_by_label("Approve: the partnership becomes active").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Reason for returning it")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Record the decision")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/partnerships/{partnership.pk}/$"))
    assert_accessible(page, screenshot="09-approved")
    expect(page.get_by_text("is now active")).to_be_visible()
    expect(page.get_by_role("heading", name="History")).to_be_visible()

    # In the register it is active.
    page.goto(f"{live_server.url}/partnerships/?q=night-time")
    assert_accessible(page, screenshot="10-register-active")
    row = page.get_by_role("row", name=re.compile(NAME))
    expect(row).to_contain_text("Active")
    expect(row).to_contain_text("Mark Ellis")
    partnership.refresh_from_db()
    assert partnership.status == "active" and partnership.review_due_date is not None


def test_edit_outside_body_and_statutory_exit(demo_council, page, live_server):
    sign_in(page, live_server, "officer", "register-demo-2026", next_path="/partnerships/?q=DDC-P-004")
    assert_accessible(page)

    # An outside body: its edit form (status offers exiting, never closed) and its checks.
    page.get_by_role("link", name="Town Centre Business Improvement District").click()
    assert_accessible(page, screenshot="01-outside-body-partnership")
    page.get_by_role("link", name=re.compile("^Edit")).click()
    assert_accessible(page, screenshot="02-edit")
    expect(page.locator("#id_status")).to_contain_text("Exiting")
    expect(page.locator("#id_status option[value=closed]")).to_have_count(0)
    page.get_by_role("link", name="Cancel").click()
    assert_accessible(page)
    page.get_by_role("link", name="Outside body checks").first.click()
    assert_accessible(page, screenshot="03-outside-body-checks")
    page.locator("#id_conflicts_balanced_1").check()
    page.get_by_role("button", name="Save the checks").click()
    page.wait_for_load_state("load")
    assert_accessible(page)
    expect(page.get_by_text("1 check not yet met.")).to_be_visible()

    # A statutory partnership cannot be closed until legal and financial advice is confirmed.
    statutory = Partnership.objects.get(reference="DDC-P-001")
    page.goto(f"{live_server.url}/partnerships/{statutory.pk}/exit/")
    assert_accessible(page, screenshot="04-exit-empty")
    # The risk analysis of withdrawal is a set of risks of category Exit in the risk register.
    page.get_by_role("link", name="Record a risk of withdrawal").click()
    page.wait_for_load_state("load")
    assert_accessible(page, screenshot="04-exit-risk")
    expect(page.get_by_label("Category")).to_have_value("exit")
    page.get_by_label("Title").fill("Duties fall between the district and the county")
    page.get_by_label("3 possible").check()
    page.get_by_label("4 major").check()
    fill_date(page, "Next review", "31", "1", "2027")
    page.get_by_role("button", name="Record the risk").click()
    page.wait_for_url(re.compile(rf"/partnerships/{statutory.pk}/exit/$"))
    expect(page.get_by_role("link", name="Duties fall between the district and the county")).to_be_visible()
    fill_date(page, "Date the council's involvement ends", "31", "3", "2027")
    page.get_by_label("Reason for leaving or closing").fill("Replaced by the county community safety board.")
    page.get_by_label("Yes").check()
    page.get_by_label("What the partnership achieved").fill("Anti-social behaviour down by a third.")
    page.get_by_label("Lessons learned").fill("Keep the data-sharing agreement up to date.")
    page.get_by_label("Notes on the risk analysis of withdrawal").fill("The county board takes on the duties.")
    page.get_by_label("Handover and continuity").fill("Action plan and data pass to the county board.")
    page.get_by_role("button", name="Complete the exit record").click()
    page.wait_for_load_state("load")
    assert_accessible(page, screenshot="05-exit-needs-advice")
    expect(page.locator("#error-summary")).to_contain_text("cannot be left without legal advice")
    expect(page.get_by_label("Lessons learned")).to_have_value("Keep the data-sharing agreement up to date.")
    statutory.refresh_from_db()
    assert statutory.status == "active"

    page.get_by_label("Legal advice was taken before the decision").check()
    page.get_by_label("Financial or contracting advice was taken before the decision").check()
    page.get_by_label("Advice taken").fill("Legal Services and the Section 151 officer, 3 March 2027.")
    page.get_by_role("button", name="Complete the exit record").click()
    # Completing asks first (issue 16): it stays exiting until the exit date, with what is still open listed.
    page.wait_for_load_state("load")
    assert_accessible(page, screenshot="06-exit-confirm")
    expect(page.get_by_text("stays exiting until 31 March 2027")).to_be_visible()
    statutory.refresh_from_db()
    assert statutory.status == "active"
    page.get_by_role("button", name="Yes, complete the exit").click()
    page.wait_for_url(re.compile(rf"/partnerships/{statutory.pk}/$"))
    assert_accessible(page, screenshot="06-exiting")
    statutory.refresh_from_db()
    assert statutory.status == "exiting" and statutory.exit_record.is_complete
