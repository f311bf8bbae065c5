"""Forms of the council's view: the year of an audit committee's review and its commentary."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model

from config.forms import DateField
from config.roles import FACILITATOR
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


class StandardsRoundForm(forms.Form):
    """A manager sets up the year's self-assessment: who runs it (a facilitator invites the partnership leads
    through the round's own pages) and when it takes answers."""

    facilitator = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        help_text="They invite the council's partnership leads and close the round, as for a health check.",
        error_messages={"required": "Choose who runs the self-assessment."},
    )
    opens_on = DateField(label="Opens on", error_messages={"required": "Enter the date it opens."})
    closes_on = DateField(label="Closes on", error_messages={"required": "Enter the date it closes."})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        facilitators = (
            get_user_model()
            .objects.filter(groups__name=FACILITATOR, is_active=True)
            .order_by("first_name", "last_name", "username")
        )
        field = cast(forms.ModelChoiceField, self.fields["facilitator"])
        field.queryset = facilitators
        field.label_from_instance = lambda u: u.get_full_name() or u.username  # type: ignore[method-assign,assignment]

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        opens_on, closes_on = self.cleaned_data.get("opens_on"), self.cleaned_data.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", "The close date cannot be before the open date.")
        return cleaned
