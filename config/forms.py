"""Form pieces shared by the apps."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth.forms import AuthenticationForm
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


DJANGO_REQUIRED = str(forms.Field.default_error_messages["required"])
DJANGO_DATE_INVALID = str(forms.DateField.default_error_messages["invalid"])


def govuk_error_message(field: forms.Field, name: str, subject: str) -> str:
    """Return the GOV.UK wording for a missing answer: "Enter the partnership's name", "Select the purpose"."""
    label = str(field.label or name.replace("_", " ")).rstrip(".?: ")
    what = f"{subject} {label[:1].lower()}{label[1:]}".strip()
    choosing = isinstance(field, (forms.ChoiceField, forms.ModelChoiceField)) or isinstance(
        field.widget, (forms.CheckboxInput, forms.RadioSelect, forms.Select)
    )
    return f"{'Select' if choosing else 'Enter'} {what}"


class GovukErrorsMixin:
    """Gives every field of a form the GOV.UK Design System's error wording, unless the form says otherwise.

    ``error_subject`` names whose field it is ("the partnership's", "your"): "Enter the partnership's name".
    A message a form or model sets itself is kept.
    """

    error_subject = "the"
    fields: dict[str, forms.Field]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            label = str(field.label or name.replace("_", " ")).rstrip(".?: ")
            if str(field.error_messages.get("required")) == DJANGO_REQUIRED:
                field.error_messages["required"] = govuk_error_message(field, name, self.error_subject)
            max_length = getattr(field, "max_length", None)
            if max_length:
                field.error_messages.setdefault("max_length", f"{label} must be {max_length:,} characters or fewer")
            if isinstance(field, forms.DateField) and str(field.error_messages["invalid"]) == DJANGO_DATE_INVALID:
                field.error_messages["invalid"] = f"{label} must be a real date"


class SignInForm(GovukErrorsMixin, AuthenticationForm):
    """The sign-in form with GOV.UK wording: "Enter your username"."""

    error_subject = "your"
