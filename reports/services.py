"""Charts as the pages and reports use them, and the reports that a task worker prepares.

Charts are drawn by ``reports.charts`` and cached by what they show: the cache key is a hash of the chart's kind,
its numbers and labels, and ``CHART_VERSION``; so an unchanged round is never redrawn, and a new response (new
numbers) draws a new chart.

Prepared reports (``reports.models.PreparedReport``): the web request only records what was asked for and
enqueues ``reports.tasks.report_prepare``; the worker claims the row, lays the report out and stores the file.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_fsm import can_proceed

from assessments.models import Level, Round
from assessments.services import round_create
from partnerships.models import (
    Continuum,
    LifecycleStage,
    Membership,
    Organisation,
    Partnership,
    StatutoryStatus,
    StructureModel,
)
from reports import charts, priorities, selectors, svgboard
from reports.models import AuditCommentary, AuditReport, PreparedReport, ReportKind, ReportState
from reports.priorities import PriorityMap
from results import comparison

CHART_VERSION = 1
_SVG_PROLOGUE = re.compile(rb"^.*?(?=<svg)", re.S)


def cached_chart(kind: str, fmt: str = "svg", **params) -> bytes:
    """Return the chart ``kind`` (a drawing function of reports.charts) drawn with ``params``, from the cache."""
    key_source = json.dumps([CHART_VERSION, kind, fmt, params], sort_keys=True, default=str)
    key = "chart:" + hashlib.sha256(key_source.encode()).hexdigest()
    body = cache.get(key)
    if body is None:
        body = getattr(charts, kind)(fmt=fmt, **params)
        cache.set(key, body, timeout=None)
    return body


def inline_svg(body: bytes) -> str:
    """Return SVG bytes ready to place inside HTML: no XML declaration or doctype, hidden from screen readers
    (the figure's text alternative and data table carry the numbers)."""
    svg = _SVG_PROLOGUE.sub(b"", body, count=1).decode("utf-8")
    return svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


@dataclass(frozen=True)
class Chart:
    svg: str
    alt: str


def _labels(structure) -> list[str]:
    return [p.short_title for p in structure.principles]


def round_dartboard_params(results) -> dict:
    """Return the dartboard's numbers for a round: means shaded, each respondent a mark."""
    structure = results.structure
    return {
        "scores": [row.aggregate.mean for row in results.principles],
        "labels": _labels(structure),
        "limits": list(structure.ring_limits),
        # One list per principle (in order) of every respondent's score: the respondents' rows turned round.
        "marks": [list(column) for column in zip(*(r.principle_scores for r in results.respondents), strict=True)]
        or [[] for _ in structure.principles],
    }


def round_dartboard(results, fmt: str = "svg", title: str = "") -> bytes:
    """Return the round's dartboard (SVG or PNG bytes), with ``title`` above it when given."""
    return cached_chart("dartboard", fmt, **round_dartboard_params(results), title=title)


def round_dartboard_chart(results) -> Chart:
    params = round_dartboard_params(results)
    return Chart(inline_svg(cached_chart("dartboard", "svg", **params)), charts.dartboard_alt_text(**params))


def comparison_dartboard_chart(results) -> Chart:
    """Return the later round's means shaded with the earlier round's means as an outline."""
    params = {
        "scores": [row.aggregate.mean for row in results.principles],
        "labels": _labels(results.structure),
        "limits": list(results.structure.ring_limits),
        "outline": [results.previous_summary.principles[p.number].mean for p in results.structure.principles],
    }
    return Chart(inline_svg(cached_chart("dartboard", "svg", **params)), charts.dartboard_alt_text(**params))


def profile_dartboard_chart(structure, principle_scores) -> Chart:
    """Return one profile's dartboard (a respondent's scores, or a round's means without its respondents' marks)
    with its text alternative.

    Written as SVG text by ``reports.svgboard`` (well under a millisecond), never cached: the anonymous thank-you
    page draws the respondent's own board in the answer to the submit, and a cache row written as each person
    submits would sit in the cache table in the order people submitted, holding each one's scores. Named and
    anonymous profiles alike, so that every profile looks the same.
    """
    scores, labels, limits = list(principle_scores), _labels(structure), list(structure.ring_limits)
    body = svgboard.profile_dartboard_svg(scores, labels, limits=limits)
    return Chart(inline_svg(body.encode()), charts.dartboard_alt_text(scores, labels, limits=limits))


def _scale(structure) -> list[tuple[int, str]]:
    return [(o.value, o.label) for o in structure.scale_options]


def statement_bars_chart(structure, statement_rows) -> Chart:
    rows = [(s.info.code, dict(s.distribution), s.divided) for s in statement_rows]
    scale = _scale(structure)
    body = cached_chart("statement_bars", "svg", rows=rows, scale=scale)
    return Chart(inline_svg(body), charts.statement_bars_alt_text(rows, scale=scale))


def trend_chart(structure, round_labels: list[str], means: Mapping[int, Sequence[float | None]]) -> Chart:
    params: dict[str, Any] = {
        "round_labels": round_labels,
        "means": means,
        "labels": _labels(structure),
        "limits": list(structure.ring_limits),
    }
    return Chart(inline_svg(cached_chart("trend_lines", "svg", **params)), charts.trend_lines_alt_text(**params))


def register_health_chart(structure, totals: list[tuple[str, float]]) -> Chart:
    """Return the partnerships by the aggregate band of their latest total, bands from ``structure``."""
    limits = list(structure.total_limits)
    body = cached_chart("register_health", "svg", totals=[[name, total] for name, total in totals], limits=limits)
    return Chart(inline_svg(body), charts.register_health_alt_text(totals, limits=limits))


def partners_differ_charts(results) -> list[tuple[str, Chart]]:
    """Return (dimension, chart) for organisations and for levels: each shown group's principle means beside the
    whole partnership's, for each dimension whose breakdown shows at least two groups (withheld groups and the
    pooled "Other" never appear, as in the comparison's table)."""
    numbers = [p.number for p in results.structure.principles]
    overall = [row.aggregate.mean for row in results.principles]
    found = []
    for dimension, groups in (("organisation", results.by_organisation), ("level", results.by_level)):
        shown = comparison.comparable_groups(groups)
        if len(shown) < 2:
            continue
        params: dict[str, Any] = {
            "groups": [[g.name, [(g.principle_means or {}).get(n) for n in numbers]] for g in shown],
            "overall": overall,
            "labels": _labels(results.structure),
            "limits": list(results.structure.ring_limits),
            "dimension": dimension,
        }
        body = cached_chart("group_means", "svg", **params)
        found.append((dimension, Chart(inline_svg(body), charts.group_means_alt_text(**params))))
    return found


# --- Prepared reports ---------------------------------------------------------------------------------------


class RetryRefused(Exception):
    """The report is waiting or being prepared, or is ready: asking again would prepare it twice."""


def _enqueue(report: PreparedReport) -> None:
    from reports.tasks import report_prepare  # noqa: PLC0415 (tasks import this module)

    # In the caller's transaction, and the task queue is in the same database: the row and its task are saved
    # together or not at all.
    report_prepare.enqueue(report.pk)


def report_request(kind: ReportKind, year: int, user, *, query: str = "") -> PreparedReport:
    """Return the report ``kind`` of ``year`` being prepared for ``user``, asking a worker for it unless one is
    already waiting or being prepared (a double click, a second tab). A report whose worker stopped is marked
    failed and asked for again. ``query`` is what else the report is of (the register's filters); one report
    of a kind is prepared for a person at a time, so a second one asked for meanwhile finds the first."""
    now = timezone.now()
    for _ in range(2):
        try:
            with transaction.atomic():
                current = (
                    PreparedReport.objects.in_progress()
                    .without_file()
                    .select_for_update()
                    .filter(kind=kind, year=year, requested_by=user)
                    .first()
                )
                if current is not None and not current.is_stalled(now):
                    return current
                if current is not None:
                    current.fail(error=STALLED, now=now)
                    current.save(update_fields=["state", "error", "finished_at"])
                report = PreparedReport.objects.create(kind=kind, year=year, requested_by=user, query=query[:2000])
                _enqueue(report)
                _forget_old_reports(now)
                return report
        except IntegrityError:
            # Two requests at the same moment: the other one's row is now committed; the loop returns it.
            continue
    raise RuntimeError("A report could not be queued.")  # pragma: no cover (needs a third racing request)


STALLED = "The worker preparing it stopped before it finished."
FAILED = "Something went wrong while the report was being prepared."


def _forget_old_reports(now) -> None:
    """Delete finished reports older than ``PHC_PREPARED_REPORT_DAYS``: their data has moved on since."""
    cutoff = now - datetime.timedelta(days=settings.PHC_PREPARED_REPORT_DAYS)
    PreparedReport.objects.exclude(state__in=[ReportState.QUEUED, ReportState.PREPARING]).filter(
        requested_at__lt=cutoff
    ).delete()


@transaction.atomic
def report_retry(report: PreparedReport) -> PreparedReport:
    """Queue a failed (or stalled) report again; refuse one that is waiting, being prepared or ready."""
    report = PreparedReport.objects.without_file().select_for_update().get(pk=report.pk)
    now = timezone.now()
    if report.is_stalled(now):
        report.fail(error=STALLED, now=now)
    if report.state != ReportState.FAILED:
        raise RetryRefused("This report is ready or is still being prepared: it is not asked for again.")
    report.retry()
    report.save(update_fields=["state", "started_at", "finished_at"])
    _enqueue(report)
    return report


@transaction.atomic
def report_claim(report_id: int) -> PreparedReport | None:
    """Mark a queued report as being prepared by this worker and return it; None if another worker has it,
    or it is no longer waiting (so a task delivered twice lays it out once)."""
    report = (
        PreparedReport.objects.without_file()
        .select_for_update(skip_locked=True)
        .filter(pk=report_id, state=ReportState.QUEUED)
        .first()
    )
    if report is None:
        return None
    report.start(now=timezone.now())
    report.save(update_fields=["state", "started_at", "attempts", "error"])
    return report


@transaction.atomic
def report_store(report_id: int, body: bytes, filename: str, content_type: str) -> PreparedReport:
    """Store a finished report's file and mark it ready."""
    report = PreparedReport.objects.without_file().select_for_update().get(pk=report_id)
    report.finish(body=body, filename=filename, content_type=content_type, now=timezone.now())
    report.save(update_fields=["state", "body", "size", "filename", "content_type", "finished_at"])
    return report


@transaction.atomic
def report_fail(report_id: int, error: str = FAILED) -> PreparedReport:
    """Mark a report as failed, with what to tell the person who asked for it."""
    report = PreparedReport.objects.without_file().select_for_update().get(pk=report_id)
    report.fail(error=error, now=timezone.now())
    report.save(update_fields=["state", "error", "finished_at"])
    return report


def priority_map_chart(data: PriorityMap, fmt: charts.Fmt = "svg") -> tuple[bytes, str]:
    """Return the priority map's chart (SVG or PNG bytes, cached by its numbers) and its text alternative, for
    /reports/ and the audit committee's report."""
    points = [
        (p.reference, p.value.score, p.total, p.quadrant)
        for p in data.placed
        if p.total is not None and p.quadrant is not None
    ]
    image = cached_chart(
        "priority_map",
        fmt,
        points=points,
        value_max=priorities.VALUE_MAX,
        high_value_from=priorities.HIGH_VALUE_FROM,
        lowest_total=data.lowest_total,
        highest_total=data.highest_total,
        poor_health_up_to=data.poor_health_up_to,
    )
    text = charts.priority_map_alt_text(
        points, value_max=priorities.VALUE_MAX, quadrant_labels=priorities.QUADRANT_LABELS
    )
    return image, text


def priority_map_figure(data: PriorityMap) -> Chart:
    """Return the priority map as an inline SVG with its text alternative, for a page."""
    image, text = priority_map_chart(data)
    return Chart(inline_svg(image), text)


# --- The audit committee's annual review (issue 19, point 3) --------------------------------------------------


class AuditReportIssued(ValueError):
    """The report is issued: its commentary and its PDF no longer change."""


def _audit_pdf_requested(report: AuditReport) -> None:
    from reports.tasks import audit_report_make_pdf  # noqa: PLC0415 (the task imports this module)

    # The PDF of a whole portfolio takes seconds: a worker makes it, never the request.
    audit_report_make_pdf.enqueue(report.pk)


@transaction.atomic
def audit_report_prepare(year: int, *, by: Any) -> AuditReport:
    """Return the draft of ``year``'s report (made now if there is none) with a fresh PDF asked for; an issued
    report is returned as it is, its PDF never made again."""
    report, _ = AuditReport.objects.get_or_create(year=year, defaults={"prepared_by": by})
    report = AuditReport.objects.select_for_update().get(pk=report.pk)
    if report.is_issued:
        return report
    report.pdf_requested_at = timezone.now()
    report.save(update_fields=["pdf_requested_at"])
    _audit_pdf_requested(report)
    return report


@transaction.atomic
def audit_commentary_save(report: AuditReport, texts: Mapping[int, str]) -> int:
    """Record the officer's commentary ({partnership id: text}, an empty text removes it) on a draft; return
    how many commentaries the report has. Raise AuditReportIssued once the report is issued."""
    report = AuditReport.objects.select_for_update().get(pk=report.pk)
    if report.is_issued:
        raise AuditReportIssued("This report has been issued; its commentary can no longer change.")
    keep = {pk: text.strip() for pk, text in texts.items() if text.strip()}
    AuditCommentary.objects.filter(report=report).exclude(partnership_id__in=list(keep)).delete()
    AuditCommentary.objects.bulk_create(
        [AuditCommentary(report=report, partnership_id=pk, text=text) for pk, text in keep.items()],
        update_conflicts=True,
        unique_fields=["report", "partnership"],
        update_fields=["text", "updated_at"],
    )
    return len(keep)


@transaction.atomic
def audit_report_issue(report: AuditReport, *, by: Any) -> AuditReport:
    """Issue the draft: its commentary is final and its PDF is made one last time by a worker, then kept as it
    is. Raise AuditReportIssued when it is issued already (a second click changes nothing)."""
    report = AuditReport.objects.select_for_update().get(pk=report.pk)
    if not can_proceed(report.issue):
        raise AuditReportIssued("This report has been issued already.")
    report.issue(by=by, at=timezone.now())
    report.save()
    _audit_pdf_requested(report)
    return report


def audit_report_pdf_make(report_id: int) -> bool:
    """Make and store the report's PDF (the task's work); return False when there is nothing to do: no such
    report, or an issued report whose PDF was made after its issue (it is kept exactly as it is)."""
    from reports import pdf  # noqa: PLC0415 (pdf imports this module)

    with transaction.atomic():
        report = AuditReport.objects.select_for_update().filter(pk=report_id).first()
        if report is None:
            return False
        issued_at, made_at = report.issued_at, report.pdf_made_at
        if issued_at is not None and made_at is not None and made_at >= issued_at:
            return False  # the issued report's PDF: kept exactly as it is
        commentary = dict(report.commentaries.values_list("partnership_id", "text"))
        review = selectors.audit_review(report.year, commentary)
        report.pdf = pdf.audit_report_pdf(report, review)
        report.pdf_made_at = timezone.now()
        report.save(update_fields=["pdf", "pdf_made_at"])
    return True


# --- The council's self-assessment against the standards for excellence (issue 19, point 5) -------------------

COUNCIL_ENTRY_REFERENCE = "COUNCIL"


class StandardsNotLoaded(ValueError):
    """The standards for excellence instrument is not in the database (assessments migration 0012)."""


@transaction.atomic
def council_entry_get_or_create() -> Partnership:
    """Return the register entry that stands for the council itself, made on first use: its self-assessment's
    rounds hang on it as a health check's hang on a partnership, and the register never lists it."""
    existing = selectors.council_entry()
    if existing is not None:
        return existing
    council = Organisation.objects.filter(is_the_council=True).first()
    entry = Partnership.with_council.create(
        name=council.name if council else "The council",
        reference=COUNCIL_ENTRY_REFERENCE,
        purpose="The council's own yearly self-assessment against the standards for excellence in partnership working.",
        lead_officer="Partnership leads",
        service_area="The whole council",
        continuum=Continuum.INFO_SHARING,
        structure_model=StructureModel.INFORMAL,
        statutory_status=StatutoryStatus.NON_STATUTORY,
        lifecycle_stage=LifecycleStage.FUNCTIONING,
        stands_for_council=True,
    )
    if council is not None:
        Membership.objects.create(partnership=entry, organisation=council, role="The council itself")
    return entry


def standards_round_create(*, title: str, facilitator: Any, opens_on: date, closes_on: date, **fields: Any) -> Round:
    """Create a draft round of the council's self-assessment against the standards for excellence; from here it
    is invited, opened, answered, closed and shown by the same pages as a health check."""
    instrument = selectors.standards_instrument()
    if instrument is None:
        raise StandardsNotLoaded("The standards for excellence are not loaded: ask the site's administrator.")
    # The council's partnership leads: its elected members and its managers.
    fields.setdefault("levels", [Level.BOARD, Level.MANAGEMENT])
    return round_create(
        partnership=council_entry_get_or_create(),
        instrument=instrument,
        title=title,
        facilitator=facilitator,
        opens_on=opens_on,
        closes_on=closes_on,
        **fields,
    )
