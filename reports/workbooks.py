"""Excel workbooks of a round's results: one sheet per table, the same numbers as the results page.

Anonymity holds as on the page: respondents are numbered, and their organisation and level are the
suppressed ones the JSON export gives (blank in an anonymous round or for small groups); no comment is written.
"""

from __future__ import annotations

from collections.abc import Sequence

from config.exports import Cell, workbook
from results.exporters import results_json
from results.selectors import RoundResults

_ANSWER_HEADINGS = ("Strongly agree (4)", "Agree (3)", "Disagree (2)", "Strongly disagree (1)")


def round_workbook(results: RoundResults) -> bytes:
    """Return the round's results as .xlsx bytes: Round, Principles, Statements, Respondents, Breakdowns,
    Priorities and Scenario sheets (only the Round sheet until the results may be shown)."""
    data = results_json(results)
    about = data["round"]
    round_ = results.round
    round_rows: list[Sequence[Cell]] = [
        ("Partnership", about["partnership"]),
        ("Round", round_.title),
        ("Opens on", about["opens_on"]),
        ("Closes on", about["closes_on"]),
        ("Closed on", about["closed_on"] or "Not closed"),
        ("Anonymous", "Yes" if about["anonymous"] else "No"),
        ("Invited", results.invited),
        ("Responses", results.submitted),
    ]
    if "withheld" in data:
        round_rows.append(("Results", data["withheld"]))
        return workbook([("Round", ("Item", "Value"), round_rows)])
    total = data["total"]
    round_rows += [
        ("Mean total", total["mean"]),
        ("Band", f"{total['band']['min']}-{total['band']['max']}: {total['band']['text']}"),
        ("Scenario", data["scenario"]["code"]),
    ]
    principles = [
        (
            p["number"],
            p["title"],
            p["n"],
            p["mean"],
            p["median"],
            p["min"],
            p["max"],
            f"{p['band']['min']}-{p['band']['max']}",
            p["band"]["text"],
            p["agreement"],
            p["significance_mean"],
        )
        for p in data["principles"]
    ]
    statements = [
        (
            s.info.code,
            s.info.text,
            *(s.distribution.get(value, 0) for value in (4, 3, 2, 1)),
            s.n,
            "Yes" if s.divided else "No",
        )
        for s in results.statements
    ]
    numbers = [p.number for p in results.structure.principles]
    respondents = [
        (r["label"], r["organisation"] or "", r["level"] or "", *r["principles"], r["total"])
        for r in data["respondents"]
    ]
    groups = [
        (
            kind,
            g.name,
            g.n,
            *((g.principle_means or {}).get(n) for n in numbers),
            g.total_mean,
            "Withheld (too few)" if g.withheld else "",
        )
        for kind, breakdown in (("Organisation", results.by_organisation), ("Level", results.by_level))
        for g in breakdown
    ]
    priorities = [
        (rank, p.number, info.title, p.significance, p.mean, p.weight)
        for rank, (p, info) in enumerate(results.priority_rows, start=1)
    ]
    scenario = [(data["scenario"]["code"], reason) for reason in data["scenario"]["reasons"]]
    return workbook(
        [
            ("Round", ("Item", "Value"), round_rows),
            (
                "Principles",
                (
                    "Principle",
                    "Title",
                    "Respondents",
                    "Mean",
                    "Median",
                    "Lowest",
                    "Highest",
                    "Band",
                    "Band wording",
                    "Agreement",
                    "Mean significance",
                ),
                principles,
            ),
            ("Statements", ("Statement", "Text", *_ANSWER_HEADINGS, "Answers", "Divided"), statements),
            (
                "Respondents",
                ("Respondent", "Organisation", "Level", *(f"P{n}" for n in numbers), "Total"),
                respondents,
            ),
            (
                "Breakdowns",
                ("By", "Group", "Respondents", *(f"P{n} mean" for n in numbers), "Total mean", "Note"),
                groups,
            ),
            (
                "Priorities",
                ("Rank", "Principle", "Title", "Mean significance", "Mean score", "Weight"),
                priorities,
            ),
            ("Scenario", ("Scenario", "Reason"), scenario),
        ]
    )
