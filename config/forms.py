"""Form pieces shared by the apps."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format

# Dates a council could mean. Beyond them the arithmetic (a review a year later, a round's length) overflows
# Python's dates near year 9999, and a typing slip (20266 for 2026) is caught at the form.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2199, 12, 31)


def validate_sane_date(value: datetime.date | None) -> None:
    """Raise ValidationError for a date before 1900 or after 2199."""
    if value is None:
        return
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            "Enter a date between %(earliest)s and %(latest)s.",
            code="date_out_of_range",
            params={"earliest": date_format(EARLIEST_DATE, "j F Y"), "latest": date_format(LATEST_DATE, "j F Y")},
        )


class DateInput(forms.DateInput):
    """The browser's own date picker (type="date"), which sends and shows ISO dates."""

    input_type = "date"

    def __init__(self, attrs=None) -> None:
        attrs = {"min": EARLIEST_DATE.isoformat(), "max": LATEST_DATE.isoformat(), **(attrs or {})}
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateField(forms.DateField):
    """Every date field of the site: the date picker, and dates only within what the arithmetic can hold."""

    widget = DateInput
    default_validators = [validate_sane_date]
