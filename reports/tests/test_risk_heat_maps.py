"""The portfolio's risk heat map: on /reports/ (linking to the risks) and in the portfolio PDF."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.tests.factories import UserFactory, partnership
from partnerships.tests.factories import RiskFactory
from reports import pdf, selectors
from reports.tests.factories import html_instead_of_pdf, words

pytestmark = pytest.mark.django_db


def test_the_reports_page_shows_the_portfolio_heat_map_linking_to_the_risks(client):
    first, second = partnership(name="Alpha Board"), partnership(name="Beta Forum")
    RiskFactory(partnership=first, likelihood=4, impact=5)
    RiskFactory(partnership=second, likelihood=4, impact=5)
    RiskFactory(partnership=second, likelihood=1, impact=2)
    client.force_login(UserFactory(roles=["Manager"]))
    page = client.get("/reports/").content.decode()
    assert "3 open risks: 2 high (score 15 to 25), 0 medium (8 to 12), 1 low (1 to 6)." in page
    assert 'href="/partnerships/risks/?likelihood=4&amp;impact=5"><strong>2</strong>' in page


def test_the_reports_page_heat_map_takes_the_same_queries_for_more_risks(client):
    client.force_login(UserFactory(roles=["Manager"]))
    RiskFactory(partnership=partnership(name="First"))
    # Warm the instruments' read models (a process cache that a transactional test's reload leaves cold).
    client.get("/reports/")
    with CaptureQueriesContext(connection) as before:
        client.get("/reports/")
    for n in range(6):
        RiskFactory(partnership=partnership(name=f"More {n}"), likelihood=1 + n % 5, impact=5 - n % 5)
    with CaptureQueriesContext(connection) as after:
        client.get("/reports/")
    assert len(after) == len(before)


def test_the_portfolio_pdf_has_the_heat_map_and_the_high_risks(monkeypatch):
    html_instead_of_pdf(monkeypatch)
    year = date.today().year  # noqa: DTZ011 (the year only)
    board = partnership(name="Alpha Board")
    RiskFactory(partnership=board, title="Funding ends in March", likelihood=5, impact=4, owner="Finance lead")
    RiskFactory(partnership=board, title="Minor delay", likelihood=1, impact=2)
    RiskFactory(partnership=board, title="Closed already", likelihood=5, impact=5, closed_on=date(year, 1, 2))
    report = selectors.portfolio_report(year)
    text = words(pdf.portfolio_report_pdf(report))
    assert "Risks across the register" in text
    assert "2 open risks: 1 high (score 15 to 25), 0 medium (8 to 12), 1 low (1 to 6)." in text
    assert "Funding ends in March" in text and "Finance lead" in text
    assert "Closed already" not in text
    assert "1 high risk (score 15 or more)" in text


def test_the_portfolio_report_takes_the_same_queries_for_more_risks():
    year = date.today().year  # noqa: DTZ011 (the year only)
    RiskFactory(partnership=partnership(name="First"), likelihood=5, impact=5)
    selectors.portfolio_report(year)  # the instrument's structure is read once per process

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            selectors.portfolio_report(year)
        return len(queries)

    small = count()
    for n in range(6):
        RiskFactory(partnership=partnership(name=f"More {n}"), likelihood=1 + n % 5, impact=5 - n % 5)
    assert count() == small
