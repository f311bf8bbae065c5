"""Browser test: a manager and a facilitator use /reports/ in real Chromium (checked with axe-core)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from assessments.models import ActionItem, Principle
from assessments.tests.factories import UserFactory, add_responses, answers, make_round, partnership
from conftest import assert_accessible, sign_in
from partnerships.models import Partnership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-password-1"  # the results_data builders' password


@pytest.fixture
def register():
    """Six partnerships with health checks over two years, one overdue review and one overdue action."""
    facilitator = UserFactory(roles=["Facilitator"], username="fran")
    scores = {
        "Safer Streets Partnership": (20, 11, 18, 17, 19, 12),
        "Healthy Towns Board": (21, 20, 19, 22, 20, 21),
        "Youth Offer Forum": (14, 13, 10, 15, 9, 12),
        "Climate Action Network": (17, 18, 16, 15, 17, 14),
        "Town Centre Partnership": (12, 14, 13, 16, 15, 13),
        "Digital Inclusion Group": (19, 16, 15, 18, 12, 17),
    }
    for index, (name, principle_scores) in enumerate(scores.items()):
        due = timezone.localdate() - timedelta(days=20) if index == 2 else timezone.localdate() + timedelta(days=200)
        p = partnership(name=name, review_due_date=due)
        round_ = make_round(facilitator if index < 2 else None, partnership=p, closes_on=date(2025, 5, 1))
        add_responses(round_, [answers(*principle_scores)] * 3 + [answers(*[s + 1 for s in principle_scores])] * 2)
        if index == 0:
            ActionItem.objects.create(
                round=round_,
                principle=Principle.objects.get(instrument=round_.instrument, number=2),
                description="Agree a shared statement of purpose",
                owner="Board chair",
                due_date=timezone.localdate() - timedelta(days=5),
            )
    return facilitator


def test_manager_reads_the_portfolio_at_a_glance_and_sorts_it(page, live_server, register):
    UserFactory(roles=["Manager"], username="helen")
    sign_in(page, live_server, "helen", PASSWORD, next_path="/reports/")
    page.wait_for_url(re.compile(r"/reports/$"))
    assert_accessible(page, screenshot="01-reports-manager")
    assert page.get_by_role("heading", name="The register's health").is_visible()
    table = page.get_by_role("table", name=re.compile("with a health check, sorted by"))
    assert table.get_by_role("row").count() == 7  # a heading row and six partnerships
    assert page.get_by_role("button", name="Prepare the portfolio report 2025").is_visible()
    assert page.get_by_text("Agree a shared statement of purpose").is_visible()

    page.get_by_role("link", name=re.compile(r"^P5")).click()
    page.wait_for_url(re.compile(r"sort=p5"))
    assert_accessible(page, screenshot="02-sorted-by-p5")
    first_row = table.get_by_role("row").nth(1)
    assert "Youth Offer Forum" in first_row.inner_text()  # the weakest P5 (9.4) first
    assert "▼" in first_row.inner_text()

    page.get_by_role("link", name=re.compile(r"^P5")).click()
    page.wait_for_url(re.compile(r"sort=-p5"))
    assert_accessible(page, screenshot="03-sorted-by-p5-reversed")
    assert "Healthy Towns Board" in table.get_by_role("row").nth(1).inner_text()

    # The portfolio is prepared by a task worker (at once in tests), then downloaded from its page.
    page.get_by_role("button", name="Prepare the portfolio report 2025").click()
    page.wait_for_url(re.compile(r"/reports/prepared/\d+/$"))
    assert page.get_by_role("heading", name="Your portfolio report 2025 is ready").is_visible()
    assert_accessible(page, screenshot="04-portfolio-ready")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the portfolio report 2025 (PDF)").click()
    assert download.value.suggested_filename == f"portfolio-report-2025-{timezone.localdate().isoformat()}.pdf"
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"  # waits for the whole file


def test_facilitator_sees_only_their_partnerships(page, live_server, register):
    sign_in(page, live_server, "fran", PASSWORD, next_path="/reports/")
    page.wait_for_url(re.compile(r"/reports/$"))
    assert_accessible(page, screenshot="01-reports-facilitator")
    assert page.get_by_role("link", name="Safer Streets Partnership", exact=True).count() >= 1
    assert page.get_by_text("Youth Offer Forum").count() == 0
    assert page.get_by_text("Portfolio report").count() == 0


def test_manager_prepares_the_audit_committees_review_with_one_click(page, live_server, register):
    # Statutory partnerships are significant under the council's rules: two of the six.
    Partnership.objects.filter(name__in=["Youth Offer Forum", "Healthy Towns Board"]).update(
        statutory_status="statutory"
    )
    UserFactory(roles=["Manager"], username="helen")
    year = timezone.localdate().year
    sign_in(page, live_server, "helen", PASSWORD, next_path="/reports/")
    page.wait_for_url(re.compile(r"/reports/$"))
    assert_accessible(page)
    # The task runs in the request here (ImmediateBackend); a worker runs it on a real site.
    page.get_by_role("button", name=f"Prepare the review of {year}").click()
    page.wait_for_url(re.compile(rf"/reports/audit/{year}/$"))
    assert_accessible(page, screenshot="04-audit-review-draft")
    assert page.get_by_label(re.compile("Youth Offer Forum")).is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download the draft")).click()
    assert download.value.suggested_filename.startswith(f"audit-committee-review-{year}-draft")
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"

    page.goto(f"{live_server.url}/reports/standards/")
    assert_accessible(page, screenshot="05-standards-for-excellence")
    assert page.get_by_role("table", name=re.compile("The six standards")).is_visible()


def test_a_large_registers_workbook_is_prepared_then_downloaded(page, live_server, register, settings):
    settings.PHC_REGISTER_WORKBOOK_IN_REQUEST_MAX = 1  # six partnerships: a "large" register here
    UserFactory(roles=["Manager"], username="helen")
    sign_in(page, live_server, "helen", PASSWORD, next_path="/partnerships/")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Download as an Excel workbook")).click()
    assert page.get_by_role("heading", name="Prepare the register workbook").is_visible()
    assert_accessible(page, screenshot="06-register-workbook-prepare")
    page.get_by_role("button", name="Prepare the workbook").click()
    page.wait_for_url(re.compile(r"/reports/prepared/\d+/$"))
    assert page.get_by_role("heading", name="Your register workbook is ready").is_visible()
    assert_accessible(page, screenshot="07-register-workbook-ready")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the register workbook (Excel workbook)").click()
    assert download.value.suggested_filename == f"partnership-register-{timezone.localdate().isoformat()}.xlsx"
    assert open(download.value.path(), "rb").read(2) == b"PK"  # an .xlsx is a zip
