"""The register's downloads (CSV and Excel workbook): their columns, and the workbook itself.

Shared by the views (the CSV streamed, a small register's workbook in the request) and the task worker (a large
register's workbook, prepared like the portfolio report: ``reports.tasks``).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.http import QueryDict

from assessments.readmodel import InstrumentStructure
from assessments.selectors import default_structure
from config.exports import download_name, workbook
from partnerships.filters import register_filter
from partnerships.models import Partnership
from partnerships.selectors import partners_of
from results import selectors as results_selectors
from results.selectors import Summary

CSV_HEADINGS = (
    "Reference",
    "Name",
    "Status",
    "Life-cycle stage",
    "Type of working",
    "Structure model",
    "Statutory status",
    "Service area",
    "Lead officer",
    "Senior sponsor",
    "Risk rating",
    "Start date",
    "Review due",
    "Review overdue",
    "Partner organisations",
    "Partner sectors",
    "Latest health-check total",
    "Band",
    "Scenario",
)


def register_headings(structure: InstrumentStructure | None) -> tuple[str, ...]:
    """The register exports' column headings: the register, the latest health check, then one mean score per
    principle (the portfolio PDF of a large register points here for its principle-by-partnership table)."""
    principles = structure.principles if structure else ()
    return CSV_HEADINGS + tuple(f"Principle {p.number} mean" for p in principles)


def register_row(p: Partnership, health: Summary | None, numbers: Sequence[int]) -> tuple:
    """One partnership as the register's exports give it (the same columns in the CSV and the workbook)."""
    means = [health.principles[n].mean if health and n in health.principles else None for n in numbers]
    return (
        p.reference,
        p.name,
        p.get_status_display(),
        p.get_lifecycle_stage_display(),
        p.get_continuum_display(),
        p.get_structure_model_display(),
        p.get_statutory_status_display(),
        p.service_area,
        p.lead_officer,
        p.senior_sponsor,
        p.get_risk_display(),
        p.start_date.isoformat() if p.start_date else "",
        p.review_due_date.isoformat() if p.review_due_date else "",
        "Yes" if p.review_state == "overdue" else "No",
        "; ".join(p.partner_names),  # type: ignore[attr-defined]  # annotated by the register's queryset
        "; ".join(p.sector_labels),  # type: ignore[attr-defined]  # annotated by the register's queryset
        round(health.total.mean, 1) if health else None,
        health.total.band.label if health else "",
        health.scenario.code if health else "",
        *(round(m, 1) if m is not None else None for m in means),
    )


PARTNER_HEADINGS = (
    "Reference",
    "Partnership",
    "Organisation",
    "Sector",
    "Role",
    "Representative",
    "Financial contribution (£ a year)",
    "Other resources",
)


def register_workbook_file(query: QueryDict, user) -> tuple[bytes, str]:
    """Return the register workbook (the partnerships ``user`` sees with the filters in ``query``, and their
    partners) and its download name: built in the request for a small register, by a task for a large one."""
    register = register_filter(query, user)
    rows = list(register.qs)
    latest = results_selectors.latest_summaries((p.pk for p in rows), viewer=user)
    structure = default_structure()
    numbers = [p.number for p in structure.principles] if structure else []
    partners = [
        (
            m.partnership.reference,
            m.partnership.name,
            m.organisation.name,
            m.organisation.get_sector_display(),
            m.role,
            m.representative,
            float(m.financial_contribution) if m.financial_contribution is not None else None,
            m.other_resources,
        )
        for m in partners_of([p.pk for p in rows])
    ]
    body = workbook(
        [
            ("Register", register_headings(structure), [register_row(p, latest.get(p.pk), numbers) for p in rows]),
            ("Partners", PARTNER_HEADINGS, partners),
        ]
    )
    return body, download_name("partnership register", made_on=register.today, extension="xlsx")
