"""Forms of the council's view: the year of an audit committee's review and its commentary."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from reports.models import COMMENTARY_MAX_LENGTH, FIRST_YEAR, LAST_YEAR, AuditReport


class AuditYearForm(forms.Form):
    year = forms.IntegerField(
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        error_messages={
            "required": "Choose the year the review covers.",
            "invalid": "Enter the year as four digits, like 2026.",
            "min_value": f"Enter a year from {FIRST_YEAR} to {LAST_YEAR}.",
            "max_value": f"Enter a year from {FIRST_YEAR} to {LAST_YEAR}.",
        },
    )


class AuditCommentaryForm(forms.Form):
    """One optional commentary per significant partnership, named ``commentary_<partnership id>``."""

    def __init__(self, *args: Any, partnerships: Sequence[Any], report: AuditReport, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        existing = dict(report.commentaries.values_list("partnership_id", "text"))
        for p in partnerships:
            self.fields[f"commentary_{p.pk}"] = forms.CharField(
                label=f"{p.name} ({p.reference})",
                required=False,
                max_length=COMMENTARY_MAX_LENGTH,
                initial=existing.get(p.pk, ""),
                widget=forms.Textarea(attrs={"rows": 3}),
                disabled=report.is_issued,
            )

    def texts(self) -> dict[int, str]:
        """Return {partnership id: commentary} as typed (empty ones too: they remove a commentary)."""
        return {int(name.split("_", 1)[1]): value or "" for name, value in self.cleaned_data.items()}
