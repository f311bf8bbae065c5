"""The audit committee's annual review: the trend and counts (pure), the one-click draft made by a task, the
commentary, the protected issue and the issued PDF kept byte for byte after the register changed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.tests.factories import add_responses, answers, make_round, partnership
from partnerships.models import Partnership
from partnerships.tests.factories import RiskFactory
from reports import audit, selectors, services
from reports.models import AuditCommentary, AuditReport
from reports.priorities import LOW_VALUE_POOR_HEALTH
from reports.tests.factories import html_instead_of_pdf, pdf_text, words


def test_the_trend_compares_whole_numbers_as_the_bands_do() -> None:
    assert audit.trend(None, 100.0) == audit.NONE
    assert audit.trend(100.0, None) == audit.FIRST
    assert audit.trend(100.4, 99.5) == audit.STEADY  # 100 and 100
    assert audit.trend(100.5, 100.4) == audit.IMPROVING  # 101 and 100
    assert audit.trend(99.4, 99.5) == audit.DECLINING  # 99 and 100


def audit_row(**kwargs: object) -> audit.AuditRow:
    fields: dict[str, object] = {
        "partnership_id": 1,
        "name": "P",
        "reference": "P-1",
        "purpose": "",
        "significance_reasons": (),
        "resources": (),
        "total": None,
        "band": "",
        "scenario": None,
        "previous_total": None,
        "risks": (),
        "compliance": None,
        "gaps": (),
        "quadrant": None,
    }
    fields.update(kwargs)
    return audit.AuditRow(**fields)  # type: ignore[arg-type]


def test_the_summary_counts_every_status_scenario_and_trend_and_lists_the_candidates() -> None:
    rows = [
        audit_row(compliance="compliant", scenario="A", total=120.0, previous_total=110.0),
        audit_row(compliance="significant_gaps", scenario="C", total=60.0, quadrant=LOW_VALUE_POOR_HEALTH),
        audit_row(),
    ]
    summary = audit.audit_summary(rows, ["A", "B", "C"])
    assert summary.by_compliance == (
        ("Compliant", 1),
        ("Minor gaps", 0),
        ("Significant gaps", 1),
        ("Not assessed", 1),
    )
    assert summary.by_scenario == (("Scenario A", 1), ("Scenario B", 0), ("Scenario C", 1), ("No health check yet", 1))
    assert dict(summary.by_trend) == {
        "Improving": 1,
        "No change": 0,
        "Declining": 0,
        "First health check": 1,
        "No health check": 1,
    }
    assert [r.total for r in summary.review_candidates] == [60.0]
    assert rows[0].change == 10.0 and rows[1].change is None


# --- With the database ---------------------------------------------------------------------------------------


def significant_partnership(name: str, total_now: int, total_before: int | None, year: int) -> Partnership:
    p = partnership(name=name, statutory_status="statutory")
    if total_before is not None:
        old = make_round(partnership=p, closes_on=date(year - 1, 6, 1))
        add_responses(old, [answers(*[total_before // 6] * 6)] * 3)
    now = make_round(partnership=p, closes_on=date(year, 6, 1))
    add_responses(now, [answers(*[total_now // 6] * 6)] * 3)
    RiskFactory(partnership=p, title=f"{name} funding ends", likelihood=4, impact=5)
    return p


@pytest.mark.django_db
def test_the_review_reads_a_flat_number_of_queries() -> None:
    year = timezone.localdate().year
    significant_partnership("Alpha", 120, 96, year)
    partnership(name="Not significant")
    selectors.audit_review(year)  # warm the instruments' read models
    with CaptureQueriesContext(connection) as few:
        review = selectors.audit_review(year)
    assert [r.name for r in review.rows] == ["Alpha"]
    for n in range(4):
        significant_partnership(f"Beta {n}", 72, 84, year)
    with CaptureQueriesContext(connection) as many:
        review = selectors.audit_review(year)
    assert len(review.rows) == 5
    assert len(many) == len(few)


@pytest.mark.django_db
def test_the_review_holds_each_section(manager) -> None:
    year = timezone.localdate().year
    p = significant_partnership("Alpha", 120, 96, year)
    review = selectors.audit_review(year, {p.pk: "Doing well; keep it."})
    (row,) = review.rows
    assert (row.total, row.previous_total, row.trend) == (120.0, 96.0, audit.IMPROVING)
    assert row.scenario == "A" and row.band
    assert row.risks[0].title == "Alpha funding ends" and row.risks[0].score == 20
    assert row.compliance in ("compliant", "minor_gaps", "significant_gaps")
    assert row.commentary == "Doing well; keep it."
    assert "statutory" in " ".join(row.significance_reasons).lower()


@pytest.mark.django_db
def test_one_click_makes_the_draft_and_it_downloads(manager, facilitator, as_user) -> None:
    year = timezone.localdate().year
    p = significant_partnership("Alpha", 120, 96, year)
    client = as_user(manager)
    index = client.get(reverse("reports:index")).content.decode()
    assert f"Prepare the review of {year}" in index
    response = client.post(reverse("reports:audit_prepare"), {"year": year})
    assert response.status_code == 302 and response["Location"] == reverse("reports:audit_report", args=[year])
    report = AuditReport.objects.get(year=year)
    assert report.pdf is not None and not report.pdf_pending  # the task ran (ImmediateBackend in the tests)
    body = client.get(reverse("reports:audit_pdf", args=[year]))
    assert body["Content-Type"] == "application/pdf" and body.content.startswith(b"%PDF")
    reader, text = pdf_text(body.content)
    assert "Alpha" in text and "Remedial actions required" in text and "Summary" in text
    assert "standards for excellence" in text.lower()
    # A facilitator has no part in it.
    assert as_user(facilitator).get(reverse("reports:audit_report", args=[year])).status_code == 403
    assert as_user(facilitator).post(reverse("reports:audit_prepare"), {"year": year}).status_code == 403
    # A year out of range is refused with a message, nothing made.
    refused = client.post(reverse("reports:audit_prepare"), {"year": 1066}, follow=True)
    assert "Enter a year from 2000 to 2100." in refused.content.decode()
    assert not AuditReport.objects.filter(year=1066).exists()
    assert p.pk


@pytest.mark.django_db
def test_commentary_goes_into_the_draft_and_is_fixed_once_issued(manager, as_user, monkeypatch) -> None:
    html_instead_of_pdf(monkeypatch)
    year = timezone.localdate().year
    p = significant_partnership("Alpha", 120, 96, year)
    client = as_user(manager)
    client.post(reverse("reports:audit_prepare"), {"year": year})
    url = reverse("reports:audit_report", args=[year])
    too_long = client.post(url, {f"commentary_{p.pk}": "x" * 2001})
    assert too_long.status_code == 200 and "govuk-error-summary" in too_long.content.decode()
    client.post(url, {f"commentary_{p.pk}": "Funding ends in March: the committee should ask for an exit plan."})
    report = AuditReport.objects.get(year=year)
    assert "the committee should ask for an exit plan" in words(bytes(report.pdf or b""))
    assert client.post(reverse("reports:audit_issue", args=[year])).status_code == 302
    report.refresh_from_db()
    assert report.is_issued and report.issued_by == manager
    # A second click and a late commentary change nothing.
    page = client.post(reverse("reports:audit_issue", args=[year]), follow=True).content.decode()
    assert "issued already" in page
    client.post(url, {f"commentary_{p.pk}": "Changed after issue"})
    assert AuditCommentary.objects.get(report=report).text.startswith("Funding ends in March")
    with pytest.raises(services.AuditReportIssued):
        services.audit_commentary_save(report, {p.pk: "Changed after issue"})


@pytest.mark.django_db
def test_last_years_issued_report_opens_byte_identical_after_the_data_changed(manager, as_user) -> None:
    year = timezone.localdate().year - 1
    p = significant_partnership("Alpha", 120, 96, year)
    client = as_user(manager)
    client.post(reverse("reports:audit_prepare"), {"year": year})
    client.post(reverse("reports:audit_issue", args=[year]))
    issued = client.get(reverse("reports:audit_pdf", args=[year])).content
    assert issued.startswith(b"%PDF")
    # This year the register changes: a new name, a new risk, a new health check; the report is asked again.
    Partnership.objects.filter(pk=p.pk).update(name="Alpha renamed", purpose="Something else")
    RiskFactory(partnership=p, title="A new risk", likelihood=5, impact=5)
    add_responses(make_round(partnership=p, closes_on=date(year, 12, 1)), [answers(*[8] * 6)] * 3)
    services.audit_report_prepare(year, by=manager)
    assert services.audit_report_pdf_make(AuditReport.objects.get(year=year).pk) is False
    again = client.get(reverse("reports:audit_pdf", args=[year])).content
    assert again == issued
    assert "Alpha renamed" not in pdf_text(again)[1]
    issued_at = AuditReport.objects.get(year=year).issued_at
    assert issued_at is not None and timedelta(0) <= timezone.now() - issued_at
