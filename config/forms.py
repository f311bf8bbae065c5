"""Form pieces shared by the apps."""

from __future__ import annotations

from django import forms


class DateInput(forms.DateInput):
    """The browser's own date picker (type="date"), which sends and shows ISO dates."""

    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")
