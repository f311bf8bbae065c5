"""A large register's workbook is prepared by a task worker, never built inside the request (issue 15).

Up to ``PHC_REGISTER_WORKBOOK_IN_REQUEST_MAX`` partnerships the workbook downloads at once (tests/test_downloads.py);
above it the download link offers to prepare it, and the worker builds the same file with the same filters.
The test settings run tasks at once (ImmediateBackend).
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.utils import timezone

from assessments.tests.factories import UserFactory, partnership
from reports.models import PreparedReport, ReportKind, ReportState

pytestmark = pytest.mark.django_db


@pytest.fixture
def large(settings):
    """Every register counts as large: the limit is below the two that "Safer" finds."""
    settings.PHC_REGISTER_WORKBOOK_IN_REQUEST_MAX = 1
    for name in ("Safer Streets", "Healthy Towns", "Safer Roads"):
        partnership(name=name)


def test_a_large_registers_workbook_is_offered_to_be_prepared_not_built_in_the_request(client, large):
    client.force_login(UserFactory(roles=["Manager"]))
    response = client.get("/partnerships/export.xlsx?q=Safer")
    page = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "Prepare the register workbook" in page and 'action="/partnerships/export.xlsx?q=Safer"' in page
    assert PreparedReport.objects.count() == 0  # a GET asks for nothing


def test_the_worker_builds_the_filtered_workbook_and_the_person_downloads_it(client, large):
    user = UserFactory(roles=["Register administrator"])
    client.force_login(user)
    response = client.post("/partnerships/export.xlsx?q=Safer")
    report = PreparedReport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/prepared/{report.pk}/"
    assert (report.kind, report.query, report.requested_by) == (ReportKind.REGISTER_WORKBOOK, "q=Safer", user)
    assert report.state == ReportState.READY
    page = client.get(response["Location"]).content.decode()
    assert "Your register workbook (filtered) is ready" in page and "(Excel workbook, " in page
    assert 'href="/partnerships/?q=Safer"' in page  # asking again keeps the filters
    download = client.get(f"/reports/prepared/{report.pk}/download")
    today = timezone.localdate().isoformat()
    assert download["Content-Disposition"] == f'attachment; filename="partnership-register-{today}.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(download.content))
    names = sorted(row[1] for row in book["Register"].iter_rows(min_row=2, values_only=True))
    assert names == ["Safer Roads", "Safer Streets"]  # the filter applied, for the person who asked


def test_someone_who_cannot_read_the_register_cannot_ask_for_its_workbook(client, large):
    client.force_login(UserFactory(roles=["Respondent"]))
    assert client.post("/partnerships/export.xlsx").status_code == 403
    assert PreparedReport.objects.count() == 0
