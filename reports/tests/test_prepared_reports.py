"""Reports prepared by a task worker: asked for in a request, laid out by a worker, downloaded when ready.

The test settings run tasks at once (ImmediateBackend); the tests that need "no worker has taken it yet" swap in
the dummy backend, which only records what was enqueued.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task_backends

from assessments.tests.factories import UserFactory, add_responses, make_round, partnership, uniform
from reports import pdf, services, tasks
from reports.models import PreparedReport, ReportKind, ReportState

pytestmark = pytest.mark.django_db

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def rendered(monkeypatch):
    """Skip WeasyPrint (test_pdf lays the portfolio out for real): record each report laid out."""
    calls = []

    def fake_render(template_name, context):
        calls.append(template_name)
        return b"%PDF-1.7 stub"

    monkeypatch.setattr(pdf, "render_pdf", fake_render)
    return calls


@pytest.fixture
def manager(client):
    round_ = make_round(partnership=partnership(name="Safer Streets"), closes_on=date(2025, 6, 30))
    add_responses(round_, [uniform(3)] * 3)
    user = UserFactory(roles=["Manager"])
    client.force_login(user)
    return user


@pytest.fixture
def no_worker(settings):
    """Tasks are recorded, never run: as if every worker were busy or stopped."""
    settings.TASKS = DUMMY
    backend = task_backends["default"]
    backend.clear()
    return backend


def test_asking_for_the_portfolio_queues_a_task_and_shows_it_being_prepared(client, manager, rendered, no_worker):
    response = client.post("/reports/portfolio/2025/prepare")
    report = PreparedReport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/prepared/{report.pk}/"
    assert rendered == []  # nothing laid out inside the request
    assert [r.task.name for r in no_worker.results] == ["report_prepare"]
    assert (report.kind, report.year, report.requested_by, report.state) == ("portfolio", 2025, manager, "queued")

    page = client.get(response["Location"]).content.decode()
    assert "Your portfolio report 2025 is being prepared" in page
    assert '<meta http-equiv="refresh" content="5">' in page  # looks again by itself
    assert "It is waiting for its turn." in page and "task worker may not be running" not in page
    # The download of a report that is not ready leads back to its page.
    assert client.get(f"/reports/prepared/{report.pk}/download")["Location"] == f"/reports/prepared/{report.pk}/"
    # Listed on the reports page, to come back to.
    assert (
        f'href="/reports/prepared/{report.pk}/">Portfolio report 2025</a>' in client.get("/reports/").content.decode()
    )


def test_a_double_click_queues_the_report_once(client, manager, rendered, no_worker):
    first = client.post("/reports/portfolio/2025/prepare")
    second = client.post("/reports/portfolio/2025/prepare")
    assert first["Location"] == second["Location"]
    assert PreparedReport.objects.count() == 1 and len(no_worker.results) == 1
    # Another year is another report.
    assert client.post("/reports/portfolio/2024/prepare")["Location"] != first["Location"]
    assert PreparedReport.objects.count() == 2


def test_the_database_refuses_a_second_report_in_progress_for_the_same_person(manager, no_worker):
    PreparedReport.objects.create(kind=ReportKind.PORTFOLIO, year=2025, requested_by=manager)
    with pytest.raises(IntegrityError), transaction.atomic():
        PreparedReport.objects.create(kind=ReportKind.PORTFOLIO, year=2025, requested_by=manager)


def test_a_waiting_report_says_when_no_worker_seems_to_be_running(client, manager, no_worker):
    report = services.report_request(ReportKind.PORTFOLIO, 2025, manager)
    PreparedReport.objects.filter(pk=report.pk).update(requested_at=timezone.now() - timedelta(minutes=3))
    page = client.get(report.get_absolute_url()).content.decode()
    assert "the site's task worker may not be running" in page


def test_the_worker_prepares_it_and_the_person_downloads_it(client, manager, rendered):
    response = client.post("/reports/portfolio/2025/prepare")
    report = PreparedReport.objects.get()
    assert report.state == ReportState.READY and report.attempts == 1 and rendered == ["reports/pdf/portfolio.html"]
    page = client.get(response["Location"]).content.decode()
    assert "Your portfolio report 2025 is ready" in page and "http-equiv" not in page
    assert f'href="/reports/prepared/{report.pk}/download"' in page
    download = client.get(f"/reports/prepared/{report.pk}/download")
    today = timezone.localdate().isoformat()
    assert download["Content-Type"] == "application/pdf" and download.content == b"%PDF-1.7 stub"
    assert download["Content-Disposition"] == f'attachment; filename="portfolio-report-2025-{today}.pdf"'
    assert download["Cache-Control"] == "private, no-store"
    # Once ready, asking again prepares it again (the register may have changed since).
    client.post("/reports/portfolio/2025/prepare")
    assert PreparedReport.objects.count() == 2 and len(rendered) == 2


def test_only_the_person_who_asked_sees_or_downloads_it(client, manager, rendered):
    client.post("/reports/portfolio/2025/prepare")
    report = PreparedReport.objects.get()
    client.force_login(UserFactory(roles=["Manager"]))
    for url in (f"/reports/prepared/{report.pk}/", f"/reports/prepared/{report.pk}/download"):
        assert client.get(url).status_code == 403
    assert client.post(f"/reports/prepared/{report.pk}/retry").status_code == 403
    # A manager who is no longer one loses it too.
    manager.groups.clear()
    client.force_login(manager)
    assert client.get(f"/reports/prepared/{report.pk}/download").status_code == 403


def test_a_failure_says_so_and_can_be_tried_again(client, manager, rendered, monkeypatch, caplog):
    def broken(report):
        raise MemoryError("out of memory")

    monkeypatch.setitem(tasks.BUILDERS, ReportKind.PORTFOLIO, broken)
    response = client.post("/reports/portfolio/2025/prepare")
    report = PreparedReport.objects.get()
    assert report.state == ReportState.FAILED and report.error == services.FAILED
    assert "could not be prepared" in caplog.text  # the details go to the log
    page = client.get(response["Location"]).content.decode()
    assert "Your portfolio report 2025 could not be prepared" in page and "out of memory" not in page
    assert f'action="/reports/prepared/{report.pk}/retry"' in page

    monkeypatch.undo()
    monkeypatch.setattr(pdf, "render_pdf", lambda name, context: b"%PDF-1.7 again")
    assert client.post(f"/reports/prepared/{report.pk}/retry")["Location"] == response["Location"]
    report.refresh_from_db()
    assert report.state == ReportState.READY and report.attempts == 2 and report.error == ""
    # A ready report is not prepared again by "try again" (a second tab, an old page).
    client.post(f"/reports/prepared/{report.pk}/retry")
    report.refresh_from_db()
    assert report.attempts == 2


def test_a_report_whose_worker_stopped_shows_as_failed_and_a_new_request_replaces_it(client, manager, no_worker):
    report = services.report_request(ReportKind.PORTFOLIO, 2025, manager)
    assert services.report_claim(report.pk) is not None  # a worker took it, then was killed
    page = client.get(report.get_absolute_url()).content.decode()
    assert "being prepared" in page and "It is being laid out now." in page  # not yet given up on

    PreparedReport.objects.filter(pk=report.pk).update(started_at=timezone.now() - timedelta(minutes=16))
    page = client.get(report.get_absolute_url()).content.decode()
    assert "could not be prepared" in page and "The worker preparing it stopped" in page
    assert "http-equiv" not in page

    again = services.report_request(ReportKind.PORTFOLIO, 2025, manager)
    report.refresh_from_db()
    assert again.pk != report.pk and again.state == ReportState.QUEUED
    assert report.state == ReportState.FAILED and report.error == services.STALLED


def test_a_task_delivered_twice_lays_the_report_out_once(manager, rendered, no_worker):
    report = services.report_request(ReportKind.PORTFOLIO, 2025, manager)
    assert tasks.report_prepare.call(report.pk) == "ready"
    assert tasks.report_prepare.call(report.pk) == "taken"
    assert rendered == ["reports/pdf/portfolio.html"]


def test_finished_reports_are_deleted_after_a_week(manager, rendered, settings):
    old = services.report_request(ReportKind.PORTFOLIO, 2024, manager)
    PreparedReport.objects.filter(pk=old.pk).update(requested_at=timezone.now() - timedelta(days=8))
    services.report_request(ReportKind.PORTFOLIO, 2025, manager)
    assert list(PreparedReport.objects.values_list("year", flat=True)) == [2025]
