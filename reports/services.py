"""Charts as the pages and reports use them: drawn by ``reports.charts`` and cached by what they show.

The cache key is a hash of the chart's kind, its numbers and labels, and ``CHART_VERSION``; so an unchanged
round is never redrawn, and a new response (new numbers) draws a new chart.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

from reports import charts, priorities
from reports.priorities import PriorityMap

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


def profile_dartboard_chart(structure, principle_scores, *, cached: bool = True) -> Chart:
    """``cached=False`` for an anonymous respondent's own profile: a cache row written as they submit would
    sit in the cache table in the order people submitted, holding each one's scores."""
    params = {"scores": list(principle_scores), "labels": _labels(structure), "limits": list(structure.ring_limits)}
    body = (
        cached_chart("dartboard", "svg", **params)
        if cached
        else charts.dartboard(params["scores"], params["labels"], limits=params["limits"], fmt="svg")
    )
    return Chart(inline_svg(body), charts.dartboard_alt_text(**params))


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
