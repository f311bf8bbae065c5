"""The PDF reports themselves: their text (pypdf), metadata, tagging and anonymity. Each test renders one PDF."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from assessments.models import ActionItem, ActionStatus, Principle
from assessments.tests.factories import UserFactory, add_responses, answers, make_round, partnership
from partnerships.models import Membership, Organisation, Status
from partnerships.services import exit_save
from partnerships.tests.factories import RiskFactory
from reports import pdf, selectors
from reports.tests.factories import html_instead_of_pdf, pdf_text, words

pytestmark = pytest.mark.django_db


def flat(text: str) -> str:
    return " ".join(text.split())


def test_partnership_report_shows_results_scenario_and_plan_and_names_nobody():
    today = timezone.localdate()
    year = today.year
    p = partnership(name="Safer Streets Partnership", senior_sponsor="Dana Sponsor", lead_officer="Lee Officer")
    council = Organisation.objects.create(name="Borough Council", sector="public")
    Membership.objects.create(partnership=p, organisation=council, role="Lead partner")
    earlier = make_round(partnership=p, closes_on=date(year - 1, 3, 31), title="Health check last year")
    add_responses(earlier, [answers(14, 14, 14, 14, 14, 14)] * 3)
    round_ = make_round(partnership=p, closes_on=date(year, 1, 15), anonymous=True, title="Health check this year")
    add_responses(
        round_,
        [answers(16, 10, 20, 18, 15, 11)] * 2 + [answers(16, 12, 20, 18, 15, 13)] * 2,
        comment="Budgets are not shared",
    )
    p2 = Principle.objects.get(instrument=round_.instrument, number=2)
    ActionItem.objects.create(
        round=round_,
        principle=p2,
        description="Agree a shared purpose statement",
        owner="Board chair",
        due_date=today - timedelta(days=10),
        status=ActionStatus.IN_PROGRESS,
    )
    ActionItem.objects.create(
        round=round_,
        principle=p2,
        description="Publish the terms of reference",
        owner="Lead officer",
        due_date=today + timedelta(days=30),
        status=ActionStatus.DONE,
    )

    report = selectors.partnership_report(p, year)
    body = pdf.partnership_report_pdf(report)
    reader, text = pdf_text(body)
    words = flat(text)

    results = report.results
    assert f"{results.summary.total.mean:.1f}" in words  # the mean total
    assert flat(results.summary.total.band.text) in words
    for row in results.principles:
        assert flat(row.aggregate.band.text)[:60] in words
    assert f"Scenario {results.summary.scenario.code}" in words and results.summary.scenario.code == "C"
    assert flat(results.scenario_text)[:60] in words  # the seed's wording
    assert "Agree a shared purpose statement" in words and "(overdue)" in words
    assert "1 overdue" in words and "1 done" in words
    assert "Dana Sponsor" in words and "Borough Council" in words and "Lead partner" in words
    assert "Budgets are not shared" in words
    assert "Health check last year" in words  # the trend table
    assert "Principles in order of priority for attention" in words
    assert "Mean scores by partner organisation" in words and "Council" in words  # a group of four is shown
    assert "How the numbers are worked out" not in words  # the help page's own h1 is replaced
    assert "Consensus and conflict:" in words  # the help page's wording in the appendix
    # Anonymity: no respondent's name or email anywhere.
    assert "Person " not in text and "@example.org" not in text
    # Running header and "page N of M".
    assert f"Page 2 of {len(reader.pages)}" in reader.pages[1].extract_text()
    assert "Safer Streets Partnership" in reader.pages[1].extract_text()
    # Metadata and tagging.
    meta = reader.metadata
    assert meta.title == f"Safer Streets Partnership: annual report {year}"
    assert meta.author == "Partnership Health Check"
    assert "annual report" in meta.subject
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"]
    xmp = catalog["/Metadata"].get_object().get_data()
    assert b"pdfuaid:part" in xmp  # PDF/UA-1 identification: the fallback to a plain tagged PDF was not needed


def test_a_year_without_a_round_gives_a_short_report_saying_so(monkeypatch):
    html_instead_of_pdf(monkeypatch)
    p = partnership(name="Quiet Partnership")
    old = make_round(partnership=p, closes_on=date(2023, 6, 30), title="Health check 2023")
    add_responses(old, [answers(18, 18, 18, 18, 18, 18)] * 3)
    text = words(pdf.partnership_report_pdf(selectors.partnership_report(p, 2025)))
    assert "No health check in 2025" in text
    assert "Health check 2023" in text  # the latest earlier round is pointed to
    assert "Action plan and progress" not in text and "The six principles" not in text


def test_portfolio_report_lists_every_partnership_with_weak_principles_marked_and_exits():
    year = 2025
    manager = UserFactory(roles=["Manager"])
    strong = partnership(name="Alpha Health Board")
    add_responses(make_round(partnership=strong, closes_on=date(year, 5, 1)), [answers(20, 20, 20, 20, 20, 12)] * 3)
    weak = partnership(name="Beta Youth Forum")
    add_responses(make_round(partnership=weak, closes_on=date(year, 5, 1)), [answers(10, 11, 15, 15, 15, 15)] * 3)
    partnership(name="Gamma Proposed Hub", status=Status.PROPOSED, review_due_date=None)
    leaving = partnership(name="Delta Closing Trust", review_due_date=date(year, 1, 1))
    RiskFactory(partnership=leaving, category="exit", title="Hub users lose support")
    exit_save(
        leaving,
        values={
            "exit_date": date(year, 9, 30),
            "reason": "Objectives met.",
            "objectives_met": "yes",
            "achievements": "New hub opened.",
            "lessons_learned": "Agree exit terms at the start.",
            "withdrawal_risks": "Low.",
            "handover_and_continuity": "The trust takes over.",
        },
        by=manager,
        complete=True,
    )
    body = pdf.portfolio_report_pdf(selectors.portfolio_report(year))
    reader, text = pdf_text(body)
    words = flat(text)
    assert "Portfolio report 2025" in words
    for name in ("Alpha Health Board", "Beta Youth Forum", "Gamma Proposed Hub", "Delta Closing Trust"):
        assert name in words
    assert "112.0" in words and "81.0" in words  # the two totals
    assert "10.0 ▼" in words and "11.0 ▼" in words and "12.0 ▼" in words  # weak principles marked
    assert "Agree exit terms at the start." in words
    assert "Not started" in words  # the proposed partnership's gateway
    assert reader.metadata.title == "Portfolio report 2025"
    # The contents list carries page numbers (the last entry points past the cover).
    assert "Appendix: the method and our decisions" in reader.pages[0].extract_text()
    last_page = len(reader.pages)
    numbers = [int(n) for n in re.findall(r"\.{3,}\s*(\d+)\s*$", reader.pages[0].extract_text(), re.M)]
    assert len(numbers) == 8 and numbers == sorted(numbers)
    assert numbers[0] == 2 and numbers[-1] <= last_page  # "At a glance" follows the cover; the appendix is last
    assert f"Page 2 of {last_page}" in reader.pages[1].extract_text()


def test_the_same_report_is_not_laid_out_twice(monkeypatch):
    from weasyprint import HTML

    calls = []
    real = HTML.write_pdf

    def counting(self, *args, **kwargs):
        calls.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(HTML, "write_pdf", counting)
    p = partnership(name="Cached Partnership")
    first = pdf.partnership_report_pdf(selectors.partnership_report(p, 2025))
    again = pdf.partnership_report_pdf(selectors.partnership_report(p, 2025))
    assert first == again and len(calls) == 1
    p.purpose = "A changed purpose."
    p.save()
    pdf.partnership_report_pdf(selectors.partnership_report(p, 2025))
    assert len(calls) == 2


def test_the_annual_report_shows_where_partners_differ(monkeypatch):
    html_instead_of_pdf(monkeypatch)
    round_ = make_round(anonymous=False)
    add_responses(
        round_,
        [answers(22, 20, 20, 20, 20, 20)] * 3 + [answers(10, 18, 20, 20, 20, 20)] * 3,
        organisations=["Demoshire Police"] * 3 + ["Demo District Council"] * 3,
    )
    report = selectors.partnership_report(round_.partnership, round_.closes_on.year, viewer=round_.facilitator)
    html = pdf.partnership_report_pdf(report)
    text = words(html)
    assert "Where partners differ" in text and "Demoshire Police (organisation)" in text
    assert "+6.0" in text and "-6.0" in text
    # The chart beside the table, with its numbers as the image's text alternative.
    assert 'class="differ"' in html.decode() and "Demoshire Police 22.0" in html.decode()


def test_a_large_portfolio_lists_the_partnerships_needing_attention_and_points_to_the_download(settings):
    # Above PHC_PORTFOLIO_TABLE_MAX partnerships the whole principle-by-partnership table would take minutes and
    # gigabytes to lay out (docs/performance.md, point 8): the PDF keeps the exceptions, the download the rest.
    settings.PHC_PORTFOLIO_TABLE_MAX = 2
    year = 2025
    strong = partnership(name="Alpha Health Board", service_area="Health", review_due_date=date(year, 1, 1))
    add_responses(make_round(partnership=strong, closes_on=date(year, 5, 1)), [answers(20, 20, 20, 20, 20, 12)] * 3)
    failing = partnership(name="Beta Youth Forum", reference="BYF-7", service_area="Children")
    add_responses(make_round(partnership=failing, closes_on=date(year, 5, 1)), [answers(8, 9, 20, 8, 8, 8)] * 3)
    partnership(name="Gamma Proposed Hub", status=Status.PROPOSED, review_due_date=None)
    report = selectors.portfolio_report(year)
    assert not report.whole_table and [r.partnership for r in report.needing_attention] == [failing]
    reader, text = pdf_text(pdf.portfolio_report_pdf(report))
    words = flat(text)
    assert "Partnerships needing urgent attention" in words
    assert "Beta Youth Forum (BYF-7)" in words and "P1 8.0 ▼, P2 9.0 ▼, P4 8.0 ▼" in words
    assert "Alpha Health Board" not in words  # neither in the exceptions nor listed as an overdue review
    assert "Download as CSV" in words and "Principle 1 mean" in words
    assert "1 overdue review by service area" in words and "Health 1" in words
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # still tagged for screen readers


def test_a_portfolio_within_the_limit_keeps_the_whole_table(settings):
    settings.PHC_PORTFOLIO_TABLE_MAX = 2
    p = partnership(name="Only Partnership")
    add_responses(make_round(partnership=p, closes_on=date(2025, 5, 1)), [answers(8, 9, 20, 8, 8, 8)] * 3)
    report = selectors.portfolio_report(2025)
    assert report.whole_table and len(report.needing_attention) == 1


def _one_more_partnership_with_history(n: int) -> None:
    other = partnership(name=f"Other Partnership {n}")
    for year in (2024, 2025):
        round_ = make_round(partnership=other, closes_on=date(year, 5, 1))
        add_responses(round_, [answers(14, 14, 14, 14, 14, 14)] * 3)
        ActionItem.objects.create(
            round=round_,
            principle=Principle.objects.filter(instrument=round_.instrument)[0],
            description="Review",
            status=ActionStatus.NOT_STARTED,
            due_date=date(year, 9, 1),
        )
    RiskFactory(partnership=other)


def test_the_annual_reports_queries_do_not_grow_with_the_register(client, monkeypatch, settings):
    # Issue 15 point 8: the partnership PDF stays flat in the register's size (it reads one partnership).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    html_instead_of_pdf(monkeypatch)
    settings.PHC_PDF_CACHE = False
    p = partnership(name="Measured Partnership")
    for year in (2024, 2025):
        add_responses(make_round(partnership=p, closes_on=date(year, 5, 1)), [answers(12, 14, 16, 18, 20, 22)] * 4)
    client.force_login(UserFactory(roles=["Manager"]))
    url = f"/reports/partnerships/{p.pk}/2025.pdf"
    client.get(url)  # the instrument's read model and the charts are cached per process after the first
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for n in range(4):
        _one_more_partnership_with_history(n)
    with CaptureQueriesContext(connection) as large:
        body = client.get(url).content
    assert b"Measured Partnership" in body and b"Other Partnership" not in body
    assert len(large) == len(small), [q["sql"][:120] for q in large]
