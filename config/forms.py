"""Form pieces shared by the apps."""

from __future__ import annotations

import datetime
from html import escape as escape_html
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe

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


DATE_PARTS = ("day", "month", "year")


class LongSelect(forms.Select):
    """A select of many options (every partner organisation of a region's register: 2,500) with the markup of
    Django's own select, written by one join. Django writes each option through its own template (about 0.15 ms
    an option), which at that size was most of the register page's time. Grouped choices, which no long select
    here has, are left to Django."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        choices = [choice for choice in self.choices]  # not list(): its len() would count the rows first
        if any(isinstance(label, list | tuple) for _, label in choices):
            return super().render(name, value, attrs, renderer)
        chosen = set(self.format_value(value))
        options = []
        selected = False  # like Django's: only the first option with the value is selected
        for option_value, label in choices:
            option = str(option_value if option_value is not None else "")
            is_selected = not selected and option in chosen
            selected = selected or is_selected
            options.append(
                f'\n  <option value="{_escape(option)}"{" selected" if is_selected else ""}>{_escape(label)}</option>\n'
            )
        attributes = "".join(
            f" {_escape(key)}" if value is True else f' {_escape(key)}="{_escape(value)}"'
            for key, value in self.build_attrs(self.attrs, attrs).items()
            if value is not False  # as Django's attrs.html: a True attribute by its name alone, a False one left out
        )
        # Every value and label above is escaped; format_html per option cost three times the join.
        return mark_safe(f'<select name="{_escape(name)}"{attributes}>{"".join(options)}\n</select>')  # noqa: S308


def _escape(value: object) -> str:
    """``conditional_escape`` without its lazy-string wrapper, which cost more than the escaping itself here."""
    html = getattr(value, "__html__", None)
    return html() if html is not None else escape_html(str(value))


class DateInput(forms.Widget):
    """The GOV.UK date input: the day, month and year in three boxes, named ``<name>_day``, ``<name>_month``
    and ``<name>_year`` (https://design-system.service.gov.uk/components/date-input/).

    A single ISO date under the field's own name (``2026-12-31``: an older page, a script, a test) is still
    read, so nothing that posted dates before breaks.
    """

    template_name = "govuk/date_input.html"
    use_fieldset = True

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs)

    def value_from_datadict(self, data, files, name: str):  # noqa: ANN001, ANN201 - Django's signature
        parts = [data.get(f"{name}_{part}") for part in DATE_PARTS]
        if all(part is None for part in parts):
            return data.get(name)
        return [str(part or "").strip() for part in parts]

    def value_omitted_from_data(self, data, files, name: str) -> bool:  # noqa: ANN001 - Django's signature
        return name not in data and all(f"{name}_{part}" not in data for part in DATE_PARTS)

    def format_value(self, value: object) -> dict[str, str]:  # three boxes, not one text
        """Return the text of each box: from a date, from what was typed, or from an ISO date."""
        return dict(zip(DATE_PARTS, date_parts(value), strict=True))

    def get_context(self, name: str, value: object, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["parts"] = [
            {"part": part, "name": f"{name}_{part}", "id": f"{widget['attrs'].get('id', name)}_{part}", "value": text}
            for part, text in widget["value"].items()
        ]
        return context

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_day" if id_ else id_


def date_parts(value: object) -> tuple[str, str, str]:
    """Return (day, month, year) as the boxes show them, from a date, a list typed in the boxes or an ISO date."""
    if isinstance(value, datetime.date):
        return str(value.day), str(value.month), str(value.year)
    if isinstance(value, (list, tuple)) and len(value) == len(DATE_PARTS):
        day, month, year = (str(part or "") for part in value)
        return day, month, year
    if isinstance(value, str) and value:
        try:
            parsed = datetime.date.fromisoformat(value.strip())
        except ValueError:
            return "", "", value
        return date_parts(parsed)
    return "", "", ""


class DateHiddenInput(forms.HiddenInput):
    """A date carried in a hidden field (a confirmation page): one ISO date, which DateInput reads back."""

    def format_value(self, value: object) -> str | None:
        day, month, year = date_parts(value)
        try:
            return datetime.date(int(year), int(month), int(day)).isoformat()
        except ValueError:
            return None


def _describe_missing(parts: list[str]) -> str:
    return " and ".join(f"a {part}" for part in parts)


class DateField(forms.DateField):
    """Every date field of the site: the GOV.UK date input (three boxes), and dates only within what the
    arithmetic can hold.

    Each error says which box is wrong (``params["parts"]``), so the box is highlighted and the error summary
    links to it: nothing typed means the field's "required" message; some boxes left empty, "must include a
    month"; a month of 13 or 31 February, "must be a real date"; a year of 26, "must include 4 numbers"; a date
    outside 1900 to 2199 (``validate_sane_date``), the range.
    """

    widget = DateInput
    hidden_widget = DateHiddenInput
    default_validators = [validate_sane_date]
    default_error_messages = {
        "incomplete": "The date must include %(missing)s",
        "year_digits": "The year must include 4 numbers",
    }

    def to_python(self, value: str | list[str] | datetime.date | None) -> datetime.date | None:  # also the boxes
        if isinstance(value, (list, tuple)):
            return self._from_parts([str(part) for part in value])
        return super().to_python(value)

    def _from_parts(self, parts: list[str]) -> datetime.date | None:
        typed = dict(zip(DATE_PARTS, parts, strict=True))
        missing = [part for part, text in typed.items() if not text]
        if len(missing) == len(DATE_PARTS):
            return None
        if missing:
            raise ValidationError(
                self.error_messages["incomplete"],
                code="incomplete",
                params={"missing": _describe_missing(missing), "parts": missing},
            )
        not_numbers = [part for part, text in typed.items() if not text.isdigit()]
        if not_numbers:
            raise ValidationError(self.error_messages["invalid"], code="invalid", params={"parts": not_numbers})
        if len(typed["year"]) != 4:
            raise ValidationError(self.error_messages["year_digits"], code="year_digits", params={"parts": ["year"]})
        day, month, year = (int(typed[part]) for part in DATE_PARTS)
        if not 1 <= month <= 12:
            raise ValidationError(self.error_messages["invalid"], code="invalid", params={"parts": ["month"]})
        try:
            return datetime.date(year, month, day)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid", params={"parts": ["day"]}) from None


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
            if isinstance(field, DateField):
                # The GOV.UK wording for a date: each message names the date it is about.
                said = label.replace("%", "%%")
                field.error_messages["incomplete"] = f"{said} must include %(missing)s"
                field.error_messages["year_digits"] = f"{said}: the year must include 4 numbers"
                field.error_messages.setdefault(
                    "date_out_of_range", f"{said} must be between %(earliest)s and %(latest)s"
                )


class SignInForm(GovukErrorsMixin, AuthenticationForm):
    """The sign-in form with GOV.UK wording: "Enter your username"."""

    error_subject = "your"
