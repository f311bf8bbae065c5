"""A round's results as files: the results as JSON and the submitted answers as CSV."""

from __future__ import annotations

import csv
import io

from django.utils import timezone

from assessments import scoring
from assessments.models import Round
from config.exports import csv_cell, download_name
from results.selectors import RoundResults


def export_filename(round_: Round, what: str, extension: str) -> str:
    """Return the download name of one of the round's files: partnership, round, what it is and today's date,
    e.g. "safer-streets-health-check-2026-results-2026-12-01.json"."""
    return download_name(round_.partnership.name, round_.title, what, made_on=timezone.localdate(), extension=extension)


def _band_json(band: scoring.Band) -> dict:
    return {"min": band.min, "max": band.max, "text": band.text}


def results_json(results: RoundResults) -> dict:
    """Return the round's results in the documented JSON shape (see the issue and /help/)."""
    round_ = results.round
    data: dict = {
        "round": {
            "id": round_.id,
            "partnership": round_.partnership.name,
            "responses": results.submitted,
            "anonymous": round_.anonymous,
            "opens_on": round_.opens_on.isoformat(),
            "closes_on": round_.closes_on.isoformat(),
            # The day it actually closed (early or late), or null while it is not closed.
            "closed_on": round_.closed_on.isoformat() if round_.closed_on else None,
        },
        "principles": [],
        "total": None,
        "scenario": None,
        "respondents": [],
    }
    if not results.enough or results.summary is None:
        data["withheld"] = f"Results are shown once {results.min_responses} responses are submitted."
        return data
    for row in results.principles:
        a = row.aggregate
        data["principles"].append(
            {
                "number": row.info.number,
                "title": row.info.title,
                "n": a.n,
                "mean": a.mean,
                "median": a.median,
                "min": a.min,
                "max": a.max,
                "band": _band_json(a.band),
                "agreement": a.agreement,
                "significance_mean": row.significance_mean,
            }
        )
    total = results.summary.total
    data["total"] = {"mean": total.mean, "band": _band_json(total.band)}
    data["scenario"] = {"code": results.summary.scenario.code, "reasons": list(results.summary.scenario.reasons)}
    data["respondents"] = [
        {
            "label": r.label,
            "organisation": r.organisation,
            "level": r.level,
            "principles": list(r.principle_scores),
            "total": r.total,
        }
        for r in results.respondents
    ]
    return data


def responses_csv(results: RoundResults) -> str:
    """Return one CSV row per submitted response: label, groups, every answer, significance, success, comments.

    In an anonymous round there is no name, email, token, organisation or level (a group of one would give its
    member away; the breakdowns by group are on the results page). In a named round organisation and level are
    blank for groups under the minimum size. Nothing but the header is written until the minimum is in.
    """
    structure = results.structure
    codes = [s.code for s in structure.statements]
    header = (
        ["label", "organisation", "level"]
        + [f"P{c}" for c in codes]
        + [f"S{p.number}" for p in structure.principles]
        + ["success"]
        + [f"P{c}_comment" for c in codes]
        + ["success_comment"]
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    if not results.enough:
        return out.getvalue()
    for r in results.respondents:
        values = list(r.answers) + [None] * (len(codes) - len(r.answers))
        notes = list(r.comments) + [""] * (len(codes) - len(r.comments))
        sig = list(r.significance) + [None] * (len(structure.principles) - len(r.significance))
        writer.writerow(
            [csv_cell(r.label), csv_cell(r.organisation or ""), csv_cell(r.level or "")]
            + ["" if v is None else v for v in values]
            + ["" if v is None else v for v in sig]
            + ["" if r.success is None else r.success]
            + [csv_cell(n) for n in notes]
            + [csv_cell(r.success_comment)]
        )
    return out.getvalue()
