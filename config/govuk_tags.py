"""Template helpers for GOV.UK Frontend form markup that crispy-forms-gds does not cover: the date input's three
boxes, and where the error summary links to."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

from config.forms import DATE_PARTS, DateInput

register = template.Library()


@register.filter
def govuk_widget(field: BoundField, css: str) -> SafeString:
    """Return the field's widget with the GOV.UK classes ``css`` (plus the error class) and aria attributes."""
    base = css.split()[0] if css else "govuk-input"
    classes = [css] + ([f"{base}--error"] if field.errors else [])
    described = [f"{field.auto_id}_hint"] if field.help_text else []
    described += [f"{field.auto_id}_error"] if field.errors else []
    attrs: dict[str, str | bool] = {"class": " ".join(classes)}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


def _date_parts_in_error(field: BoundField) -> list[str]:
    """The boxes (day, month, year) of a date field that its errors are about: those an error names, or all three
    when an error is about the whole date (out of range, before another date)."""
    wrong: list[str] = []
    for error in field.errors.as_data():
        named = (error.params or {}).get("parts") if isinstance(error.params, dict) else None
        for part in named or DATE_PARTS:
            if part not in wrong:
                wrong.append(part)
    return [part for part in DATE_PARTS if part in wrong]


@register.filter
def date_boxes(field: BoundField) -> list[dict[str, object]]:
    """Return the three boxes of a GOV.UK date input (part, name, id, value, label, width, error) for the field."""
    wrong = _date_parts_in_error(field)
    widget = field.field.widget
    typed = widget.format_value(field.value()) if isinstance(widget, DateInput) else {}
    return [
        {
            "part": part,
            "name": f"{field.html_name}_{part}",
            "id": f"{field.auto_id}_{part}",
            "value": typed.get(part, ""),
            "label": part.capitalize(),
            "width": 4 if part == "year" else 2,
            "error": part in wrong,
        }
        for part in DATE_PARTS
    ]


@register.filter
def error_target(field: BoundField) -> str:
    """Return the id the error summary links to for the field: the first box in error of a date, the first
    option of a radio or checkbox group, the field itself otherwise."""
    widget = field.field.widget
    if isinstance(widget, DateInput):
        wrong = _date_parts_in_error(field)
        return f"{field.auto_id}_{wrong[0] if wrong else DATE_PARTS[0]}"
    if getattr(widget, "use_fieldset", False):
        return f"{field.auto_id}_0"
    return str(field.auto_id)
