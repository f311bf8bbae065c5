"""The reports' selectors: which rounds count, what the portfolio holds, query counts, and the offline fetcher."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import ActionItem, ActionStatus, Principle
from assessments.scoring import ScenarioRules
from assessments.tests.factories import UserFactory, add_responses, answers, make_round, partnership, uniform
from partnerships.models import GatewayReview, GatewayStatus, Status
from partnerships.services import exit_save
from partnerships.tests.factories import RiskFactory
from reports import pdf, selectors
from results import selectors as results

pytestmark = pytest.mark.django_db

EXIT_VALUES = {
    "reason": "Objectives met.",
    "objectives_met": "yes",
    "achievements": "A hub.",
    "lessons_learned": "Start with the end in mind.",
    "withdrawal_risks": "Low.",
    "handover_and_continuity": "Done.",
}


def close(p, on: date) -> None:
    RiskFactory(partnership=p, category="exit")
    exit_save(p, values={**EXIT_VALUES, "exit_date": on}, by=UserFactory(roles=["Manager"]), complete=True)


def test_latest_rounds_takes_the_latest_with_enough_responses_by_the_date():
    p = partnership()
    first = make_round(partnership=p, closes_on=date(2024, 3, 1))
    add_responses(first, [uniform(3)] * 3)
    second = make_round(partnership=p, closes_on=date(2025, 3, 1))
    add_responses(second, [uniform(3)] * 3)
    too_few = make_round(partnership=p, closes_on=date(2025, 6, 1))
    add_responses(too_few, [uniform(3)] * 2)
    later = make_round(partnership=p, closes_on=date(2026, 3, 1))
    add_responses(later, [uniform(3)] * 3)
    assert results.latest_rounds([p.pk], date(2025, 12, 31))[p.pk] == second
    assert results.latest_rounds(None, date(2024, 12, 31))[p.pk] == first
    assert results.latest_rounds([p.pk])[p.pk] == later
    assert results.latest_rounds([p.pk], date(2023, 12, 31)) == {}
    assert selectors.report_years([p.pk]) == {p.pk: [2026, 2025, 2024]}


def test_weak_means_rounded_half_up_to_twelve_or_below():
    rules = ScenarioRules(
        total_c_max=72, weak_max=12, weak_count_c=2, significant_min=4, total_a_min=109, strong_min=13
    )
    assert selectors.is_weak(12.4, rules) and selectors.is_weak(6.0, rules)
    assert not selectors.is_weak(12.5, rules) and not selectors.is_weak(None, rules)


def test_portfolio_covers_the_year_and_finds_reviews_gateways_and_exits():
    today = date(2025, 11, 1)
    gone = partnership(name="Gone before")
    close(gone, date(2024, 12, 31))
    left = partnership(name="Left this year")
    close(left, date(2025, 6, 30))
    partnership(name="Starts next year", start_date=date(2026, 2, 1), review_due_date=date(2026, 6, 1))
    late = partnership(name="Late review", review_due_date=date(2025, 10, 1))
    proposed = partnership(name="Proposed", status=Status.PROPOSED, review_due_date=None)
    GatewayReview.objects.create(partnership=proposed, status=GatewayStatus.DRAFT)
    scored = partnership(name="Scored", review_due_date=date(2026, 1, 1))
    add_responses(make_round(partnership=scored, closes_on=date(2025, 4, 1)), [answers(12, 13, 20, 20, 20, 20)] * 3)

    report = selectors.portfolio_report(2025, today=today)
    names = [r.partnership.name for r in report.rows]
    assert names == ["Late review", "Left this year", "Proposed", "Scored"]
    assert report.overdue_reviews == [late]
    assert [(p.name, state) for p, state in report.pending_gateways] == [("Proposed", "Draft")]
    assert [(p.name, e.lessons_learned) for p, e in report.exits] == [("Left this year", "Start with the end in mind.")]
    row = report.rows[3]
    assert row.total == 105.0 and row.band.label == "73-108" and row.scenario == "B"
    assert [weak for _, _, weak in row.means] == [True, False, False, False, False, False]
    assert dict(report.by_stage)["Functioning"] == 4
    assert dict(report.by_scenario) == {"Scenario A": 0, "Scenario B": 1, "Scenario C": 0, "No health check yet": 3}
    assert [count for _, count in report.band_counts] == [0, 1, 0, 0]


def _make_scored_partnerships(count: int) -> None:
    manager = UserFactory(roles=["Manager"])
    for i in range(count):
        p = partnership(status=Status.PROPOSED) if i % 5 == 1 else partnership()
        add_responses(make_round(partnership=p, closes_on=date(2025, 5, 1)), [uniform(3)] * 3)
        if i % 5 == 1:
            GatewayReview.objects.create(partnership=p)
        if i % 5 == 2:
            RiskFactory(partnership=p, category="exit")
            exit_save(p, values={**EXIT_VALUES, "exit_date": date(2025, 8, 1)}, by=manager, complete=True)


def _portfolio_queries() -> int:
    with CaptureQueriesContext(connection) as queries:
        report = selectors.portfolio_report(2025)
        assert report.rows and report.exits and report.pending_gateways
        assert len(report.health_totals) == len(report.rows)
    return len(queries)


def test_the_portfolio_takes_the_same_number_of_queries_for_5_and_50_partnerships():
    _make_scored_partnerships(5)
    selectors.portfolio_report(2025)  # the instrument's structure is read once per process
    small = _portfolio_queries()
    _make_scored_partnerships(45)
    assert _portfolio_queries() == small
    assert small <= 4


def test_the_overview_takes_the_same_number_of_queries_for_5_and_50_partnerships():
    _make_scored_partnerships(5)
    selectors.reports_overview(None)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            selectors.reports_overview(None)
        return len(queries)

    small = count()
    _make_scored_partnerships(45)
    assert count() == small


def test_partnership_report_takes_the_latest_round_of_the_year_and_the_trend_up_to_it():
    p = partnership()
    older = make_round(partnership=p, closes_on=date(2024, 3, 1))
    add_responses(older, [uniform(2)] * 3)
    early = make_round(partnership=p, closes_on=date(2025, 2, 1))
    add_responses(early, [uniform(3)] * 3)
    year_round = make_round(partnership=p, closes_on=date(2025, 9, 1))
    add_responses(year_round, [uniform(3)] * 4)
    add_responses(make_round(partnership=p, closes_on=date(2025, 11, 1)), [uniform(4)] * 2)  # too few
    add_responses(make_round(partnership=p, closes_on=date(2026, 3, 1)), [uniform(4)] * 3)  # later year
    principle = Principle.objects.get(instrument=year_round.instrument, number=1)
    for status, due in [(ActionStatus.DONE, -5), (ActionStatus.NOT_STARTED, -5), (ActionStatus.IN_PROGRESS, 5)]:
        ActionItem.objects.create(
            round=year_round,
            principle=principle,
            description="x",
            owner="y",
            due_date=timezone.localdate() + timedelta(days=due),
            status=status,
        )
    report = selectors.partnership_report(p, 2025)
    assert report.round == year_round and report.results.submitted == 4
    assert [row.round for row in report.trend] == [older, early, year_round]
    assert report.trend_means[1] == [12.0, 18.0, 18.0]
    assert dict(report.action_counts) == {"Not started": 1, "In progress": 1, "Done": 1, "Dropped": 0}
    assert report.overdue_action_count == 1

    empty = selectors.partnership_report(p, 2023)
    assert empty.round is None and empty.results is None and empty.earlier is None
    assert selectors.partnership_report(partnership(), 2025).round is None


def test_sorting_the_overview_puts_partnerships_without_results_last():
    rows = [
        selectors.PortfolioRow(partnership(name=name), means=[(1, mean, False)] if mean else [])
        for name, mean in [("b", 14.0), ("a", 20.0), ("c", None)]
    ]
    assert [r.partnership.name for r in selectors.sort_rows(rows, "p1")[0]] == ["b", "a", "c"]
    assert [r.partnership.name for r in selectors.sort_rows(rows, "-p1")[0]] == ["a", "b", "c"]
    assert selectors.sort_rows(rows, "nonsense")[1] == "name"


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/static/css/report.css",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "https://report.invalid/static/../../../etc/passwd",
        "https://report.invalid/media/secret.pdf",
    ],
)
def test_the_fetcher_refuses_anything_but_our_static_files(url):
    with pytest.raises(pdf.RefusedURL):
        pdf.StaticFilesFetcher().fetch(url)


def test_the_fetcher_serves_static_files_and_data_uris():
    css = pdf.StaticFilesFetcher().fetch(pdf.BASE_URL + "static/css/report.css")
    assert css.content_type == "text/css" and b"@font-face" in css.read()
    font = pdf.StaticFilesFetcher().fetch(pdf.BASE_URL + "static/fonts/DejaVuSans.ttf")
    assert font.read(4) == b"\x00\x01\x00\x00"  # a TrueType font, from disk
    assert pdf.StaticFilesFetcher().fetch(pdf.svg_data_uri("<svg/>")).read() == b"<svg/>"


def test_the_appendix_uses_the_help_pages_own_words(client):
    from django.template.loader import render_to_string

    appendix = render_to_string("reports/pdf/_method.html", {"min_responses": 3})
    help_page = client.get("/help/").content.decode()
    assert "<h1" not in appendix and "<h3>Our decisions</h3>" in appendix
    assert '<h2 class="govuk-heading-m">Our decisions</h2>' in help_page
    for sentence in ("A principle's score is the sum of its six answers", "ranked by mean significance"):
        assert sentence in appendix and sentence in help_page
