"""/reports/ and the PDF downloads: who may see what, file names, sorting and the weak-principle markers."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from assessments.tests.factories import UserFactory, add_responses, answers, make_round, partnership, uniform
from reports import pdf
from reports.tests.factories import html_instead_of_pdf, words

pytestmark = pytest.mark.django_db


@pytest.fixture
def rendered(monkeypatch):
    """Skip WeasyPrint (test_pdf renders for real): record which template each view asked for."""
    calls = []

    def fake_render(template_name, context):
        calls.append((template_name, context))
        return b"%PDF-1.7 stub"

    monkeypatch.setattr(pdf, "render_pdf", fake_render)
    return calls


@pytest.fixture
def two_partnerships():
    """Two partnerships, each with a 2025 round by a different facilitator."""
    mine = partnership(name="Safer Streets & Parks")
    theirs = partnership(name="Healthy Towns")
    mine_round = make_round(partnership=mine, closes_on=date(2025, 6, 30))
    add_responses(mine_round, [answers(20, 11, 18, 18, 18, 18)] * 3)
    theirs_round = make_round(partnership=theirs, closes_on=date(2025, 6, 30))
    add_responses(theirs_round, [uniform(3)] * 3)
    return mine, mine_round, theirs, theirs_round


def test_signed_out_people_are_sent_to_sign_in(client, two_partnerships):
    mine, *_ = two_partnerships
    for url in ("/reports/", f"/reports/partnerships/{mine.pk}/2025.pdf"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
    response = client.post("/reports/portfolio/2025/prepare")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_managers_download_every_report_with_meaningful_file_names(client, rendered, two_partnerships):
    mine, _, theirs, _ = two_partnerships
    client.force_login(UserFactory(roles=["Manager"]))
    # The portfolio is prepared by a task (run at once in tests), then downloaded from its page.
    prepared = client.post("/reports/portfolio/2025/prepare")
    assert prepared.status_code == 302
    response = client.get(prepared["Location"] + "download")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="portfolio-report-2025-{today}.pdf"'
    assert response.content.startswith(b"%PDF")
    for p, slug in ((mine, "safer-streets-parks"), (theirs, "healthy-towns")):
        response = client.get(f"/reports/partnerships/{p.pk}/2025.pdf")
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="{slug}-annual-report-2025-{today}.pdf"'
    assert [name for name, _ in rendered] == ["reports/pdf/portfolio.html"] + ["reports/pdf/partnership.html"] * 2
    # A year without a round is a report that says so, not an error.
    assert client.get(f"/reports/partnerships/{mine.pk}/2019.pdf").status_code == 200
    assert rendered[-1][1]["report"].round is None
    assert client.post("/reports/portfolio/1850/prepare").status_code == 404
    assert client.get("/reports/partnerships/999999/2025.pdf").status_code == 404


def test_facilitators_download_only_the_partnerships_they_facilitate(client, rendered, two_partnerships):
    mine, mine_round, theirs, _ = two_partnerships
    client.force_login(mine_round.facilitator)
    assert client.get(f"/reports/partnerships/{mine.pk}/2025.pdf").status_code == 200
    assert client.get(f"/reports/partnerships/{theirs.pk}/2025.pdf").status_code == 403
    assert client.get("/reports/partnerships/999999/2025.pdf").status_code == 403  # existence not revealed
    assert client.post("/reports/portfolio/2025/prepare").status_code == 403
    assert len(rendered) == 1


@pytest.mark.parametrize("role", ["Respondent", "Register administrator", None])
def test_anyone_else_is_refused(client, rendered, two_partnerships, role):
    mine, *_ = two_partnerships
    client.force_login(UserFactory(roles=[role] if role else []))
    for url in ("/reports/", f"/reports/partnerships/{mine.pk}/2025.pdf"):
        assert client.get(url).status_code == 403, url
    assert client.post("/reports/portfolio/2025/prepare").status_code == 403
    assert rendered == []


def test_the_reports_page_shows_the_overview_with_weak_principles_marked_and_links(client, two_partnerships):
    mine, mine_round, theirs, theirs_round = two_partnerships
    client.force_login(UserFactory(roles=["Manager"]))
    page = client.get("/reports/").content.decode()
    assert "Safer Streets &amp; Parks" in page and "Healthy Towns" in page
    assert (
        'class="govuk-table__cell govuk-table__cell--numeric weak-cell"' in page
        and '11.0 <span aria-hidden="true">▼</span>' in page
    )
    assert page.count("(weak)") == 1
    assert f'href="/rounds/{mine_round.pk}/results/"' in page and f'href="/rounds/{theirs_round.pk}/results/"' in page
    assert 'action="/reports/portfolio/2025/prepare"' in page
    assert f'href="/reports/partnerships/{mine.pk}/2025.pdf"' in page
    assert "/reports/portfolio/2024/" not in page  # only years with data
    assert "Register health" in page  # the chart's text alternative


def test_the_overview_sorts_by_a_column_and_reverses(client, two_partnerships):
    client.force_login(UserFactory(roles=["Manager"]))
    by_p2 = client.get("/reports/?sort=p2").content.decode()
    assert by_p2.index("Safer Streets") < by_p2.index("Healthy Towns")  # 11.0 before 18.0
    assert 'aria-sort="ascending"' in by_p2 and 'href="?sort=-p2#overview-title"' in by_p2
    reversed_ = client.get("/reports/?sort=-p2").content.decode()
    assert reversed_.index("Healthy Towns") < reversed_.index("Safer Streets")
    assert 'aria-sort="descending"' in reversed_


def test_a_facilitator_sees_only_their_partnerships_on_the_reports_page(client, two_partnerships):
    mine, mine_round, theirs, _ = two_partnerships
    client.force_login(mine_round.facilitator)
    page = client.get("/reports/").content.decode()
    assert "Safer Streets" in page and "Healthy Towns" not in page
    assert "/reports/portfolio/" not in page
    assert f'href="/reports/partnerships/{mine.pk}/2025.pdf"' in page
    client.force_login(UserFactory(roles=["Facilitator"]))  # facilitates nothing yet
    page = client.get("/reports/").content.decode()
    assert "Safer Streets" not in page and "No partnership has a health check with results yet." in page


def test_facilitator_of_another_round_gets_no_results_of_this_one(client, monkeypatch):
    html_instead_of_pdf(monkeypatch)
    mine = make_round(closes_on=date(2024, 6, 30), title="My round 2024")
    add_responses(mine, [[3] * 36] * 3)
    theirs = make_round(
        partnership=mine.partnership, closes_on=date(2025, 6, 30), title="Their round 2025", anonymous=False
    )
    add_responses(theirs, [[4] * 36] * 3, comment="Only for their facilitator")
    client.force_login(mine.facilitator)
    response = client.get(f"/reports/partnerships/{mine.partnership.pk}/2025.pdf")
    assert response.status_code == 200
    text = words(response.content)
    assert "shown only to its facilitator and to managers" in text
    assert "Only for their facilitator" not in text and "Person 0" not in text
    client.force_login(UserFactory(roles=["Manager"]))
    text = words(client.get(f"/reports/partnerships/{mine.partnership.pk}/2025.pdf").content)
    assert "Only for their facilitator" in text
